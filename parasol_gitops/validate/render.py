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

This module holds the :class:`Renderer` (the state of one run and the order of its steps) and names the public
interface; the work is done by :mod:`.plan` (which folders, which batches), :mod:`.run` (the kustomize and Helm
children), :mod:`.builds` (builds remembered between runs, keyed by every file they read), :mod:`.locate` (which file
declared an object), :mod:`.plain` (plain YAML files), :mod:`.objects` and :mod:`.tree` (the one walk).
"""

from __future__ import annotations

import importlib.util
import itertools
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import locate, plan, run, sandbox
from .builds import BuildCache
from .findings import Finding, finding
from .locate import ORIGIN_ANNOTATION
from .objects import Obj, parse
from .plain import PlainYaml
from .plan import BATCH_BYTES, BATCH_MAX, KUSTOMIZATION_FILES, Kustomization
from .run import Kustomize, kustomize_command
from .tree import SKIP_DIRS

__all__ = ["BATCH_BYTES", "BATCH_MAX", "KUSTOMIZATION_FILES", "ORIGIN_ANNOTATION", "SKIP_DIRS", "Kustomization",
           "Obj", "Progress", "Renderer", "kustomize_command"]

Progress = Callable[[int, int, str], None]


@dataclass
class Renderer(PlainYaml):
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
    _builds: BuildCache | None = field(default=None, repr=False)

    # ---- planning (:mod:`.plan`) ------------------------------------------------------------------
    def discover(self) -> None:
        self.root = self.root.resolve()
        self.kustomizations.update(plan.discover(self.root))

    def needs_network(self, rel: str) -> bool:
        """True when ``rel`` or a kustomization it includes pulls a remote base."""
        return plan.needs_network(self.kustomizations, rel)

    def blocked_by(self, rel: str) -> list[str]:
        """Kustomizations in ``rel``'s closure that must not be built (remote reference, outside the root …)."""
        return plan.blocked_by(self.kustomizations, rel)

    def roots(self) -> list[str]:
        return plan.roots(self.kustomizations)

    def closure(self, rel: str) -> set[str]:
        """Every local kustomization folder ``rel`` includes, transitively (itself too)."""
        return plan.closure(self.kustomizations, rel)

    def charts(self) -> list[str]:
        return plan.charts(self.root)

    def _batches(self, rels: list[str]) -> list[list[str]]:
        return plan.batches(self.root, self.kustomizations, rels, self.workers)

    @property
    def kustomize(self) -> Kustomize:
        return Kustomize(self.root, self.command)

    # ---- kustomize (:mod:`.run`) ------------------------------------------------------------------
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
            weight = plan.weight(self.root, self.kustomizations, self.closure(rel)) \
                if rel not in self.build_errors else 0
            if weight > sandbox.MAX_BUILD_BYTES:
                self.build_errors[rel] = (f"not built: its files hold {weight} bytes, above the "
                                          f"{sandbox.MAX_BUILD_BYTES}-byte limit of one build")
                self._problem("PGO-INPUT-LIMIT", rel, self.build_errors[rel])
        todo = [r for r in todo if r not in self.build_errors]
        local = [r for r in todo if not self.needs_network(r)]
        for rel in todo:
            if self.needs_network(rel):
                self._load_remote_kustomization(rel)
        # folders whose every input is as it was at an earlier build: their objects, without kustomize (:mod:`.builds`)
        cache = self._build_cache()
        keys = {rel: cache.key(rel) for rel in local}
        remembered: dict[str, list[Obj]] = {}
        for rel, key in keys.items():
            objs = cache.load(key, rel) if key is not None else None
            if objs is not None:
                remembered[rel] = objs
        batches = self._batches([r for r in local if r not in remembered])
        total = len(local)
        done = 0
        kustomize = self.kustomize
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            futures = [pool.submit(kustomize.batch, batch) for batch in batches]
            if meanwhile is not None:
                try:
                    meanwhile()
                except BaseException:
                    pool.shutdown(wait=True, cancel_futures=True)
                    raise
            # remembered folders first, then each batch as it arrives (not once all have: on_built overlaps them)
            arrived: list[tuple[run.BatchResult, bool]] = \
                [({rel: (objs, None) for rel, objs in remembered.items()}, False)] if remembered else []
            for results, store in itertools.chain(arrived, ((future.result(), True) for future in futures)):
                for rel, (objs, error) in results.items():
                    done += 1
                    if self.progress:
                        self.progress(done, total, rel)
                    if error is not None:
                        self.build_errors[rel] = error
                        self.findings.append(finding("PGO-BUILD", rel, error))
                        continue
                    key = keys.get(rel)
                    if store and key is not None:
                        cache.store(key, rel, objs)  # before the run changes them (namespaces filled in)
                    self.built[rel] = objs
                    if on_built is not None:
                        on_built(objs)

    def _build_cache(self) -> BuildCache:
        if self._builds is None or self._builds.ks is not self.kustomizations:
            self._builds = BuildCache(self.root, self.command, self.kustomizations)
        return self._builds

    def _refuse(self, rel: str) -> None:
        """Findings, and no build, for a folder whose closure holds a kustomization that must not be built."""
        blockers = self.blocked_by(rel)
        if not blockers:
            return
        for b in blockers:
            k = self.kustomizations[b]
            for check, key, reason, refusal in k.problems:
                if refusal is not None:
                    self._refused(refusal, k.file or b)
                else:
                    self._problem(check, k.file or b, f"{key}: {reason}" if key else reason)
        first = self.kustomizations[blockers[0]]
        self.build_errors[rel] = f"not built: {first.problems[0][2]}" if blockers == [rel] else \
            f"not built: includes {blockers[0]} ({first.problems[0][2]})"
        if blockers != [rel]:
            self._problem(first.problems[0][0], rel, self.build_errors[rel])

    # ---- declaring files, on demand (:mod:`.locate`) -----------------------------------------------
    def attach_sources(self, rels: Iterable[str]) -> bool:
        """Set ``source`` (the file declaring it) on the built objects of ``rels``; True when any was set."""
        todo = sorted(r for r in set(rels) if r in self.built and not self.needs_network(r))
        return locate.attach_sources(self.kustomize, self.built, todo, self.workers)

    # ---- Helm (:mod:`.run`, :mod:`.helm_child`) ----------------------------------------------------
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
            refused = plan.chart_refusal(self.root, chart)
            if refused is not None:
                self._problem(refused[0], chart, refused[1])
            else:
                todo.append(chart)
        batches = plan.chart_batches(todo, self.workers)
        objs: list[Obj] = []
        with ThreadPoolExecutor(max_workers=self.workers) as pool:
            for batch, results in zip(batches, pool.map(lambda b: run.render_charts(self.root, b), batches),
                                      strict=True):
                for chart in batch:
                    rendered, error = results[chart]
                    if error:
                        self.findings.append(finding("PGO-HELM-RENDER", chart, error))
                        continue
                    for origin in sorted(rendered):
                        for path in sorted(rendered[origin]):
                            if path.endswith((".yaml", ".yml")) and not path.endswith("NOTES.txt"):
                                objs.extend(parse(rendered[origin][path], origin))
                    self.rendered_charts.append(chart)
        return objs
