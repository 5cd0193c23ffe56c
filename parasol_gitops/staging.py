"""Interrupt-safe runs: ``update`` staged in a clone and moved in under a journal, and signals as exceptions.

``update`` must leave the project exactly as it was when it is interrupted at any point (a deploy runner
cancelled, Ctrl-C, SIGKILL). Copier's update works in place and takes seconds, so it runs here on a staging
copy instead:

1. the project's repository is cloned (``git clone --shared``, no object copied) at ``HEAD`` into a folder under
   ``.git/parasol-gitops/`` — ``update`` already refuses a dirty tree, so ``HEAD`` *is* the project; the folder
   is inside ``.git`` so that nothing shows in ``git status`` or in the project's tree while it exists;
2. Copier's update and the CI synthesis run there, untouched;
3. the changed paths (modified, added, deleted, conflicted) are moved into the project under a journal
   (``.git/parasol-gitops/update-journal.json``, written before the first move): each original is first moved
   into a backup folder, then the new file in; finally Copier's unmerged index entries are copied into the
   project's index, the journal and the backups are removed.

An interruption during 1–2 leaves the project untouched (the staging folder is removed, or swept by the next run
when the process was killed). An interruption during 3 — a window of a few renames — is rolled back: at once for
SIGINT/SIGTERM (:func:`interruptible` turns them into an exception), on the next ``update`` for SIGKILL, which
finds the journal, puts every original back, resets those index entries and says so.

The alternative — update in place, restore from git on failure — was not chosen: after a SIGKILL it leaves the
project changed until someone runs the tool again, and the restore would have to guess which untracked files
Copier made.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from . import git
from .errors import InputError
from .fsutil import atomic_write, checkpoint, owned_prefix, sweep_stale

JOURNAL = "update-journal.json"
WORK_DIR = "parasol-gitops"  # under the project's git dir


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or SIGHUP) received: unwinds like Ctrl-C so that every cleanup runs; the CLI exits 130."""


@contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Interrupted` for the duration (SIGINT already raises
    KeyboardInterrupt), so ``finally`` blocks remove staging folders and restore files instead of the process
    vanishing mid-way. Only the main thread can install handlers; elsewhere this does nothing."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def raise_interrupted(signum: int, _frame: FrameType | None) -> None:
        raise Interrupted(signal.Signals(signum).name)

    saved = {sig: signal.signal(sig, raise_interrupted) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@dataclass(frozen=True)
class Repo:
    top: Path  # work tree root of the repository holding the project
    rel: str  # the project folder relative to top ("" or "a/b")
    work: Path  # <git dir>/parasol-gitops


def locate(dest: Path) -> Repo:
    top = Path(git.run(dest, "rev-parse", "--show-toplevel").stdout.strip())
    gitdir = Path(git.run(dest, "rev-parse", "--absolute-git-dir").stdout.strip())
    rel = dest.resolve().relative_to(top.resolve()).as_posix()
    return Repo(top, "" if rel == "." else rel, gitdir / WORK_DIR)


@contextmanager
def update_lock(repo: Repo) -> Iterator[list[str]]:
    """Hold the project's update lock; first roll back what a killed update left half-moved and sweep its staging
    folders. Yields the notes to show the user (one line each)."""
    import fcntl

    from .messages import t

    repo.work.mkdir(parents=True, exist_ok=True)
    fd = os.open(repo.work, os.O_RDONLY | os.O_DIRECTORY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(t("update.busy", path=str(repo.top))) from None
        notes: list[str] = []
        restored = recover(repo)
        if restored is not None:
            notes.append(t("update.rolled_back", path=str(repo.top), count=restored))
        removed = sweep_stale(repo.work)
        if removed:
            notes.append(t("run.interrupted_tmp", count=len(removed)))
        yield notes
    finally:
        os.close(fd)


def staged_update(repo: Repo, run: Callable[[Path], list[str]]) -> list[str]:
    """Run ``run(project folder in a clone at HEAD)`` and move its changes into the project; returns what
    ``run`` returned (the conflicted files). Call with :func:`update_lock` held."""
    staging = Path(tempfile.mkdtemp(prefix=owned_prefix("update", "stage"), dir=repo.work))
    try:
        clone = staging / "repo"
        head = git.run(repo.top, "rev-parse", "--verify", "HEAD").stdout.strip()
        git.run(repo.work, "clone", "--quiet", "--shared", "--no-checkout", str(repo.top), str(clone))
        git.run(clone, "checkout", "--quiet", "--detach", head)
        checkpoint("update-cloned")
        result = run(clone / repo.rel if repo.rel else clone)
        checkpoint("update-staged")
        _move_in(repo, clone, staging)
        return result
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# --- moving in, under a journal ------------------------------------------------------------------------------


def _changed(clone: Path, rel: str) -> list[str]:
    """Paths (relative to the repository top) that differ between the clone's work tree and HEAD."""
    out = git.run(clone, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=matching",
                  "--no-renames", "--", rel or ".").stdout
    paths: set[str] = set()
    for entry in out.split("\0"):
        # an ignored folder is listed as "dir/": only files Copier wrote are moved, never a whole folder
        if len(entry) > 3 and not entry.endswith("/"):
            paths.add(entry[3:])
    return sorted(paths)


def _move_in(repo: Repo, clone: Path, staging: Path) -> None:
    paths = _changed(clone, repo.rel)
    unmerged = _unmerged_entries(repo, clone)
    backup = staging / "backup"
    backup.mkdir()
    entries = [{"path": rel, "existed": os.path.lexists(repo.top / rel)} for rel in paths]
    journal = {"pid": os.getpid(), "backup": str(backup), "entries": entries}
    atomic_write(repo.work / JOURNAL, json.dumps(journal, indent=1).encode("utf-8"))
    try:
        for i, entry in enumerate(entries):
            rel = str(entry["path"])
            target, new = repo.top / rel, clone / rel
            if entry["existed"]:
                (backup / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, backup / rel)
            if os.path.lexists(new):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(new, target)
            else:
                _prune_empty(target.parent, repo.top)
            if i == 0:
                checkpoint("update-moving")
        if unmerged:
            git.run(repo.top, "update-index", "--index-info", stdin=unmerged)
        checkpoint("update-moved")
    except BaseException:
        _rollback(repo, journal)
        raise
    (repo.work / JOURNAL).unlink()


def _unmerged_entries(repo: Repo, clone: Path) -> str:
    """``git update-index --index-info`` input recreating the clone's unmerged entries (Copier's inline conflicts)
    in the project's index, with their blobs copied into the project's object store."""
    lines: list[str] = []
    seen: set[str] = set()
    for entry in git.run(clone, "ls-files", "-u", "-z").stdout.split("\0"):
        if "\t" not in entry:
            continue
        info, path = entry.split("\t", 1)
        mode, sha, stage = info.split()
        if path not in seen:
            seen.add(path)
            lines.append(f"0 {'0' * 40}\t{path}")
        blob = git.run_bytes(clone, "cat-file", "blob", sha).stdout
        stored = git.run_bytes(repo.top, "hash-object", "-w", "--stdin", stdin=blob).stdout.decode().strip()
        lines.append(f"{mode} {stored} {stage}\t{path}")
    return "\n".join(lines) + "\n" if lines else ""


def recover(repo: Repo) -> int | None:
    """Roll back a journal left by a killed update; the number of paths restored, or None without a journal."""
    path = repo.work / JOURNAL
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        path.unlink(missing_ok=True)  # written atomically, so unreadable means not ours: nothing to roll back
        return None
    return _rollback(repo, journal)


def _rollback(repo: Repo, journal: dict[str, Any]) -> int:
    backup = Path(journal["backup"])
    paths: list[str] = []
    for entry in journal["entries"]:
        rel = str(entry["path"])
        target, saved = repo.top / rel, backup / rel
        if os.path.lexists(saved):
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(saved, target)
        elif not entry["existed"] and os.path.lexists(target):
            target.unlink()
            _prune_empty(target.parent, repo.top)
        paths.append(rel)
    if paths:
        # the tree was clean before the update, so HEAD is what the index held for these paths
        git.run(repo.top, "reset", "--quiet", "--", *paths, check=False)
    (repo.work / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(backup, ignore_errors=True)
    return len(paths)


def _prune_empty(folder: Path, top: Path) -> None:
    """Remove ``folder`` and its parents below ``top`` while they are empty (git does not track folders)."""
    while folder != top and top in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
