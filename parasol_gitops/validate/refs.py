"""The paths a kustomization makes kustomize open, and which of them it would fetch from the network.

:mod:`.plan` asks these before any build: a remote reference is reported and its folder never built
(see :mod:`.sandbox` for the rest of what validate lets itself read and run).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

# ---- remote references ---------------------------------------------------------------------------------
# kustomize's loader takes a remote for any of these fields (a URL, a go-getter ``git::`` / ``s3::`` source, a
# ``host/org/repo`` git path, an ssh ``git@host:`` path). Fields holding a list of paths, a list of objects
# with ``path``, or a single path:
_LIST_FIELDS = ("resources", "bases", "components", "crds", "configurations", "generators", "transformers",
                "validators", "patchesStrategicMerge")
_PATH_FIELDS = ("patches", "patchesJson6902", "replacements")
_GETTER = re.compile(r"^[a-z][a-z0-9+.-]*::", re.IGNORECASE)
_HOST_PATH = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?/", re.IGNORECASE)


def is_remote(ref: str, base: Path | None = None) -> bool:
    """True when kustomize (or go-getter) would fetch ``ref`` from the network.

    A ``host.tld/org/repo`` path is remote only when no such local path exists below ``base``: kustomize tries
    the local path first (a folder may well be called ``config.d``).
    """
    ref = ref.strip()
    if "://" in ref or _GETTER.match(ref) or ref.startswith("git@") or "?ref=" in ref or "?version=" in ref:
        return True
    return bool(_HOST_PATH.match(ref)) and not (base is not None and os.path.lexists(base / ref))


def _path_entries(data: dict[str, Any]) -> list[tuple[str, str]]:
    """``(field, value)`` of every entry kustomize loads through its loader (which accepts URLs)."""
    out: list[tuple[str, str]] = []
    for key in _LIST_FIELDS:
        for i, item in enumerate(_as_list(data.get(key))):
            # patchesStrategicMerge also takes inline patches; a multi-line string is not a path
            if isinstance(item, str) and "\n" not in item.strip():
                out.append((f"{key}[{i}]", item))
    for key in _PATH_FIELDS:
        for i, item in enumerate(_as_list(data.get(key))):
            path = item.get("path") if isinstance(item, dict) else None
            if isinstance(path, str):
                out.append((f"{key}[{i}].path", path))
    openapi = data.get("openapi")
    if isinstance(openapi, dict) and isinstance(openapi.get("path"), str):
        out.append(("openapi.path", openapi["path"]))
    return out


def remote_refs(data: dict[str, Any], base: Path | None = None) -> list[tuple[str, str]]:
    """``(field, reference)`` for every remote reference in a parsed kustomization, in field order."""
    out = [(key, value) for key, value in _path_entries(data) if is_remote(value, base)]
    for i, chart in enumerate(_as_list(data.get("helmCharts"))):
        if isinstance(chart, dict):
            for key in ("repo", "name"):
                if isinstance(chart.get(key), str) and is_remote(chart[key]):
                    out.append((f"helmCharts[{i}].{key}", chart[key]))
    helm_globals = data.get("helmGlobals")
    if isinstance(helm_globals, dict) and isinstance(helm_globals.get("chartHome"), str) \
            and is_remote(helm_globals["chartHome"], base):
        out.append(("helmGlobals.chartHome", helm_globals["chartHome"]))
    return out


def local_paths(data: dict[str, Any], base: Path | None = None) -> list[tuple[str, str]]:
    """``(field, path)`` for every local file or folder a parsed kustomization makes kustomize open."""
    out = [(key, value) for key, value in _path_entries(data) if not is_remote(value, base)]
    for key in ("configMapGenerator", "secretGenerator"):
        for i, gen in enumerate(_as_list(data.get(key))):
            if not isinstance(gen, dict):
                continue
            for j, f in enumerate(_as_list(gen.get("files"))):
                if isinstance(f, str):  # "key=path" or "path"
                    out.append((f"{key}[{i}].files[{j}]", f.split("=", 1)[-1]))
            for j, f in enumerate([*_as_list(gen.get("envs")), gen.get("env")]):
                if isinstance(f, str):
                    out.append((f"{key}[{i}].envs[{j}]", f))
    for i, chart in enumerate(_as_list(data.get("helmCharts"))):
        if isinstance(chart, dict):
            for key in ("valuesFile", "additionalValuesFiles"):
                for f in _as_list(chart.get(key)) if key != "valuesFile" else [chart.get(key)]:
                    if isinstance(f, str):
                        out.append((f"helmCharts[{i}].{key}", f))
    return out


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
