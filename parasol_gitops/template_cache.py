"""The template of an installed package as a git repository that Copier can copy from and update against.

Copier renders from a directory, but ``copier update`` needs the *old* template as a git ref next to the new one.
A wheel holds one version of the template, as plain files. So an installed package (not a source checkout)
materialises its bundled ``copier.yml`` + ``template/`` into one local git repository in the user cache
(``$XDG_CACHE_HOME/parasol-gitops/template-repo``): one root commit per package version, tagged ``v<version>``.
The commit has a fixed author, committer, date and message and is built from the file contents only, so the same
package version gives the same commit id on every machine. ``new`` records that repository as ``_src_path`` and
the tag as ``_commit``; ``update`` materialises the running version into the same repository, where the tag of
the version that generated the repository is still present, and Copier diffs the two.

A repository generated on another machine (or before the cache was cleared) names a tag this cache may not hold;
``update`` then says so in one line and asks for ``--template`` (see :func:`use_template_source`).
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from . import git, messages, resources
from .errors import InputError
from .scaffold import ANSWERS_FILE

REPO_NAME = "template-repo"
# Everything the commit id depends on besides the files: fixed, so the id is the same on every machine.
_IDENTITY = {
    "GIT_AUTHOR_NAME": "parasol-gitops",
    "GIT_AUTHOR_EMAIL": "parasol-gitops@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+0000",
    "GIT_COMMITTER_NAME": "parasol-gitops",
    "GIT_COMMITTER_EMAIL": "parasol-gitops@localhost",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+0000",
}
_IGNORED_PARTS = {"__pycache__", ".DS_Store"}


def repo_path() -> Path:
    from .fsutil import cache_dir

    return cache_dir(REPO_NAME)


def tag_for(version: str) -> str:
    return f"v{version}"


def is_cache_repo(src: object) -> bool:
    """True when an answers file's ``_src_path`` names a materialised template repository (this machine's or
    another's: the folder name is the same wherever the cache lives)."""
    if not isinstance(src, str) or "://" in src or src.startswith("git@"):
        return False
    path = Path(src)
    return path.name == REPO_NAME and path.parent.name == "parasol-gitops"


def materialise(root: Path | None = None, version: str | None = None) -> tuple[str, str]:
    """Put the template under ``root`` (default: this package's) into the cache repository as tag
    ``v<version>``; returns (repository path, tag). Idempotent; safe when several processes run it at once."""
    root = resources.template_root() if root is None else root
    version = resources.version() if version is None else version
    if not resources.has_template(root):
        raise InputError(messages.t("template.scaffold.no_bundled_template", path=str(root)))
    repo = repo_path()
    tag = tag_for(version)
    with _locked(repo):
        if not (repo / ".git").is_dir():
            repo.mkdir(parents=True, exist_ok=True)
            _git(repo, "init", "-q")
        commit = _commit_tree(repo, root, f"parasol-gitops template {tag}\n")
        _git(repo, "update-ref", f"refs/tags/{tag}", commit)
        # a branch for clones to check out; the tags are what Copier reads
        _git(repo, "update-ref", "refs/heads/main", commit)
        _git(repo, "symbolic-ref", "HEAD", "refs/heads/main")
    return str(repo), tag


def has_tag(repo: Path, tag: str) -> bool:
    return _git(repo, "rev-parse", "-q", "--verify", f"refs/tags/{tag}^{{commit}}", check=False).returncode == 0


def absolute_source(src: str) -> str:
    """A template source as Copier should record it: a local path made absolute (a relative one would mean
    something else when ``update`` runs from another folder), anything else (git URL, ``gh:`` …) unchanged."""
    path = Path(src).expanduser()
    if "://" not in src and not src.startswith("git@") and path.exists():
        return str(path.resolve())
    return src


def prepare_update(dest: Path, answers: Mapping[str, Any], vcs_ref: str | None, template: str | None) -> str | None:
    """Make the template recorded in ``dest``'s answers reachable before ``copier update``; returns the ref to
    update to. ``template`` (``update --template``) replaces the recorded source, as its own commit."""
    src = answers.get("_src_path")
    if template is not None:
        new_src = absolute_source(template)
        if new_src != src:
            record_source(dest, new_src)
        return vcs_ref
    if not is_cache_repo(src) or not resources.is_installed():
        return vcs_ref
    repo, tag = materialise()
    old = str(answers.get("_commit") or "")
    if Path(str(src)).resolve() != Path(repo).resolve() or not old or not has_tag(Path(repo), old):
        raise InputError(messages.t("package.template_cache.old_version_missing", tag=old or "?", cache=repo))
    # the template this installed tool carries, not whatever newer tag another install left in the cache
    return vcs_ref or tag


def record_source(dest: Path, src: str) -> None:
    """Set ``_src_path`` in ``dest``'s answers file to ``src`` and commit that one change (Copier reads the old
    template from the committed answers; ``update`` runs only on a clean work tree)."""
    from . import yamlio

    answers = dest / ANSWERS_FILE
    before = answers.read_text(encoding="utf-8")
    line = yamlio.dump({"_src_path": src}).rstrip("\n")  # as Copier writes it, so its rewrite changes nothing
    after, count = re.subn(r"(?m)^_src_path:.*$", lambda _m: line, before, count=1)
    if not count:
        after = before + ("" if before.endswith("\n") else "\n") + line + "\n"
    answers.write_text(after, encoding="utf-8")
    if (yamlio.load_text(after, display=ANSWERS_FILE) or {}).get("_src_path") != src:
        answers.write_text(before, encoding="utf-8")
        raise InputError(messages.t("package.template_cache.record_failed", path=str(answers), detail="YAML"))
    result = git.run(dest, "commit", "-q", "-m", f"Template source: {src}", "--", ANSWERS_FILE, check=False)
    if result.returncode != 0:
        answers.write_text(before, encoding="utf-8")
        raise InputError(messages.t("package.template_cache.record_failed", path=str(answers),
                                    detail=git.last_line(result)))
    print(messages.t("package.template_cache.recorded", src=src, path=str(dest)), file=sys.stderr)


def _template_files(root: Path) -> list[tuple[str, Path]]:
    files = [("copier.yml", root / "copier.yml")]
    for path in (root / "template").rglob("*"):
        rel = path.relative_to(root)
        if path.is_file() and not _IGNORED_PARTS.intersection(rel.parts) and path.suffix not in (".pyc", ".pyo"):
            files.append((rel.as_posix(), path))
    return sorted(files)


def _commit_tree(repo: Path, root: Path, message: str) -> str:
    files = _template_files(root)
    blobs = _git(repo, "hash-object", "-w", "--no-filters", "--stdin-paths",
                 stdin="".join(f"{path}\n" for _, path in files)).stdout.split()
    entries = "".join(
        f"{'100755' if os.access(path, os.X_OK) else '100644'} {blob}\t{rel}\n"
        for (rel, path), blob in zip(files, blobs, strict=True)
    )
    with tempfile.TemporaryDirectory(prefix="index-", dir=repo / ".git") as tmp:
        env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(repo, "update-index", "--add", "--index-info", stdin=entries, env=env)
        tree = _git(repo, "write-tree", env=env).stdout.strip()
    return _git(repo, "commit-tree", "--no-gpg-sign", tree, "-m", message.rstrip("\n"), env=_IDENTITY).stdout.strip()


@contextlib.contextmanager
def _locked(repo: Path) -> Iterator[None]:
    repo.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # no flock (Windows): concurrent first runs are unlikely and only repeat the same writes
        yield
        return
    with open(repo.parent / f"{REPO_NAME}.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _git(repo: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
         check: bool = True) -> subprocess.CompletedProcess[str]:
    # the user's global git configuration must not change the commit (signing, hooks, autocrlf …)
    result = git.run(repo, "-c", "core.autocrlf=false", "-c", "commit.gpgsign=false", *args, stdin=stdin, env=env,
                     check=False)
    if check and result.returncode != 0:
        raise InputError(messages.t("package.template_cache.git_failed", path=str(repo), command=args[0],
                                    detail=git.last_line(result)))
    return result
