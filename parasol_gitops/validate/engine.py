"""One validation run: render → app graph → schemas → policies → pipeline sync."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import versions
from ..errors import InputError
from ..messages import t
from . import appgraph, conflicts, pipeline_sync, policies, sandbox, tree
from .findings import Finding, finding
from .render import Obj, Progress, Renderer, kustomize_command
from .schemas import BUILTIN_GROUPS, CoreSchemas, CustomSchemas, error_summary, is_core_group, split_api_version

CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume",
                  "StorageClass", "PriorityClass", "IngressClass", "ValidatingWebhookConfiguration",
                  "MutatingWebhookConfiguration", "APIService", "ClusterIssuer", "ClusterSecretStore",
                  "ClusterPolicy", "ClusterAnalysisTemplate", "RuntimeClass", "ClusterExternalSecret"}
DEFAULT_KUBE_VERSION = versions.get().kubernetes


@dataclass
class Result:
    root: Path
    findings: list[Finding]
    objects: list[Obj]
    graph: appgraph.AppGraph
    stats: dict[str, Any]
    pipeline: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]


def run(root: Path, *, schema_locations: list[str] | None = None, kube_version: str = DEFAULT_KUBE_VERSION,
        progress: Progress | None = None, scope: Any = None) -> Result:
    # children (kustomize, the Helm renderer) and temporary folders never outlive the run, even on SIGINT/SIGTERM
    with sandbox.guarded(), tree.snapshot(root.resolve()):
        return _run(root, schema_locations=schema_locations, kube_version=kube_version, progress=progress,
                    scope=scope)


def _run(root: Path, *, schema_locations: list[str] | None, kube_version: str, progress: Progress | None,
         scope: Any) -> Result:
    if not root.is_dir():
        raise InputError(t("validate.input.not_folder", path=root))
    root = root.resolve()
    custom = CustomSchemas(list(schema_locations or []))
    # scope (validate --changed, see changed.py): a renderer that builds only what a diff can affect
    renderer = (scope.renderer if scope is not None else Renderer)(root, kustomize_command(), progress=progress)
    renderer.discover()
    if not renderer.kustomizations and not renderer.charts():
        raise InputError(t("validate.input.no_repository", path=root))
    ready: dict[str, Any] = {}

    def meanwhile() -> None:  # runs while the first kustomize builds are under way
        ready["core"] = CoreSchemas(kube_version)
        ready["answers"] = appgraph.read_answers(root)
        if scope is not None and not scope.pipeline_affected():
            ready["pipeline"] = ([], {"spec": None, "in_sync": None, "targets": [], "not_judged": True})
        else:
            ready["pipeline"] = pipeline_sync.check(root, ready["answers"])
        # work that needs no build, done while kustomize runs rather than after it: ~0.8 CPU-s at 300
        # services (every tracked file read for conflict markers, the walk for loose manifests)
        ready["conflicts"] = conflicts.scan(root, scope.changed if scope is not None else None)
        ready["loose"] = renderer.loose_manifests()

    checked: dict[int, list[str] | None] = {}
    # validate --changed: the app graph's unchanged folders are built for the graph checks, not schema-checked
    at_base: frozenset[str] = frozenset(scope.graph_only) if scope is not None else frozenset()
    renderer.build(renderer.roots(),
                   on_built=lambda objs: _precheck([o for o in objs if o.origin not in at_base], ready["core"],
                                                   custom, checked),
                   meanwhile=meanwhile)
    core, answers = ready["core"], ready["answers"]
    pipe_findings, pipe_facts = ready["pipeline"]
    extra = [*ready["loose"], *renderer.render_charts()]
    objects, graph, findings, stats = _evaluate(root, renderer, extra, answers, core, custom, checked, at_base)
    # batched builds do not say which file declares an object: only folders that have findings are built
    # again with kustomize's origin annotations, and the findings are made again pointing at those files.
    # Findings a --changed scope drops later (judged on partial objects) send no folder there: with a
    # one-service change they were the only ones, and cost a kustomize build and a second evaluation.
    reported = scope.filter(findings) if scope is not None else findings
    unsourced = {f.where for f in reported if f.where in renderer.built}
    if unsourced and renderer.attach_sources(unsourced):
        objects, graph, findings, stats = _evaluate(root, renderer, extra, answers, core, custom, checked, at_base)
    findings.extend(pipe_findings)
    for err in sorted(set(custom.fetch_errors)):
        findings.append(finding("PGO-SCHEMA-MISSING", "--schema-location", f"fetch failed: {err}"))
    unique_findings = conflicts.apply(root, sorted(set(findings)), ready["conflicts"])
    if scope is not None:
        unique_findings = scope.filter(unique_findings)
        stats["kustomizations_built"] -= len(scope.placeholders)
        stats["charts_rendered"] -= len(scope.skipped_charts)
        stats["changed"] = scope.to_dict()
    return Result(root, unique_findings, objects, graph, stats, pipe_facts, answers)


def _evaluate(root: Path, renderer: Renderer, extra: list[Obj], answers: dict[str, Any], core: CoreSchemas,
              custom: CustomSchemas, checked: dict[int, list[str] | None], at_base: frozenset[str] = frozenset(),
              ) -> tuple[list[Obj], appgraph.AppGraph, list[Finding], dict[str, Any]]:
    """App graph, schemas and policies over everything rendered so far (builds are cached in ``renderer``)."""
    pool: list[Obj] = [o for rel in sorted(renderer.built) for o in renderer.built[rel]]
    pool.extend(extra)
    graph = appgraph.resolve(root, renderer, pool, answers)
    _fill_namespaces(pool, graph)
    objects = _unique(pool, set(graph.source_paths))
    findings: list[Finding] = [*renderer.findings, *graph.findings]
    judged = [o for o in objects if o.origin not in at_base]
    stats = _schemas(judged, core, custom, findings, checked)
    stats["objects"] = len(objects)
    stats["schema_checked_at_base"] = len(objects) - len(judged)
    stats.update({"kustomizations_built": len(renderer.built), "build_failures": len(renderer.build_errors),
                  "charts_rendered": len(renderer.rendered_charts), "charts_skipped": len(renderer.skipped_charts),
                  "applications": len(graph.apps), "services": len(graph.services),
                  "environments": len(graph.environments)})
    findings.extend(policies.check_all(objects, graph.services))
    return objects, graph, findings, stats


def _fill_namespaces(pool: list[Obj], graph: appgraph.AppGraph) -> None:
    """Objects without a namespace land in their Application's destination namespace, as Argo CD does."""
    dest: dict[str, str] = {}
    for app in graph.apps:
        ns = app.destination.get("namespace")
        for src in app.sources:
            if isinstance(src.get("path"), str) and ns:
                path = Path(src["path"].strip("/") or ".").as_posix()
                dest.setdefault(path, str(ns))
                # a chart rendered once per values file: "<chart>[values-<env>.yaml]" goes where that app goes
                for vf in (src.get("helm") or {}).get("valueFiles") or []:
                    dest.setdefault(f"{path}[{Path(str(vf)).name}]", str(ns))
    for o in pool:
        if o.namespace or o.kind in CLUSTER_SCOPED:
            continue
        ns = _longest_prefix_match(o.origin, dest)
        if ns is not None:
            o.data.setdefault("metadata", {})["namespace"] = ns


def _longest_prefix_match(origin: str, dest: dict[str, str]) -> str | None:
    """``dest`` of the longest key that is ``origin``, its chart (``<key>[values…]``) or a folder above it.

    Walks up the origin instead of scanning every Application path per object, which kept this linear.
    """
    if origin in dest:
        return dest[origin]
    path = origin.split("[", 1)[0] if "[" in origin else origin
    if path != origin and path in dest:
        return dest[path]
    while "/" in path:
        path = path.rsplit("/", 1)[0]
        if path in dest:
            return dest[path]
    return None


def _unique(pool: list[Obj], synced: set[str] | None = None) -> list[Obj]:
    """One object per identical content. Of identical copies the one an Application syncs is kept (the Parasol
    ``kubernetes/`` views repeat the deployed objects), so gates that count deployed objects still see it."""
    synced = synced or set()
    folders = {p.rstrip("/") for p in synced}

    @functools.cache
    def deployed(origin: str) -> bool:
        """``origin`` (without its ``[values…]``) is a synced path or lies below one.

        Looks up each folder above the origin instead of scanning every synced path per object: with ~900
        Applications that scan was 1.7 million comparisons per evaluation.
        """
        base = origin.split("[", 1)[0]
        return base in synced or any(base[:i] in folders for i, ch in enumerate(base) if ch == "/")

    seen: set[str] = set()
    out = []

    def order(o: Obj) -> tuple[str, str, str, str]:
        return (o.origin, o.kind, o.namespace, o.name)

    for o in sorted(pool, key=lambda o: (not deployed(o.origin), *order(o))):
        key = json.dumps(o.data, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            out.append(o)
    return sorted(out, key=order)


def _validator(o: Obj, core: CoreSchemas, custom: CustomSchemas) -> Any:
    group, version = split_api_version(o.api_version)
    validator = core.validator(o.kind, o.api_version) if is_core_group(group) else None
    return validator if validator is not None else custom.validator(group, version, o.kind)


def _precheck(objs: list[Obj], core: CoreSchemas, custom: CustomSchemas, checked: dict[int, list[str] | None]) -> None:
    """Schema errors of freshly built objects, keyed by object identity; ``None`` where no schema applies."""
    for o in objs:
        validator = _validator(o, core, custom)
        checked[id(o)] = None if validator is None else error_summary(validator, o.data)


def _schemas(objects: list[Obj], core: CoreSchemas, custom: CustomSchemas, findings: list[Finding],
             checked: dict[int, list[str] | None] | None = None) -> dict[str, Any]:
    passed = failed = 0
    skipped: dict[str, int] = {}
    checked = checked or {}
    for o in objects:
        group, _ = split_api_version(o.api_version)
        validator = _validator(o, core, custom)
        if validator is None and group in BUILTIN_GROUPS and o.kind != "List":
            failed += 1
            findings.append(finding("PGO-SCHEMA", o.where, f"{o.api_version} {o.kind} is not served by Kubernetes "
                                    f"{core.kube_version}", o.label))
            continue
        if validator is None:
            key = f"{o.api_version}/{o.kind}"
            skipped[key] = skipped.get(key, 0) + 1
            continue
        errors = checked[id(o)] if checked.get(id(o)) is not None else error_summary(validator, o.data)
        if errors:
            failed += 1
            findings.append(finding("PGO-SCHEMA", o.where, "; ".join(errors), o.label))
        else:
            passed += 1
    for key, n in sorted(skipped.items()):
        findings.append(finding("PGO-SCHEMA-MISSING", ".", f"{key}: {n} object(s) skipped"))
    return {"objects": len(objects), "schema_passed": passed, "schema_failed": failed,
            "schema_skipped": sum(skipped.values()), "skipped_kinds": sorted(skipped)}
