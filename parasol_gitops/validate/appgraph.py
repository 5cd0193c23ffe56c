"""The Argo CD app-of-apps graph of a repository, resolved from what is on disk.

- Applications come from every rendered object; ApplicationSets are expanded for ``list`` and ``git``
  (directories and files) generators and for ``matrix`` and ``merge`` generators made of those.
- A source is *this repository* when its ``repoURL`` matches ``gitops_repo_url`` in ``.copier-answers.yml`` or a
  git remote of the repository; when neither is known every ``path`` source is taken as local. Sources with
  ``chart`` (a Helm repository) are external and not followed.
- Each local source path must exist; a kustomization there is built, a chart rendered, a plain folder read
  (``directory.recurse`` honoured). Objects found there join the validated set, so Applications found in them
  are followed in turn (the root Application → apps/ → per-environment Applications …).
- The root Application is one whose source folder holds Applications or ApplicationSets.
- Each Application's project must be an AppProject in the repository, whose ``sourceRepos`` and
  ``destinations`` (glob patterns, as Argo CD matches them) allow the source and destination.
- Services are the folders ``services/<svc>`` (and charts ``helm/<svc>``); a service is deployed to ``env``
  when an Application's source (or a kustomization it includes) is ``services/<svc>/overlays/<env>``, or is the
  chart ``helm/<svc>`` with a ``values-<env>.yaml`` value file. Environments are the ``environments`` answer
  of ``.copier-answers.yml``, or else every environment seen deployed or as an overlay folder.
"""

from __future__ import annotations

import fnmatch
import itertools
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .. import git, layout
from . import sandbox
from .findings import Finding, finding_t
from .render import Obj, Renderer

_TEMPLATE_VAR = re.compile(r"\{\{\s*\.?([\w.\[\]-]+)\s*\}\}")


@dataclass
class App:
    name: str
    origin: str
    project: str
    sources: list[dict[str, Any]]
    destination: dict[str, Any]
    automated: bool
    generated_by: str = ""  # ApplicationSet name when expanded from one
    where: str = ""  # the file it came from, when known (findings point there)

    @property
    def label(self) -> str:
        return f"ApplicationSet/{self.generated_by} → {self.name}" if self.generated_by else f"Application/{self.name}"


@dataclass
class AppGraph:
    root: Path = Path()
    apps: list[App] = field(default_factory=list)
    roots: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    environments: list[str] = field(default_factory=list)
    deployed: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (svc, env) → app names
    source_paths: dict[str, bool] = field(default_factory=dict)  # local source path → builds/renders
    findings: list[Finding] = field(default_factory=list)


def read_answers(root: Path) -> dict[str, Any]:
    f = root / ".copier-answers.yml"
    try:
        # libyaml: the answers of 300 services take seconds with the pure-Python loader
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(sandbox.read_text(root.resolve(), f), Loader=loader) if f.is_file() else {}
    except (yaml.YAMLError, OSError, UnicodeDecodeError, sandbox.Refused):
        return {}
    return data if isinstance(data, dict) else {}


def self_repo_urls(root: Path, answers: dict[str, Any]) -> set[str]:
    urls = set()
    if isinstance(answers.get("gitops_repo_url"), str):
        urls.add(_norm_url(answers["gitops_repo_url"]))
    if (root / ".git").exists():
        try:
            out = git.run(root, "remote", "-v", check=False, timeout=20).stdout
            urls.update(_norm_url(line.split()[1]) for line in out.splitlines() if len(line.split()) >= 2)
        except (OSError, subprocess.SubprocessError):
            pass
    return urls


def resolve(root: Path, renderer: Renderer, pool: list[Obj], answers: dict[str, Any]) -> AppGraph:
    """Follow Applications until no new source appears; append objects found on the way to ``pool``."""
    graph = AppGraph(root=root)
    own = self_repo_urls(root, answers)
    seen_apps: set[tuple[str, str, str]] = set()
    checked_paths: set[str] = set()
    for _round in range(10):
        new_apps = [a for a in _applications(pool, graph) if (a.generated_by, a.name, a.origin) not in seen_apps]
        if not new_apps:
            break
        to_build: list[str] = []
        dirs: list[tuple[str, bool]] = []
        for app in new_apps:
            seen_apps.add((app.generated_by, app.name, app.origin))
            graph.apps.append(app)
            for src in app.sources:
                rel = _local_path(src, own)
                if rel is None or rel in checked_paths:
                    continue
                checked_paths.add(rel)
                folder = root / rel
                if not folder.is_dir() or ".." in Path(rel).parts:
                    graph.findings.append(finding_t("PGO-APP-PATH", app.where, app.label, app=app.label, path=rel))
                    graph.source_paths[rel] = False
                elif rel in renderer.kustomizations:
                    to_build.append(rel)
                elif (folder / "Chart.yaml").is_file():
                    graph.source_paths[rel] = rel in renderer.rendered_charts or rel in renderer.skipped_charts
                else:
                    recurse = bool((src.get("directory") or {}).get("recurse"))
                    dirs.append((rel, recurse))
        renderer.build(to_build)
        for rel in to_build:
            graph.source_paths[rel] = rel in renderer.built and rel not in renderer.build_errors
            pool.extend(renderer.built.get(rel, []))
        for rel, recurse in dirs:
            objs = renderer.load_directory(rel, recurse=recurse)
            graph.source_paths[rel] = rel not in renderer.build_errors  # refused: outside the root
            pool.extend(objs)
    _check_projects(graph, pool, own)
    _find_roots(graph, renderer, own)
    _services(root, graph, renderer, answers, own)
    return graph


# ---- applications -------------------------------------------------------------------------------------
def _applications(pool: list[Obj], graph: AppGraph) -> list[App]:
    apps: list[App] = []
    seen: set[tuple[str, str]] = set()
    for obj in pool:
        if not obj.api_version.startswith("argoproj.io/"):
            continue
        key = (obj.label, obj.origin)
        if key in seen:
            continue
        seen.add(key)
        spec = obj.data.get("spec") or {}
        if obj.kind == "Application":
            apps.append(_app(obj.name, obj.origin, spec, "", obj.where))
        elif obj.kind == "ApplicationSet":
            template = spec.get("template") or {}
            for params in _generate(spec.get("generators") or [], obj, graph):
                rendered = _substitute(template, params)
                meta = rendered.get("metadata") or {}
                apps.append(_app(str(meta.get("name", obj.name)), obj.origin, rendered.get("spec") or {}, obj.name,
                                 obj.where))
    return apps


def _app(name: str, origin: str, spec: dict[str, Any], generated_by: str, where: str) -> App:
    sources = [s for s in ([spec["source"]] if isinstance(spec.get("source"), dict) else []) +
               [s for s in (spec.get("sources") or []) if isinstance(s, dict)]]
    sync = spec.get("syncPolicy") or {}
    return App(name, origin, str(spec.get("project") or "default"), sources,
               spec.get("destination") or {}, isinstance(sync, dict) and "automated" in sync, generated_by, where)


def _generate(generators: list[Any], obj: Obj, graph: AppGraph) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for gen in generators:
        if not isinstance(gen, dict):
            continue
        if "list" in gen:
            out.extend(_flatten(e) for e in (gen["list"].get("elements") or []) if isinstance(e, dict))
        elif "git" in gen:
            out.extend(_git_params(gen["git"], graph))
        elif "matrix" in gen:
            parts = [_generate([g], obj, graph) for g in (gen["matrix"].get("generators") or [])[:2]]
            if len(parts) == 2:
                out.extend({**a, **b} for a, b in itertools.product(*parts))
        elif "merge" in gen:
            out.extend(_merge_params(gen["merge"], obj, graph))
    return out


def _merge_params(merge: dict[str, Any], obj: Obj, graph: AppGraph) -> list[dict[str, Any]]:
    """Argo CD's merge generator: the first generator's parameter sets, each updated by the sets of the later
    generators that agree with it on every merge key; sets only a later generator has are dropped."""
    parts = [_generate([g], obj, graph) for g in merge.get("generators") or []]
    keys = [str(k) for k in merge.get("mergeKeys") or []]
    if not parts or not keys:
        return []
    base = [dict(p) for p in parts[0]]
    for later in parts[1:]:
        by_key = {tuple(str(p.get(k)) for k in keys): p for p in later}
        for params in base:
            params.update(by_key.get(tuple(str(params.get(k)) for k in keys), {}))
    return base


def _git_params(git: dict[str, Any], graph: AppGraph) -> list[dict[str, Any]]:
    root = graph.root
    out = [_path_params(rel) for rel in _matching(root, git.get("directories"), Path.is_dir)]
    for rel in _matching(root, git.get("files"), Path.is_file):
        # each matching JSON/YAML file gives one parameter set, or one per element when it holds a list;
        # a file Argo CD could not read gives none here, so the services it would deploy show as missing
        try:
            data = yaml.safe_load(sandbox.read_text(root, root / rel))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, sandbox.Refused):
            continue
        folder = rel.rsplit("/", 1)[0] if "/" in rel else "."
        name = rel.rsplit("/", 1)[-1]
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                out.append({**_flatten(item), **_path_params(folder), "path.filename": name,
                            "path.filenameNormalized": _normalized(name)})
    return out


def _matching(root: Path, entries: Any, kind: Callable[[Path], bool]) -> list[str]:
    """Repository paths of ``kind`` matched by the entries' ``path`` globs and not by an ``exclude: true`` one."""
    include: set[str] = set()
    exclude: set[str] = set()
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or not entry.get("path"):
            continue
        try:
            matches = {p.relative_to(root).as_posix() for p in root.glob(str(entry["path"]).lstrip("/")) if kind(p)}
        except ValueError:  # a pattern pathlib refuses matches nothing, as in Argo CD
            continue
        (exclude if entry.get("exclude") else include).update(matches)
    return sorted(include - exclude)


def _path_params(rel: str) -> dict[str, Any]:
    parts = rel.split("/")
    params: dict[str, Any] = {"path": rel, "path.path": rel, "path.basename": parts[-1],
                              "path.basenameNormalized": _normalized(parts[-1])}
    params.update({f"path[{i}]": p for i, p in enumerate(parts)})
    return params


def _normalized(name: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", name.lower())


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


def _substitute(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return _TEMPLATE_VAR.sub(lambda m: str(params.get(m.group(1), m.group(0))), value)
    if isinstance(value, list):
        return [_substitute(v, params) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, params) for k, v in value.items()}
    return value


def _local_path(src: dict[str, Any], own: set[str]) -> str | None:
    if src.get("chart") or not isinstance(src.get("path"), str):
        return None
    if own and _norm_url(str(src.get("repoURL", ""))) not in own:
        return None
    return Path(src["path"].strip("/") or ".").as_posix()


# ---- projects -----------------------------------------------------------------------------------------
def _check_projects(graph: AppGraph, pool: list[Obj], own: set[str]) -> None:
    projects = {o.name: o for o in pool if o.kind == "AppProject" and o.api_version.startswith("argoproj.io/")}
    for app in graph.apps:
        proj = projects.get(app.project)
        if proj is None:
            graph.findings.append(finding_t("PGO-APP-PROJECT", app.where, app.label, app=app.label,
                                            project=app.project))
            continue
        spec = proj.data.get("spec") or {}
        repos = [str(r) for r in spec.get("sourceRepos") or []]
        for src in app.sources:
            url = str(src.get("repoURL", ""))
            if not any(_glob(url, r) for r in repos):
                graph.findings.append(finding_t("PGO-APP-SOURCE-REPO", app.where, app.label, app=app.label, url=url,
                                                project=app.project))
        dest = app.destination
        allowed = False
        for d in spec.get("destinations") or []:
            if not isinstance(d, dict):
                continue
            server_ok = (_glob(str(dest.get("server", "")), str(d["server"])) if "server" in d and dest.get("server")
                         else _glob(str(dest.get("name", "")), str(d.get("name", ""))) if dest.get("name") else False)
            ns_ok = _glob(str(dest.get("namespace", "")), str(d.get("namespace", "")))
            if server_ok and ns_ok:
                allowed = True
                break
        if not allowed:
            where = dest.get("server") or dest.get("name") or "?"
            graph.findings.append(finding_t("PGO-APP-DESTINATION", app.where, app.label, app=app.label, server=where,
                                            ns=dest.get("namespace", ""), project=app.project))


def _glob(value: str, pattern: str) -> bool:
    if pattern.startswith("!"):
        return False
    return fnmatch.fnmatchcase(value, pattern) or _norm_url(value) == _norm_url(pattern)


# ---- roots and services -------------------------------------------------------------------------------
def _find_roots(graph: AppGraph, renderer: Renderer, own: set[str]) -> None:
    app_origins = {a.origin for a in graph.apps}
    for app in graph.apps:
        if app.generated_by:
            continue
        for src in app.sources:
            rel = _local_path(src, own)
            if rel is None:
                continue
            inside = renderer.closure(rel) if rel in renderer.kustomizations else {rel}
            if any(o == i or o.startswith(f"{i}/") or i == "." for o in app_origins for i in inside):
                graph.roots.append(app.name)
    graph.roots = sorted(set(graph.roots))
    if graph.apps and not graph.roots:
        graph.findings.append(finding_t("PGO-APP-ROOT", "."))


def _services(root: Path, graph: AppGraph, renderer: Renderer, answers: dict[str, Any], own: set[str]) -> None:
    services: set[str] = set()
    for folder in layout.service_roots(root):
        if folder.is_dir():
            services.update(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    overlay_envs: set[str] = set()
    for folder_rel in renderer.kustomizations:
        overlay = layout.service_overlay(folder_rel)
        if overlay:
            overlay_envs.add(overlay[1])
    deployed: dict[tuple[str, str], list[str]] = {}
    for app in graph.apps:
        for src in app.sources:
            rel = _local_path(src, own)
            if rel is None or not graph.source_paths.get(rel):
                continue
            inside = renderer.closure(rel) if rel in renderer.kustomizations else {rel}
            for i in inside:
                overlay = layout.service_overlay(i)
                if overlay:
                    deployed.setdefault(overlay, []).append(app.name)
            chart = layout.chart_service(rel)
            if chart:
                files = [str(v) for v in ((src.get("helm") or {}).get("valueFiles") or [])]
                for vf in files:
                    env = layout.values_env(Path(vf).name)
                    if env:
                        deployed.setdefault((chart, env), []).append(app.name)
    envs_answer = [e.get("name") for e in answers.get("environments") or [] if isinstance(e, dict)]
    if envs_answer:
        environments = sorted({str(e) for e in envs_answer if e})
    else:
        environments = sorted(overlay_envs | {env for _, env in deployed})
    graph.services = sorted(services)
    graph.environments = environments
    graph.deployed = {k: sorted(set(v)) for k, v in sorted(deployed.items())}
    if not graph.apps:
        return
    for svc in graph.services:
        envs = {env for (s, env) in deployed if s == svc}
        where = f"{layout.SERVICES_DIR}/{svc}"
        if not envs:
            graph.findings.append(finding_t("PGO-APP-ORPHAN", where, svc=svc))
            continue
        for env in environments:
            if env not in envs:
                graph.findings.append(finding_t("PGO-APP-ENV-MISSING", where, svc=svc, env=env))


def _norm_url(url: str) -> str:
    url = url.strip().rstrip("/").removesuffix(".git").lower()
    m = re.fullmatch(r"git@([^:]+):(.+)", url)
    if m:
        url = f"https://{m.group(1)}/{m.group(2)}"
    return url.removeprefix("http://").removeprefix("https://").removeprefix("ssh://git@")
