"""``validate --changed [REF]``: validate only what the diff against REF can affect (pull/merge request checks).

What is built and judged:

- every kustomization whose closure (its folder, the folders it includes, transitively, and the files it names)
  holds a changed file: the changed services' overlays, and anything that includes a changed base, component,
  patch or resource;
- the app graph, always: every kustomization holding (or including) an Argo CD ``Application``,
  ``ApplicationSet`` or ``AppProject``, and the graph checks over all of them. Argo CD source paths that were
  not built still count as existing (the folder and its kustomization are there), so an unchanged service is
  not reported as undeployed;
- Helm charts with a changed file; the conflict-marker scan; the ``pipeline.yaml`` ↔ CI check when the diff
  touches ``pipeline.yaml``, ``.copier-answers.yml`` or the CI files (otherwise it is listed as not judged).

The other kustomization roots and charts are skipped and named. Checks that judge one folder by objects of
another (default-deny NetworkPolicy per namespace, alerts/dashboards/monitors per service, backups per
namespace, a Rollout's AnalysisTemplates) are not judged while any folder is skipped, because the objects they
need were not built: they are listed as not judged, and the full ``validate`` on the default branch runs them.

REF defaults to the merge base of HEAD with the default branch (``origin/HEAD``, else ``origin/main``,
``origin/master``, ``main``, ``master``). The diff is taken against the work tree, so uncommitted and untracked
(not ignored) files count as changed too.
"""

from __future__ import annotations

import os
import re
import subprocess
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import git, messages
from ..errors import InputError
from ..scaffold import ANSWERS_FILE, PIPELINE_FILE
from .findings import Finding
from .render import KUSTOMIZATION_FILES, Renderer

# checks whose verdict on one folder depends on objects built from another
CROSS_FOLDER_CHECKS = ("PGO-NETPOL-DEFAULT-DENY", "PGO-SERVICE-ALERTS", "PGO-SERVICE-DASHBOARD",
                       "PGO-SERVICE-MONITOR", "PGO-BACKUP", "PGO-ROLLOUT-ANALYSIS")
PIPELINE_INPUTS = (PIPELINE_FILE, ANSWERS_FILE, ".gitlab-ci.yml")
DEFAULT_BRANCHES = ("origin/main", "origin/master", "main", "master")
_GRAPH_KINDS = re.compile(rb"^kind:\s*[\"']?(Application|ApplicationSet|AppProject)[\"']?\s*$", re.MULTILINE)


@dataclass
class Scope:
    """The files changed since ``base`` and, once the renderer has discovered the repository, what to build."""

    root: Path
    ref: str
    base: str
    # the changed files, sorted; or, while git still lists the untracked ones, the future of that list
    listed: list[str] | Future[list[str]]
    affected: set[str] = field(default_factory=set)
    # built only because they carry the app graph: no changed file in their closure, so their objects are the
    # base's objects, already schema-checked by the full run there (engine skips their schema check)
    graph_only: set[str] = field(default_factory=set)
    skipped: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)  # skipped Argo CD source paths, counted as built
    skipped_charts: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[str]:
        if isinstance(self.listed, Future):
            self.listed = self.listed.result()
        return self.listed

    def renderer(self, root: Path, command: list[str], progress: Any = None) -> Renderer:
        return ScopedRenderer(root, command, progress=progress, scope=self)

    def pipeline_affected(self) -> bool:
        """Did the diff touch what the pipeline ↔ CI check reads? If not, that check is not judged (and said so)."""
        return any(c in PIPELINE_INPUTS or c.startswith((".github/", ".gitlab/")) for c in self.changed)

    def filter(self, findings: list[Finding]) -> list[Finding]:
        """Drop the cross-folder findings when a folder was skipped: they were judged on partial objects."""
        if not (self.skipped or self.skipped_charts):
            return findings
        return [f for f in findings if f.id not in CROSS_FOLDER_CHECKS]

    def to_dict(self) -> dict[str, Any]:
        return {"ref": self.ref, "base": self.base, "changed_files": self.changed, "built": sorted(self.affected),
                "schema_checked_at_base": sorted(self.graph_only),
                "skipped": sorted(self.skipped), "skipped_charts": sorted(self.skipped_charts),
                "not_judged": self.not_judged()}

    def not_judged(self) -> list[str]:
        checks = list(CROSS_FOLDER_CHECKS) if (self.skipped or self.skipped_charts) else []
        if not self.pipeline_affected():
            checks.append("PGO-PIPELINE-DRIFT")
        return checks


@dataclass
class ScopedRenderer(Renderer):
    scope: Scope | None = None

    def discover(self) -> None:
        super().discover()
        assert self.scope is not None
        self.scope.affected, self.scope.graph_only = affected_kustomizations(self, self.scope.changed)

    def roots(self) -> list[str]:
        assert self.scope is not None
        roots = super().roots()
        self.scope.skipped.extend(r for r in roots if r not in self.scope.affected and r not in self.scope.skipped)
        return [r for r in roots if r in self.scope.affected]

    def build(self, rels: Any, on_built: Any = None, meanwhile: Any = None) -> None:
        assert self.scope is not None
        wanted = []
        for rel in rels:
            if rel in self.scope.affected or rel in self.built:
                wanted.append(rel)
            elif rel not in self.scope.placeholders:
                # an Argo CD source path outside the diff: there and unchanged, counted as such, not built
                if rel not in self.scope.skipped:
                    self.scope.skipped.append(rel)
                self.scope.placeholders.append(rel)
                self.built[rel] = []
        super().build(wanted, on_built=on_built, meanwhile=meanwhile)

    def render_charts(self) -> list[Any]:
        assert self.scope is not None
        changed = self.scope.changed
        all_charts = super().charts()
        touched = [c for c in all_charts if any(f == c or f.startswith(f"{c}/") for f in changed)]
        self.scope.skipped_charts = [c for c in all_charts if c not in touched]
        original = self.charts
        try:
            self.charts = lambda: touched  # type: ignore[method-assign]
            objs = super().render_charts()
        finally:
            self.charts = original  # type: ignore[method-assign]
        # unchanged charts exist and rendered on the default branch: Argo CD sources over them stay valid
        self.rendered_charts.extend(self.scope.skipped_charts)
        return objs


def affected_kustomizations(renderer: Renderer, changed: list[str]) -> tuple[set[str], set[str]]:
    """Kustomization folders to build: those whose closure holds a changed file, plus those that carry the app
    graph; and, of these, the ones built for the graph alone (no changed file in their closure)."""
    root = renderer.root
    graph_folders = _graph_folders(root, renderer)
    out: set[str] = set()
    graph_only: set[str] = set()
    for rel in renderer.kustomizations:
        closure = renderer.closure(rel)
        files = {f for member in closure if member in renderer.kustomizations
                 for f in renderer.kustomizations[member].local_files}
        touched = any(_under(c, member) for c in changed for member in closure) or any(c in files for c in changed)
        if touched or closure & graph_folders:
            out.add(rel)
            if not touched:
                graph_only.add(rel)
    return out, graph_only


def _under(path: str, folder: str) -> bool:
    return folder == "." or path == folder or path.startswith(f"{folder}/")


def _graph_folders(root: Path, renderer: Renderer) -> set[str]:
    """Kustomization folders whose own YAML files declare Argo CD Applications, ApplicationSets or AppProjects."""
    found: set[str] = set()
    for rel in renderer.kustomizations:
        try:
            entries = list(os.scandir(root / rel))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if name.endswith((".yaml", ".yml")) and name not in (*KUSTOMIZATION_FILES, ".yaml", ".yml") \
                    and entry.is_file():
                try:
                    with open(entry.path, "rb") as fh:
                        data = fh.read()
                except OSError:
                    continue
                # every kind the pattern matches holds one of these words: a substring test is ~50x cheaper than
                # the line-anchored search, which now runs only on files that can match (~1 in 3 at 300 services)
                if (b"Application" in data or b"AppProject" in data) and _GRAPH_KINDS.search(data):
                    found.add(rel)
                    break
    return found


def scope_for(root: Path, ref: str | None) -> Scope:
    """The changed files of the work tree at ``root`` against ``ref`` (or the merge base with the default branch)."""
    root = root.resolve()
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise InputError(messages.t("validate.changed.not_git", path=str(root)))
    if ref:
        resolved = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        if resolved.returncode != 0:
            raise InputError(messages.t("validate.changed.unknown_ref", ref=ref))
        base = resolved.stdout.strip()
        shown = ref
    else:
        base, shown = _default_base(root)
    # --relative: paths relative to root even when root is a sub-folder of the git work tree
    diff = _git(root, "diff", "--name-only", "--no-renames", "--relative", "-z", base, "--", ".")
    if diff.returncode != 0:
        raise InputError(messages.t("validate.changed.unknown_ref", ref=shown))
    tracked = {p for p in diff.stdout.split("\0") if p}

    def with_untracked() -> list[str]:
        untracked = _git(root, "ls-files", "-o", "--exclude-standard", "-z", "--", ".")
        return sorted(tracked | {p for p in untracked.stdout.split("\0") if p})

    # listing untracked files walks the whole work tree (~0.15 s at 300 services): it runs while validate
    # discovers the kustomizations, which need no changed file
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return Scope(root, shown, base, pool.submit(with_untracked))
    finally:
        pool.shutdown(wait=False)


def _default_base(root: Path) -> tuple[str, str]:
    head = _git(root, "symbolic-ref", "-q", "--short", "refs/remotes/origin/HEAD").stdout.strip()
    for branch in ([head] if head else []) + list(DEFAULT_BRANCHES):
        if _git(root, "rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}").returncode == 0:
            merge_base = _git(root, "merge-base", "HEAD", branch)
            if merge_base.returncode == 0:
                return merge_base.stdout.strip(), f"merge-base(HEAD, {branch})"
    raise InputError(messages.t("validate.changed.no_default_branch"))


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return git.run(cwd, *args, check=False)
