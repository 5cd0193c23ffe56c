"""Walking a repository and naming its paths: the one walk every search for kustomizations, charts and loose
manifests uses, so the folders it leaves out are the same everywhere."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from . import sandbox

# tool and VCS folders never hold the repository's manifests; dot-folders are left out as well
SKIP_DIRS = {".git", ".github", ".gitlab", "node_modules", "__pycache__", ".venv", ".tools"}


Prune = Callable[[Path, list[str]], bool]  # (folder, its file names) → True to prune there


def walk(top: Path, *, skip_hidden: bool = True, recurse: bool = True, leaf: Prune | None = None,
         skip: Prune | None = None) -> Iterator[tuple[Path, list[str], list[str]]]:
    """``(folder, subfolders, files)`` top-down, subfolders in sorted order; never follows a symlinked folder.

    The one place that decides where a walk stops: ``skip_hidden`` leaves out :data:`SKIP_DIRS` and
    dot-folders; ``recurse=False`` stays in ``top``; a folder where ``leaf`` is true is yielded but nothing
    below it (a chart: subcharts render with it); a folder where ``skip`` is true is neither yielded nor
    entered (a kustomization's folder when looking for loose manifests).
    """
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


def rel(root: Path, p: Path) -> str:
    """``p`` relative to ``root`` after resolving both; ``p`` itself when it lies outside."""
    real, top = os.fspath(sandbox.resolve(p)), os.fspath(sandbox.resolve(root))
    if real == top:
        return "."
    prefix = top if top.endswith("/") else top + "/"
    return real[len(prefix):] if real.startswith(prefix) else p.as_posix()


def lexical(root: Path, p: Path) -> str:
    """``p`` relative to ``root`` without resolving symlinks: a link leaving the root is named where it lies."""
    try:
        return p.relative_to(root).as_posix() or "."
    except ValueError:
        return rel(root, p)
