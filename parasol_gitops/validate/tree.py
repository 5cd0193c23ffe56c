"""Walking a repository and naming its paths: the one walk every search for kustomizations, charts and loose
manifests uses, so the folders it leaves out are the same everywhere."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from . import sandbox

# tool and VCS folders never hold the repository's manifests; dot-folders are left out as well
SKIP_DIRS = {".git", ".github", ".gitlab", "node_modules", "__pycache__", ".venv", ".tools"}


Prune = Callable[[Path, list[str]], bool]  # (folder, its file names) → True to prune there

# folder → (subfolders kept by the default pruning, files, the folder as a Path), per snapshotted root; see
# snapshot(). The Path is made once: three walks of ~7,000 folders each made their own.
_Listing = dict[str, tuple[list[str], list[str], Path]]
_snapshots: dict[str, _Listing] = {}


@contextmanager
def snapshot(root: Path) -> Iterator[None]:
    """Within the block, walks of ``root`` with the default pruning read one listing of the tree, taken by the
    first of them. A validate run walks the repository three times (kustomizations, charts, loose manifests);
    at 300 services each walk was ~0.5 CPU-s of ``scandir`` and ``lstat``, and the tree does not change while
    validate reads it."""
    key = os.fspath(root)
    _snapshots[key] = {}
    try:
        yield
    finally:
        _snapshots.pop(key, None)


def walk(top: Path, *, skip_hidden: bool = True, recurse: bool = True, leaf: Prune | None = None,
         skip: Prune | None = None) -> Iterator[tuple[Path, list[str], list[str]]]:
    """``(folder, subfolders, files)`` top-down, subfolders in sorted order; never follows a symlinked folder.

    The one place that decides where a walk stops: ``skip_hidden`` leaves out :data:`SKIP_DIRS` and
    dot-folders; ``recurse=False`` stays in ``top``; a folder where ``leaf`` is true is yielded but nothing
    below it (a chart: subcharts render with it); a folder where ``skip`` is true is neither yielded nor
    entered (a kustomization's folder when looking for loose manifests).
    """
    listing = _snapshots.get(os.fspath(top)) if skip_hidden and recurse else None
    if listing is not None:
        return _walk_listing(top, listing, leaf, skip)
    return _walk_disk(top, skip_hidden, recurse, leaf, skip)


def _walk_disk(top: Path, skip_hidden: bool, recurse: bool, leaf: Prune | None, skip: Prune | None,
               ) -> Iterator[tuple[Path, list[str], list[str]]]:
    for dirpath, dirnames, filenames in os.walk(top):
        here = Path(dirpath)
        if skip is not None and skip(here, filenames):
            dirnames[:] = []
            continue
        if not recurse or (leaf is not None and leaf(here, filenames)):
            dirnames[:] = []
        elif skip_hidden:
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        else:
            dirnames[:] = sorted(dirnames)
        yield here, dirnames, filenames


def _walk_listing(top: Path, listing: _Listing, leaf: Prune | None, skip: Prune | None,
                  ) -> Iterator[tuple[Path, list[str], list[str]]]:
    """:func:`walk` over a snapshot: the same folders in the same (top-down, sorted) order as ``os.walk``."""
    if not listing:
        for here, dirnames, filenames in _walk_disk(top, True, True, None, None):
            listing[os.fspath(here)] = (list(dirnames), filenames, here)
    stack = [os.fspath(top)]
    while stack:
        folder = stack.pop()
        dirnames, filenames, here = listing[folder]
        if skip is not None and skip(here, filenames):
            continue
        subs = [] if leaf is not None and leaf(here, filenames) else list(dirnames)
        yield here, subs, filenames
        # a symlinked subfolder is listed but, as in os.walk, not entered (the snapshot holds no entry for it)
        stack.extend(p for d in reversed(subs) if (p := os.path.join(folder, d)) in listing)


def rel(root: Path, p: Path) -> str:
    """``p`` relative to ``root`` after resolving both; ``p`` itself when it lies outside."""
    real, top = os.fspath(sandbox.resolve(p)), os.fspath(sandbox.resolve(root))
    if real == top:
        return "."
    prefix = top if top.endswith("/") else top + "/"
    return real[len(prefix):] if real.startswith(prefix) else p.as_posix()


def below(top: str, path: str) -> str:
    """``path`` relative to the folder ``top``, on strings: ``path`` is ``top`` or lies below it (hot loops, where
    Path objects cost more than the work)."""
    return "." if path == top else path[len(top.rstrip("/")) + 1:]


def lexical(root: Path, p: Path) -> str:
    """``p`` relative to ``root`` without resolving symlinks: a link leaving the root is named where it lies."""
    try:
        return p.relative_to(root).as_posix() or "."
    except ValueError:
        return rel(root, p)
