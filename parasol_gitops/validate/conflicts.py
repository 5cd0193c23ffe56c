"""Merge conflict markers left in the repository (PGO-CONFLICT-MARKERS), found before anything else is judged.

A file still holding ``<<<<<<<``/``>>>>>>>`` lines (``copier update --conflict inline``, a git merge) is one
finding, with its first marker line. Whatever else breaks because of that file (a YAML syntax error, a folder
that no longer builds, an Application the graph can no longer read, and the findings that follow from it) is
the same problem said again, often with a wrong remedy, so those findings are dropped: they come back, if still
true, once the markers are resolved.

The files scanned are git's tracked files plus untracked ones not ignored (``git ls-files -co
--exclude-standard``), or every file outside ``.git`` when the folder is not a git work tree; binary files
(a NUL byte in the first 8 KiB) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .. import git
from ..scaffold import ANSWERS_FILE, PIPELINE_FILE
from . import sandbox
from .findings import Finding, finding

_MARKERS = (b"<<<<<<< ", b">>>>>>> ")
_EXACT = (b"<<<<<<<", b">>>>>>>")


def scan(root: Path, only: Iterable[str] | None = None) -> dict[str, list[int]]:
    """Repository-relative POSIX path → line numbers (1-based) of its conflict marker lines.

    ``only``: the files to read (``validate --changed``: a file unchanged since the base holds the markers the
    base held, which the full run there reported); default every tracked and untracked, not ignored, file."""
    found: dict[str, list[int]] = {}
    top = root.resolve()
    wanted = set(only) if only is not None else None
    for rel in _files(root) if wanted is None else sorted(wanted):
        try:  # through the sandbox: a FIFO, a huge file or a link out of the repository is not read
            data = sandbox.read_bytes(top, root / rel)
        except (OSError, sandbox.Refused):
            continue
        if b"\0" in data[:8192] or b"<<<<<<<" not in data:
            continue
        lines = [i for i, line in enumerate(data.splitlines(), 1)
                 if line.startswith(_MARKERS) or line.rstrip() in _EXACT]
        if lines:
            found[rel] = lines
    return dict(sorted(found.items()))


def apply(root: Path, findings: list[Finding], conflicted: dict[str, list[int]] | None = None) -> list[Finding]:
    """``findings`` with one PGO-CONFLICT-MARKERS per conflicted file and without those the file causes.

    ``conflicted`` is what :func:`scan` found, when the caller scanned earlier (while builds were running).
    """
    conflicted = scan(root) if conflicted is None else conflicted
    if not conflicted:
        return findings
    kept = [f for f in findings if not _caused_by(f, conflicted)]
    for rel, lines in conflicted.items():
        more = f" (+{len(lines) - 1} more)" if len(lines) > 1 else ""
        kept.append(finding("PGO-CONFLICT-MARKERS", f"{rel}:{lines[0]}",
                            f"merge conflict markers at line {lines[0]}{more}"))
    return sorted(set(kept))


def _caused_by(f: Finding, conflicted: dict[str, list[int]]) -> bool:
    where = f.where.split(":", 1)[0].strip("/")
    for rel in conflicted:
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        if where == rel or rel in f.message:
            return True
        if folder and (where == folder or rel.startswith(where + "/") or where.startswith(folder + "/")):
            return True
        # the app graph reads every Application under apps/: one unreadable file loses services and envs
        if rel.startswith(("apps/", "projects/", "bootstrap/")) and f.id.startswith("PGO-APP-"):
            return True
        if rel in (ANSWERS_FILE, PIPELINE_FILE) and f.id.startswith("PGO-PIPELINE-"):
            return True
    return False


def _files(root: Path) -> list[str]:
    proc = git.run_bytes(root, "ls-files", "-co", "--exclude-standard", "-z", check=False)
    if proc.returncode == 0:
        return sorted({p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p})
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                  if p.is_file() and ".git" not in p.relative_to(root).parts)
