"""What makes a folder a GitOps repository, for commands that write evidence into one (``dr record``,
``perf record``): writing ``dr/drills/…`` into any folder and exiting 0 would record evidence nobody reads."""

from __future__ import annotations

import os
from pathlib import Path

from . import messages
from .errors import InputError
from .scaffold import ANSWERS_FILE

MARKERS = (ANSWERS_FILE,)
MANIFEST_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization", "Chart.yaml")
_SKIP = {".git", "node_modules", ".venv", "__pycache__"}
MAX_DEPTH = 4


def is_gitops_repo(path: Path) -> bool:
    """A Copier answers file at the top, or a kustomization or Helm chart within ``MAX_DEPTH`` folders."""
    root = Path(path)
    if not root.is_dir():
        return False
    if any((root / name).is_file() for name in MARKERS):
        return True
    base = len(root.resolve().parts)
    for folder, dirs, files in os.walk(root.resolve()):
        if any(name in files for name in MANIFEST_NAMES):
            return True
        depth = len(Path(folder).parts) - base
        dirs[:] = [] if depth >= MAX_DEPTH else sorted(d for d in dirs if d not in _SKIP)
    return False


def require_gitops_repo(path: Path) -> Path:
    """``path`` when it is a GitOps repository; else :class:`InputError` (exit 2) saying what was looked for."""
    if not Path(path).is_dir():
        raise InputError(messages.t("repo.not_found", path=str(path)))
    if not is_gitops_repo(path):
        raise InputError(messages.t("repo.not_gitops", path=str(path)), hint=messages.t("repo.not_gitops_hint"))
    return Path(path)
