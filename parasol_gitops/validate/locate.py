"""Locating the file that declares a built object, on demand (only for folders with findings).

A folder is built again on its own with kustomize's origin annotations, and the annotated objects are matched
to the ones already built by kind, name and namespace (kustomize ids are unique within one build).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

from . import sandbox
from .objects import Loader, Obj, parse
from .run import Kustomize
from .tree import rel as _rel

ORIGIN_ANNOTATION = "config.kubernetes.io/origin"


def attach_sources(kustomize: Kustomize, built: dict[str, list[Obj]], rels: Iterable[str], workers: int) -> bool:
    """Set ``source`` on the objects ``built`` holds for each of ``rels`` (sorted); True when any was set."""
    todo = list(rels)
    changed = False
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for rel, annotated in zip(todo, pool.map(lambda r: _build_annotated(kustomize, r), todo), strict=True):
            if annotated is not None:
                changed = _match(built[rel], annotated) or changed
    return changed


def _match(objs: list[Obj], annotated: list[Obj]) -> bool:
    by_id: dict[tuple[str, str, str], list[Obj]] = {}
    for a in annotated:
        by_id.setdefault((a.api_version, a.kind, a.name), []).append(a)
    changed = False
    for obj in objs:
        candidates = by_id.get((obj.api_version, obj.kind, obj.name), [])
        exact = [a for a in candidates if a.namespace == obj.namespace]
        match = exact or (candidates if len(candidates) == 1 else [])
        if match and match[0].source and match[0].source != obj.source:
            obj.source = match[0].source
            changed = True
    return changed


def _build_annotated(kustomize: Kustomize, rel: str) -> list[Obj] | None:
    tmp = sandbox.temp_dir("origin")
    try:
        (tmp / "kustomization.yaml").write_text(yaml.safe_dump({
            "buildMetadata": ["originAnnotations"],
            "resources": [os.path.relpath(kustomize.root / rel, tmp)]}), encoding="utf-8")
        stdout = kustomize.output(tmp)
        if stdout is None:
            return None
        try:
            objs = parse(stdout, rel)
        except yaml.YAMLError:
            return None
        for obj in objs:
            obj.source = _declared_in(kustomize.root, obj, tmp)
        return objs
    finally:
        sandbox.remove_temp(tmp)


def _declared_in(root: Path, obj: Obj, tmp: Path) -> str:
    meta = obj.data["metadata"]
    raw = (meta.get("annotations") or {}).get(ORIGIN_ANNOTATION)
    try:
        origin = yaml.load(raw, Loader=Loader) if isinstance(raw, str) else None
    except yaml.YAMLError:
        return ""
    path = origin.get("path") if isinstance(origin, dict) else None
    return _rel(root, (tmp / path).resolve()) if isinstance(path, str) else ""
