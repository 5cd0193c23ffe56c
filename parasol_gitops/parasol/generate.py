"""Write ``outputs/7-platform`` — the GitOps repository of a Parasol project — from discovered services.

The folder is its own git repository. The first run renders the template (``scaffold.copy``) and commits it;
later runs commit whatever the user changed by hand ("hand edits before parasol-gitops update") and then run
``copier update`` (``scaffold.update``), so hand edits survive a regeneration and a real clash is a conflict
(exit 1, files named) rather than a silent overwrite.

``infra``, ``cicd`` and ``monitoring`` regenerate a slice only: the whole repository is rendered into a temporary
folder and just the files of that slice (:data:`PARTS`) are copied over; every other file keeps its bytes. They
also work as a first command (no repository yet): then they write just their slice, and a later full run renders
the repository around it, keeping any edit made to those files as a "hand edits" commit.
"""

from __future__ import annotations

import fnmatch
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import git
from ..errors import CheckFailed, InputError, SpecError
from ..messages import t
from ..scaffold import ANSWERS_FILE
from ..spec import PlatformSpec
from ..yamlio import plain
from . import PLATFORM_DIR
from .discovery import Discovery
from .project import ParasolProject

HAND_EDITS_MESSAGE = "hand edits before parasol-gitops update"
FALLBACK_AUTHOR = ("parasol-gitops", "parasol-gitops@localhost")

# Files each partial subcommand owns (fnmatch patterns on POSIX paths; "*" also crosses "/").
PARTS: dict[str, tuple[str, ...]] = {
    "infra": ("infrastructure-design.md",),
    "cicd": ("cicd-pipeline.md", "pipeline.yaml", ".github/workflows/*", ".gitlab-ci.yml", ".gitlab/*"),
    "monitoring": (
        "monitoring-observability.md",
        "platform/monitoring/*",
        "services/*/base/servicemonitor.yaml",
        "kubernetes/base/*/servicemonitor.yaml",
    ),
}
# Answers a project may set under settings.platform in parasol.yaml (the rest comes from discovery).
OVERRIDABLE = ("environments", "gitops_repo_url", "registry", "ci_target", "secrets_backend", "ingress_class",
               "base_domain", "packaging", "rpo_hours", "rto_hours", "argocd_version", "event_bus", "gateway")


def platform_dir(project: ParasolProject) -> Path:
    return project.output_dir / PLATFORM_DIR


def build_spec(project: ParasolProject, discovery: Discovery) -> PlatformSpec:
    """The platform spec (Copier answers) for the discovered services, ``layout: parasol``."""
    answers: dict[str, Any] = {
        "project_name": discovery.project_name,
        "layout": "parasol",
        "docs_language": project.language,
    }
    from .decisions_map import answers as decision_answers

    answers.update(decision_answers(project, discovery.decisions)[0])
    overrides = project.setting("platform")
    if overrides is not None:
        if not isinstance(overrides, dict):
            raise SpecError("parasol.yaml", "settings.platform", t("parasol.yaml.platform_not_mapping"))
        for key, value in overrides.items():
            if key not in OVERRIDABLE:
                raise SpecError("parasol.yaml", f"settings.platform.{key}",
                                t("parasol.yaml.platform_unknown", choices=", ".join(OVERRIDABLE)))
            answers[str(key)] = plain(value)
    answers["services"] = [asdict(found.service) for found in discovery.services]
    spec = PlatformSpec.from_answers(answers, source="discovered services")
    return spec


@dataclass
class Result:
    mode: str  # "created" | "updated"
    dest: Path
    files: list[str]  # every file of the repository after the run (sorted, POSIX, relative)
    changed: list[str] = field(default_factory=list)
    hand_edits_committed: bool = False


def generate(dest: Path, spec: PlatformSpec, *, src: str | None = None, vcs_ref: str | None = None) -> Result:
    """Create or update the GitOps repository ``dest``; CheckFailed naming the files when conflicts remain."""
    from .. import scaffold

    answers = spec.to_answers()
    partial_only = _partial_outputs(dest)
    if not dest.exists() or (dest.is_dir() and not any(dest.iterdir())) or partial_only is not None:
        if partial_only:  # only what `platform infra|cicd|monitoring` wrote as a first command: render around it
            shutil.rmtree(dest)
        scaffold.copy(dest, answers, src=src, vcs_ref=vcs_ref)
        repo = _ensure_repo(dest)
        _commit_all(repo, f"parasol-gitops platform: generate {len(spec.services)} services")
        files = _files(dest)
        if partial_only and write_back(dest, partial_only):  # the user's edits of those files stay, on top
            _commit_all(repo, HAND_EDITS_MESSAGE)
        return Result("created", dest, files, changed=files)
    if not dest.is_dir() or not (dest / ANSWERS_FILE).is_file():
        raise InputError(t("parasol.not_a_repo", path=str(dest)))
    repo = _ensure_repo(dest)
    before = _snapshot(dest)
    hand_edits = _commit_all(repo, HAND_EDITS_MESSAGE)
    conflicts = scaffold.update(dest, answers, vcs_ref=vcs_ref or ("HEAD" if src is None else None))
    if conflicts:
        raise CheckFailed(t("parasol.conflicts", count=len(conflicts), files=", ".join(conflicts), path=str(dest)))
    _commit_all(repo, f"parasol-gitops platform: update {len(spec.services)} services")
    after = _snapshot(dest)
    changed = sorted(rel for rel in after if before.get(rel) != after[rel])
    return Result("updated", dest, sorted(after), changed=changed, hand_edits_committed=hand_edits)


def artifacts(files: list[str]) -> list[str]:
    """Top-level entries of the repository: the documents by name, folders with a trailing slash."""
    tops = {rel.split("/", 1)[0] + ("/" if "/" in rel else "") for rel in files}
    return sorted(x for x in tops if not x.startswith("."))


def regenerate_part(dest: Path, spec: PlatformSpec, part: str, *, src: str | None = None,
                    vcs_ref: str | None = None) -> list[str]:
    """Re-render and copy only the files of ``part`` into ``dest``; returns the files written (changed)."""
    from .. import scaffold
    from ..fsutil import owned_prefix, write_files

    patterns = PARTS[part]
    first = not (dest / ANSWERS_FILE).is_file()
    if first and dest.exists() and any(dest.iterdir()) and _partial_outputs(dest) is None:
        raise InputError(t("parasol.not_a_repo", path=str(dest)))  # someone else's files: never mix into them
    tmp = Path(tempfile.mkdtemp(prefix=owned_prefix("parasol-gitops", "part"), dir=dest.parent))
    try:
        rendered = tmp / "repo"
        scaffold.render(rendered, spec.to_answers(), src=src, vcs_ref=vcs_ref)
        selected = {rel: (rendered / rel).read_bytes() for rel in _files(rendered) if _matches(rel, patterns)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    written = write_files(dest, selected)
    rels = sorted(p.relative_to(dest).as_posix() for p in written)
    if rels and (dest / ".git").exists():
        repo = _ensure_repo(dest)
        git.run(repo, "add", "--", *rels)
        _commit(repo, f"parasol-gitops platform {part}: regenerate {len(rels)} files")
    return rels


def _partial_outputs(dest: Path) -> dict[str, bytes] | None:
    """The files of a folder that holds only what partial commands write (a first ``platform infra`` …), else
    None (a generated repository, someone else's files, or nothing)."""
    if not dest.is_dir() or (dest / ANSWERS_FILE).exists() or (dest / ".git").exists():
        return None
    files = _files(dest)
    every = tuple(pattern for patterns in PARTS.values() for pattern in patterns)
    if not files or not all(_matches(rel, every) for rel in files):
        return None
    return {rel: (dest / rel).read_bytes() for rel in files}


def write_back(dest: Path, files: dict[str, bytes]) -> bool:
    """Write ``files`` where they differ from what is on disk; True when anything changed."""
    changed = False
    for rel, data in files.items():
        target = dest / rel
        if not target.is_file() or target.read_bytes() != data:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            changed = True
    return changed


def _matches(rel: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(rel, pattern) for pattern in patterns)


def _files(root: Path) -> list[str]:
    return sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if (p.is_file() or p.is_symlink()) and ".git" not in p.relative_to(root).parts
    )


def _snapshot(root: Path) -> dict[str, bytes]:
    return {rel: (root / rel).read_bytes() for rel in _files(root)}


def _ensure_repo(dest: Path) -> Path:
    top = git.run(dest, "rev-parse", "--show-toplevel", check=False)
    if top.returncode == 0 and Path(top.stdout.strip()).resolve() == dest.resolve():
        return dest
    # Not a repository of its own (possibly inside the project's repository): outputs/7-platform is the GitOps
    # repository, so it gets its own.
    git.run(dest, "init", "-q", "--initial-branch=main")
    return dest


def _commit_all(repo: Path, message: str) -> bool:
    """Stage everything (deletions too) and commit; False when there was nothing to commit."""
    git.run(repo, "add", "--all", ".")
    has_head = git.run(repo, "rev-parse", "-q", "--verify", "HEAD", check=False).returncode == 0
    if has_head and git.run(repo, "diff", "--cached", "--quiet", check=False).returncode == 0:
        return False
    _commit(repo, message)
    return True


def _commit(repo: Path, message: str) -> None:
    """Commit the index as the user, or as :data:`FALLBACK_AUTHOR` where git knows no identity; the user's
    hooks and signing settings are not ours to run."""
    identity = all(git.run(repo, "config", key, check=False).stdout.strip() for key in ("user.name", "user.email"))
    name, email = FALLBACK_AUTHOR
    env = {} if identity else {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email,
                               "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email}
    git.run(repo, "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify", "--allow-empty", "-m", message,
            env=env)
