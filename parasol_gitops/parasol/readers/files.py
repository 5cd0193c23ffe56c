"""Reading a project's files: links stay inside the project, and every problem names the file (InputError)."""

from __future__ import annotations

import os
from pathlib import Path

from ...errors import InputError
from ...messages import t
from ..project import ParasolProject


class Reader:
    """Reads files of one project; every problem becomes an InputError naming the file."""

    def __init__(self, project: ParasolProject) -> None:
        self.project = project
        self.root = project.root.resolve()
        self.read: list[str] = []

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def inside(self, path: Path) -> bool:
        return path == self.root or self.root in path.parents

    def resolve_link(self, path: Path) -> Path:
        """The file ``path`` stands for: itself, a symlink's target, or the target of a Git symlink checked out
        as a one-line text file (how the asashi fixture stores its bounded-context links)."""
        if path.is_symlink():
            target = Path(os.path.normpath(path.parent / os.readlink(path)))
            if not self.inside(target.resolve() if target.exists() else target):
                raise InputError(t("parasol.traversal", value=os.readlink(path), what=self.rel(path)))
            if not target.exists():
                raise InputError(t("parasol.dangling", file=self.rel(path), target=os.readlink(path)))
            return target.resolve()
        pointer = self._pointer(path)
        if pointer is not None:
            target = Path(os.path.normpath(path.parent / pointer))
            if not self.inside(target):
                raise InputError(t("parasol.traversal", value=pointer, what=self.rel(path)))
            if not target.is_file():
                raise InputError(t("parasol.dangling", file=self.rel(path), target=pointer))
            return target
        return path

    def check_folder(self, path: Path) -> None:
        """A linked folder must stay inside the project."""
        if path.is_symlink() and not self.inside(path.resolve()):
            raise InputError(t("parasol.traversal", value=os.readlink(path), what=self.rel(path)))

    def _pointer(self, path: Path) -> str | None:
        try:
            if path.stat().st_size > 1024:
                return None
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(t("parasol.unreadable", file=self.rel(path), reason=exc.strerror or exc)) from None
        text = data.decode("utf-8", errors="replace")
        if "\n" in text.strip() or not text.strip().endswith(".md") or " " in text.strip():
            return None
        return text.strip() if "/" in text else None

    def text(self, path: Path) -> str:
        real = self.resolve_link(path)
        try:
            content = real.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise InputError(t("parasol.unreadable", file=self.rel(path), reason=reason)) from None
        self.read.append(self.rel(path))
        return content


def walk(folder: Path, filename: str) -> list[Path]:
    """Files called ``filename`` under ``folder`` in sorted order, not following directory links."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        if filename in filenames:
            found.append(Path(dirpath) / filename)
    return sorted(found)

