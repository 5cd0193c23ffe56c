"""Walking a repository and naming its paths: the one walk every search for kustomizations, charts and loose
manifests uses, so the folders it leaves out are the same everywhere."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from . import sandbox

# tool and VCS folders never hold the repository's manifests; dot-folders are left out as well
SKIP_DIRS = {".git", ".github", ".gitlab", "node_modules", "__pycache__", ".venv", ".tools"}


def walk(top: Path, *, skip_hidden: bool = True, recurse: bool = True) -> Iterator[tuple[Path, list[str], list[str]]]:
    """``(folder, subfolders, files)`` top-down, subfolders in sorted order; never follows a symlinked folder.

    ``skip_hidden`` leaves out :data:`SKIP_DIRS` and dot-folders. Emptying the yielded subfolder list keeps
    the walk out of everything below that folder.
    """
    for dirpath, dirnames, filenames in os.walk(top):
        if not recurse:
            dirnames[:] = []
        elif skip_hidden:
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        else:
            dirnames[:] = sorted(dirnames)
        yield Path(dirpath), dirnames, filenames


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
