"""Turn a GitOps repository into Kubernetes objects: kustomize builds (in parallel), Helm renders, plain YAML.

Which kustomizations are built: every *root* (a kustomization that no other local kustomization includes
through ``resources``/``bases``/``components``; ``kind: Component`` folders are never built alone) plus every
Argo CD source path that is a kustomization (added later by the app graph via :meth:`Renderer.build`). Building
only roots keeps a base from being built once per overlay, and an overlay that an aggregating view includes is
still built on its own when an Application deploys it.

A kustomization that pulls a pinned remote base (an ``https://`` URL with ``?ref=`` in ``resources``, such as the
Argo CD install) cannot be built offline: its local resource files are validated on their own and a
``PGO-REMOTE-BASE`` info finding says so. Any other remote reference (a ``git::``/ssh/``git@`` remote, an unpinned
URL, a URL in any other field) is a ``PGO-REMOTE-REF`` error, and neither that folder nor any folder including it
is built; likewise a path resolving outside the repository root (``PGO-OUTSIDE-ROOT``) or a file that is not
regular or too large (``PGO-INPUT-LIMIT``). See :mod:`.sandbox`.

Builds are subprocesses (``kustomize build`` or ``kubectl kustomize``), run from a thread pool; charts render in a
child Python process each. Every child runs offline, in its own process group, with memory and time limits.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ToolMissingError
from . import sandbox
from .findings import Finding, finding

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
SKIP_DIRS = {".git", ".github", ".gitlab", "node_modules", "__pycache__", ".venv", ".tools"}
Progress = Callable[[int, int, str], None]
BATCH_MAX = 20  # measured: the kustomize cost per folder grows again beyond ~20 folders in one build
# kustomize's memory follows the bytes it reads: a folder whose files exceed this (a platform layer carrying
# every service's rules and dashboards) is built alone, so batching never stacks it with others
BATCH_BYTES = 512 * 1024
ORIGIN_ANNOTATION = "config.kubernetes.io/origin"

# Go's collector at its default pace takes ~30 % of a short kustomize build's CPU (measured: a 13-overlay batch
# 0.40 → 0.29 CPU-s). Collecting less often, with a soft memory limit so that the one big platform overlay of a
# 300-service repository stays near 240 MB, is cheaper; values the user set win.
def _kustomize_env() -> dict[str, str]:
    return sandbox.offline_env({k: v for k, v in {"GOGC": "400", "GOMEMLIMIT": "200MiB"}.items()
                                if k not in os.environ})


try:  # libyaml makes parsing kustomize output several times faster
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python PyYAML
    _Loader = yaml.SafeLoader


@dataclass
class Obj:
    """A rendered Kubernetes object and the repository path it came from."""

    data: dict[str, Any]
    origin: str  # the build (kustomization folder, chart[values], file) that produced it
    source: str = ""  # the file that declares it, when kustomize's origin annotation says so

    @property
    def where(self) -> str:
        return self.source or self.origin

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def api_version(self) -> str:
        return str(self.data.get("apiVersion", ""))

    @property
    def name(self) -> str:
        return str((self.data.get("metadata") or {}).get("name", ""))

    @property
    def namespace(self) -> str:
        return str((self.data.get("metadata") or {}).get("namespace") or "")

    @property
    def label(self) -> str:
        ns = self.namespace
        return f"{self.kind}/{ns}/{self.name}" if ns else f"{self.kind}/{self.name}"


@dataclass
class Kustomization:
    rel: str
    is_component: bool
    local_refs: list[str]  # repository-relative folders it includes
    remote_refs: list[str]
    local_files: list[str]  # repository-relative resource files
    # what makes it unbuildable here: (check id, field, reason); a pinned remote base is not among them
    problems: list[tuple[str, str, str]] = field(default_factory=list)
    file: str = ""  # repository-relative path of the kustomization file
    hidden: bool = False  # found only because another kustomization includes it (e.g. under a dot-folder)


@dataclass
class Renderer:
    root: Path
    command: list[str]
    workers: int = field(default_factory=lambda: max(2, min(16, (os.cpu_count() or 2) * 2)))
    progress: Progress | None = None
    kustomizations: dict[str, Kustomization] = field(default_factory=dict)
    built: dict[str, list[Obj]] = field(default_factory=dict)
    build_errors: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    skipped_charts: list[str] = field(default_factory=list)
    rendered_charts: list[str] = field(default_factory=list)

    # ---- discovery -------------------------------------------------------------------------------
    def discover(self) -> None:
        self.root = self.root.resolve()
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
            for name in KUSTOMIZATION_FILES:
                if name in filenames:
                    rel = _rel(self.root, Path(dirpath))
                    self.kustomizations[rel] = self._parse_kustomization(rel, Path(dirpath) / name)
                    break
        # kustomize follows every include, also into folders the walk skips (dot-folders, node_modules …):
        # those are scanned too, or a remote reference there would be fetched
        pending = [r for k in self.kustomizations.values() for r in k.local_refs]
        while pending:
            rel = pending.pop()
            if rel in self.kustomizations:
                continue
            folder = self.root / rel
            name = next((n for n in KUSTOMIZATION_FILES if (folder / n).is_file()), None)
            if name is None:
                continue
            k = self._parse_kustomization(rel, folder / name)
            k.hidden = True
            self.kustomizations[rel] = k
            pending.extend(k.local_refs)

    def _parse_kustomization(self, rel: str, file: Path) -> Kustomization:
        base = self.root / rel
        problems: list[tuple[str, str, str]] = []
        try:
            data = yaml.load(sandbox.read_text(self.root, file), Loader=_Loader) or {}
        except sandbox.Refused as exc:
            data = {}
            problems.append((exc.check, "", str(exc)))
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            data = {}  # the build reports the real error with its line
        if not isinstance(data, dict):
            data = {}
        local, remote, files = [], [], []
        for key, ref in sandbox.remote_refs(data, base):
            if _pinned_base(key, ref):
                remote.append(ref)
            else:
                problems.append(("PGO-REMOTE-REF", key,
                                 f"{ref} is a remote reference: never fetched, folder not built"))
        for key, ref in sandbox.local_paths(data, base):
            target = base / ref
            refused = sandbox.check_file(self.root, target)
            if refused is not None:
                problems.append((refused[0], key, f"{ref}: {refused[1]}: folder not built"))
                continue
            target = target.resolve()
            if key.split("[", 1)[0] in ("resources", "bases", "components") and target.is_dir():
                local.append(_rel(self.root, target))
            else:
                files.append(_rel(self.root, target))
        return Kustomization(rel, data.get("kind") == "Component", local, remote, files, problems,
                             _rel(self.root, file))

    def needs_network(self, rel: str) -> bool:
        """True when ``rel`` or a kustomization it includes pulls a remote base."""
        return any(self.kustomizations[r].remote_refs for r in self.closure(rel) if r in self.kustomizations)

    def blocked_by(self, rel: str) -> list[str]:
        """Kustomizations in ``rel``'s closure that must not be built (remote reference, outside the root …)."""
        return sorted(r for r in self.closure(rel) if r in self.kustomizations and self.kustomizations[r].problems)

    def roots(self) -> list[str]:
        # a folder included only by an offline-unbuildable kustomization is built on its own
        included: set[str] = set()
        for rel, k in self.kustomizations.items():
            if not self.needs_network(rel) and not self.blocked_by(rel):
                included.update(k.local_refs)
        return sorted(rel for rel, k in self.kustomizations.items()
                      if rel not in included and not k.is_component and not k.hidden)

    def closure(self, rel: str) -> set[str]:
        """Every local kustomization folder ``rel`` includes, transitively (itself too)."""
        seen: set[str] = set()
        stack = [rel]
        while stack:
            cur = stack.pop()
            if cur in seen:
                continue
            seen.add(cur)
            k = self.kustomizations.get(cur)
            if k:
                stack.extend(k.local_refs)
        return seen

    # ---- kustomize -------------------------------------------------------------------------------
    def build(self, rels: Iterable[str], on_built: Callable[[list[Obj]], None] | None = None,
              meanwhile: Callable[[], None] | None = None) -> None:
        """Build the given kustomization folders (those not built yet) in parallel, in batches.

        ``meanwhile`` runs in this thread once every batch is submitted, and ``on_built`` on each folder's
        objects as its batch arrives: CPU work of the caller (imports, schema loading, schema checks) overlaps
        with the kustomize processes instead of waiting for them or delaying their start.
        """
        todo = sorted({r for r in rels if r not in self.built and r not in self.build_errors})
        for rel in todo:
            self._refuse(rel)
            weight = self._weight(self.closure(rel)) if rel not in self.build_errors else 0
            if weight > sandbox.MAX_BUILD_BYTES:
                self.build_errors[rel] = (f"not built: its files hold {weight} bytes, above the "
                                          f"{sandbox.MAX_BUILD_BYTES}-byte limit of one build")
                self._problem("PGO-INPUT-LIMIT", rel, self.build_errors[rel])
        todo = [r for r in todo if r not in self.build_errors]
        local = [r for r in todo if not self.needs_network(r)]
        for rel in todo:
            if self.needs_network(rel):
                self._load_remote_kustomization(rel)
        batches = self._batches(local)
        total = len(local)
        done = 0
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            futures = [pool.submit(self._build_batch, batch) for batch in batches]
            if meanwhile is not None:
                try:
                    meanwhile()
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
            for batch, future in zip(batches, futures, strict=True):
                results = future.result()
                for rel in batch:
                    done += 1
                    if self.progress:
                        self.progress(done, total, rel)
                    objs, error = results[rel]
                    if error is not None:
                        self.build_errors[rel] = error
                        self.findings.append(finding("PGO-BUILD", rel, error))
                    else:
                        self.built[rel] = objs
                        if on_built is not None:
                            on_built(objs)

    def _refuse(self, rel: str) -> None:
        """Findings, and no build, for a folder whose closure holds a kustomization that must not be built."""
        blockers = self.blocked_by(rel)
        if not blockers:
            return
        for b in blockers:
            k = self.kustomizations[b]
            for check, key, reason in k.problems:
                self._problem(check, k.file or b, f"{key}: {reason}" if key else reason)
        first = self.kustomizations[blockers[0]]
        self.build_errors[rel] = f"not built: {first.problems[0][2]}" if blockers == [rel] else \
            f"not built: includes {blockers[0]} ({first.problems[0][2]})"
        if blockers != [rel]:
            self._problem(first.problems[0][0], rel, self.build_errors[rel])

    def _problem(self, check: str, where: str, message: str) -> None:
        f = finding(check, where, message)
        if f not in self.findings:
            self.findings.append(f)

    def _batches(self, rels: list[str]) -> list[list[str]]:
        """Pack folders into batches whose kustomization closures are pairwise disjoint.

        One ``kustomize build`` of a synthetic kustomization listing a batch costs a fraction of one process
        per folder (process start-up dominates small overlays). Disjoint closures keep overlays of one base
        apart: without a ``namespace:`` they emit the same object ids, which kustomize refuses in one build
        (the batch would fall back to one process per folder).
        """
        if not rels:
            return []
        # as few processes as keep every core busy: kubectl's start-up (~70 ms) costs more than three small
        # overlays, and the pool runs more batches than cores anyway
        cap = max(1, min(BATCH_MAX, -(-len(rels) // max(1, self.workers // 2))))
        batches: list[tuple[list[str], set[str], list[int]]] = []
        for rel in rels:
            closure = self.closure(rel)
            weight = self._weight(closure)
            fits = [b for b in batches if len(b[0]) < cap and not (b[1] & closure) and b[2][0] + weight <= BATCH_BYTES]
            if fits:  # the emptiest one keeps batches even, so no core idles behind one long build
                members, used, size = min(fits, key=lambda b: len(b[0]))
                members.append(rel)
                used |= closure
                size[0] += weight
            else:
                batches.append(([rel], set(closure), [weight]))
        return [members for members, _, _ in batches]

    def _weight(self, closure: set[str]) -> int:
        """Bytes of the resource files a build of this closure reads."""
        total = 0
        for rel in closure:
            k = self.kustomizations.get(rel)
            for f in k.local_files if k else []:
                with contextlib.suppress(OSError):  # a missing file fails the build, which reports it
                    total += (self.root / f).stat().st_size
        return total

    def _build_batch(self, batch: list[str]) -> dict[str, tuple[list[Obj], str | None]]:
        combined = self._build_combined(batch)
        if combined is not None:
            return {rel: (objs, None) for rel, objs in combined.items()}
        results: dict[str, tuple[list[Obj], str | None]] = {}
        for rel in batch:
            # kustomize refused the batch (e.g. two folders emit the same object id) or a folder fails:
            # each folder alone, and a failing one built plainly so the error names its own files
            alone = self._build_combined([rel]) if len(batch) > 1 else None
            results[rel] = (alone[rel], None) if alone is not None else self._build_one(rel)
        return results

    def _build_combined(self, batch: list[str]) -> dict[str, list[Obj]] | None:
        """Build ``batch`` in one kustomize process; ``None`` when kustomize refuses it or the split is unsure.

        The synthetic kustomization lists each folder followed by a marker ConfigMap and asks for ``fifo``
        order, so the output is folder 1's objects, marker 1, folder 2's objects, marker 2 …: every object is
        attributed to its folder by position. Measured against ``buildMetadata: [originAnnotations]`` (the
        other way to attribute objects) this halves kustomize's CPU time and cuts its peak memory; the file
        that declares an object is looked up later, only for folders with findings (:meth:`attach_sources`).
        """
        tmp = sandbox.temp_dir("batch")
        try:
            token = tmp.name.rsplit("-", 1)[-1].lower()
            markers = [f"parasol-gitops-marker-{token}-{i}" for i in range(len(batch))]
            resources: list[str] = []
            for rel, marker in zip(batch, markers, strict=True):
                (tmp / f"{marker}.yaml").write_text(
                    f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {marker}\n", encoding="utf-8")
                resources += [os.path.relpath(self.root / rel, tmp), f"{marker}.yaml"]
            (tmp / "kustomization.yaml").write_text(
                yaml.safe_dump({"resources": resources, "sortOptions": {"order": "fifo"}}), encoding="utf-8")
            stdout = self._run_kustomize(tmp)
            if stdout is None:
                return None
            try:
                docs = _objects(stdout, "")
            except yaml.YAMLError:
                return None
            out: dict[str, list[Obj]] = {rel: [] for rel in batch}
            position = 0
            for obj in docs:
                if obj.kind == "ConfigMap" and obj.name.startswith("parasol-gitops-marker-") and not obj.namespace:
                    if position >= len(markers) or obj.name != markers[position]:
                        return None  # out of order: this kustomize ignored sortOptions
                    position += 1
                    continue
                if position >= len(batch):
                    return None
                obj.origin = batch[position]
                out[batch[position]].append(obj)
            return out if position == len(batch) else None
        finally:
            sandbox.remove_temp(tmp)

    def _kustomize(self, folder: Path) -> sandbox.ChildResult:
        """One kustomize build of ``folder``, offline, in its own process group, within the child limits."""
        return sandbox.run_child([*self.command, str(folder)], timeout=sandbox.KUSTOMIZE_TIMEOUT,
                                 env=_kustomize_env())

    def _run_kustomize(self, folder: Path) -> str | None:
        """The output of a synthetic build; None on any failure (the caller falls back)."""
        proc = self._kustomize(folder)
        return proc.stdout if not proc.failure and proc.returncode == 0 else None

    # ---- declaring files, on demand ---------------------------------------------------------------
    def attach_sources(self, rels: Iterable[str]) -> bool:
        """Set ``source`` (the file declaring it) on the built objects of ``rels``; True when any was set.

        Runs only for folders that have findings: each is built again on its own with kustomize's origin
        annotations, and the annotated objects are matched to the ones already built by kind, name and
        namespace (kustomize ids are unique within one build).
        """
        todo = sorted(r for r in set(rels) if r in self.built and not self.needs_network(r))
        changed = False
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for rel, annotated in zip(todo, pool.map(self._build_annotated, todo), strict=True):
                if annotated is None:
                    continue
                by_id: dict[tuple[str, str, str], list[Obj]] = {}
                for a in annotated:
                    by_id.setdefault((a.api_version, a.kind, a.name), []).append(a)
                for obj in self.built[rel]:
                    candidates = by_id.get((obj.api_version, obj.kind, obj.name), [])
                    exact = [a for a in candidates if a.namespace == obj.namespace]
                    match = exact or (candidates if len(candidates) == 1 else [])
                    if match and match[0].source and match[0].source != obj.source:
                        obj.source = match[0].source
                        changed = True
        return changed

    def _build_annotated(self, rel: str) -> list[Obj] | None:
        tmp = sandbox.temp_dir("origin")
        try:
            (tmp / "kustomization.yaml").write_text(yaml.safe_dump({
                "buildMetadata": ["originAnnotations"],
                "resources": [os.path.relpath(self.root / rel, tmp)]}), encoding="utf-8")
            stdout = self._run_kustomize(tmp)
            if stdout is None:
                return None
            try:
                objs = _objects(stdout, rel)
            except yaml.YAMLError:
                return None
            for obj in objs:
                obj.source = self._declared_in(obj, tmp)
            return objs
        finally:
            sandbox.remove_temp(tmp)

    def _declared_in(self, obj: Obj, tmp: Path) -> str:
        meta = obj.data["metadata"]
        raw = (meta.get("annotations") or {}).get(ORIGIN_ANNOTATION)
        try:
            origin = yaml.load(raw, Loader=_Loader) if isinstance(raw, str) else None
        except yaml.YAMLError:
            return ""
        path = origin.get("path") if isinstance(origin, dict) else None
        return _rel(self.root, (tmp / path).resolve()) if isinstance(path, str) else ""

    def _build_one(self, rel: str) -> tuple[list[Obj], str | None]:
        proc = self._kustomize(self.root / rel)
        if proc.failure:
            return [], f"kustomize {proc.failure}"
        if proc.returncode != 0:
            return [], _one_line(proc.stderr) or f"exit {proc.returncode}"
        try:
            return _objects(proc.stdout, rel), None
        except yaml.YAMLError as exc:
            return [], f"unreadable build output: {_one_line(str(exc))}"

    def _load_remote_kustomization(self, rel: str) -> None:
        k = self.kustomizations[rel]
        objs: list[Obj] = []
        for f in k.local_files:
            try:
                objs.extend(_objects(sandbox.read_text(self.root, self.root / f), f))
            except (OSError, UnicodeDecodeError, yaml.YAMLError, sandbox.Refused) as exc:
                self.build_errors[rel] = f"{f}: {_one_line(str(exc))}"
                self.findings.append(finding("PGO-BUILD", rel, self.build_errors[rel]))
                return
        self.built[rel] = objs
        remote = sorted({r for inc in self.closure(rel) if inc in self.kustomizations
                         for r in self.kustomizations[inc].remote_refs})
        self.findings.append(finding("PGO-REMOTE-BASE", rel, ", ".join(remote)))

    # ---- plain YAML (Argo CD directory sources and loose manifests) -------------------------------
    def load_directory(self, rel: str, *, recurse: bool = False) -> list[Obj]:
        folder = self.root / rel
        if not sandbox.inside(self.root, folder):
            self.build_errors[rel] = "resolves outside the repository root: not read"
            self._problem("PGO-OUTSIDE-ROOT", rel, self.build_errors[rel])
            return []
        objs: list[Obj] = []
        for dirpath, dirnames, filenames in os.walk(folder):  # never follows a symlinked folder
            dirnames[:] = sorted(dirnames) if recurse else []
            for name in sorted(filenames):
                f = Path(dirpath) / name
                if f.suffix in (".yaml", ".yml", ".json") and name not in KUSTOMIZATION_FILES:
                    objs.extend(self.load_file(f))
        return objs

    def load_file(self, f: Path) -> list[Obj]:
        rel = _lexical(self.root, f)
        try:
            return _objects(sandbox.read_text(self.root, f), rel)
        except sandbox.Refused as exc:
            self._problem(exc.check, rel, str(exc))
            return []
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            self.findings.append(finding("PGO-BUILD", rel, f"unreadable manifest: {_one_line(str(exc))}"))
            return []

    def loose_manifests(self) -> list[Obj]:
        """Kubernetes objects in YAML files outside every kustomization and chart (e.g. a plain bootstrap/)."""
        owned = set(self.kustomizations) | set(self.charts())
        objs: list[Obj] = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
            if _rel(self.root, here) in owned:  # top-down walk: pruning here keeps every descendant out too
                dirnames[:] = []
                continue
            for name in sorted(filenames):
                if name.endswith((".yaml", ".yml")) and not name.startswith("."):
                    try:
                        docs = _objects(sandbox.read_text(self.root, here / name), _lexical(self.root, here / name))
                    except sandbox.Refused as exc:
                        self._problem(exc.check, _lexical(self.root, here / name), str(exc))
                        continue
                    except (OSError, UnicodeDecodeError, yaml.YAMLError):
                        continue  # not a manifest (docs data, drill records …): not ours to judge
                    objs.extend(docs)
        return objs

    # ---- Helm ------------------------------------------------------------------------------------
    def charts(self) -> list[str]:
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
            if "Chart.yaml" in filenames:
                found.append(_rel(self.root, Path(dirpath)))
                dirnames[:] = []  # subcharts render with their parent
        return sorted(found)

    def render_charts(self) -> list[Obj]:
        """Render every chart once per ``values-<env>.yaml``, each chart in a child process (:mod:`.helm_child`).

        The renderer is Go code loaded into Python: a runaway template takes the whole process down with it
        (SIGABRT and a goroutine dump), so it never runs in this one. A chart holding a symlink that leaves the
        root, a FIFO or a device, or more than the build-size limit, is not rendered at all.
        """
        charts = self.charts()
        if not charts:
            return []
        if importlib.util.find_spec("helm_python") is None:
            for c in charts:
                self.skipped_charts.append(c)
                self.findings.append(finding("PGO-HELM-SKIPPED", c, "helm_python is not importable"))
            return []
        todo: list[str] = []
        for chart in charts:
            folder = self.root / chart
            bad = sandbox.escapes(self.root, folder)
            if bad or not sandbox.inside(self.root, folder):
                check = "PGO-OUTSIDE-ROOT" if any(not sandbox.inside(self.root, self.root / b) for b in bad) \
                    or not bad else "PGO-INPUT-LIMIT"
                self._problem(check, chart, "chart not rendered: " + ", ".join(bad or [chart])
                              + " leave(s) the repository root or is not a regular file or folder")
                continue
            size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            if size > sandbox.MAX_BUILD_BYTES:
                self._problem("PGO-INPUT-LIMIT", chart, f"chart not rendered: {size} bytes, above the "
                              f"{sandbox.MAX_BUILD_BYTES}-byte limit")
                continue
            todo.append(chart)
        # one renderer process per batch of charts (its start-up, ~0.3 CPU-s, costs more than a chart); a batch
        # whose process crashes or runs out of time is rendered again one chart per process, so only the
        # hostile chart fails
        size = max(1, -(-len(todo) // max(1, self.workers // 2)))
        batches = [todo[i:i + size] for i in range(0, len(todo), size)]
        objs: list[Obj] = []
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for batch, results in zip(batches, pool.map(self._render_batch, batches), strict=True):
                for chart in batch:
                    rendered, error = results[chart]
                    if error:
                        self.findings.append(finding("PGO-HELM-RENDER", chart, error))
                        continue
                    for origin in sorted(rendered):
                        for path in sorted(rendered[origin]):
                            if path.endswith((".yaml", ".yml")) and not path.endswith("NOTES.txt"):
                                objs.extend(_objects(rendered[origin][path], origin))
                    self.rendered_charts.append(chart)
        return objs

    def _render_batch(self, charts: list[str]) -> dict[str, tuple[dict[str, dict[str, str]], str]]:
        results, failure = self._render_child(charts)
        if not failure:
            return results
        if len(charts) == 1:
            return {charts[0]: ({}, failure)}
        return {chart: self._render_batch([chart])[chart] for chart in charts}

    def _render_child(self, charts: list[str]) -> tuple[dict[str, tuple[dict[str, dict[str, str]], str]], str]:
        """Render ``charts`` in one child; ``(results, "")``, or ``({}, why)`` when the child itself failed."""
        job = json.dumps({"charts": [{"chart": str(self.root / c), "label": c, "values_files": sorted(
            p.name for p in (self.root / c).glob("values-*.yaml"))} for c in charts]})
        package_parent = str(Path(__file__).resolve().parents[2])
        env = sandbox.offline_env({"PYTHONPATH": os.pathsep.join(
            [package_parent, *filter(None, [os.environ.get("PYTHONPATH")])])})
        proc = sandbox.run_child([sys.executable, "-m", "parasol_gitops.validate.helm_child"],
                                 timeout=sandbox.HELM_TIMEOUT, env=env, stdin=job)
        if proc.failure:
            return {}, f"renderer {proc.failure}"
        try:
            data = json.loads(proc.stdout)
        except ValueError:
            return {}, _one_line(proc.stderr) or f"renderer exit {proc.returncode}"
        out = {c: (data["rendered"].get(c, {}), _one_line(data["errors"].get(c, ""))) for c in charts}
        return out, ""


def kustomize_command() -> list[str]:
    """``kustomize build`` when installed, else ``kubectl kustomize``; a clear exit-2 error when neither is."""
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    raise ToolMissingError(
        "neither kustomize nor kubectl is on PATH: validate needs one of them to build the overlays",
        hint="install kubectl (it embeds kustomize) or kustomize v5 and run again",
    )


def _objects(text: str, origin: str) -> list[Obj]:
    out = []
    for doc in yaml.load_all(text, Loader=_Loader):
        if isinstance(doc, dict) and doc.get("kind") == "List" and isinstance(doc.get("items"), list):
            out.extend(Obj(i, origin) for i in doc["items"] if _is_object(i))
        elif _is_object(doc):
            out.append(Obj(doc, origin))
    return out


def _is_object(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str) \
        and isinstance(doc.get("metadata"), dict)


def _pinned_base(key: str, ref: str) -> bool:
    """A remote kustomize base pinned to a release: an https URL with ``?ref=`` in resources/bases/components.

    The one remote reference a generated repository holds (the Argo CD install): reported as ``PGO-REMOTE-BASE``
    (info) with its local files checked. Everything else remote is a ``PGO-REMOTE-REF`` error.
    """
    return key.split("[", 1)[0] in ("resources", "bases", "components") and ref.startswith("https://") \
        and "?ref=" in ref and "\n" not in ref


def _lexical(root: Path, p: Path) -> str:
    """``p`` relative to ``root`` without resolving symlinks: a link leaving the root is named where it lies."""
    try:
        return p.relative_to(root).as_posix() or "."
    except ValueError:
        return _rel(root, p)


def _rel(root: Path, p: Path) -> str:
    try:
        rel = p.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return p.as_posix()
    return rel or "."


# kubectl logs its errors through klog: "E1128 16:51:15.936484    3115 run.go:72] error: …". The time and
# process id would make two runs on the same repository report differently.
_KLOG_PREFIX = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.-]+:\d+\] ")


def _one_line(text: str) -> str:
    lines = [_KLOG_PREFIX.sub("", ln.strip()) for ln in text.strip().splitlines() if ln.strip()]
    return " | ".join(lines[:3])[:500]
