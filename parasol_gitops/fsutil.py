"""Atomic, deterministic file output.

Commands build every output in a staging folder next to the destination and move the files in only
when all of them were produced, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


def cache_dir(name: str) -> Path:
    """``$XDG_CACHE_HOME/parasol-gitops/<name>`` (``~/.cache`` without it); not created here."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "parasol-gitops" / name


def write_files(root: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Write ``files`` (relative POSIX path → content) under ``root`` atomically as a set.

    All contents are first written into a staging folder on the same file system; only then is each
    file renamed into place. Returns the written paths in sorted order. Files whose content is already
    identical are left untouched (their mtime does not change).
    """
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".parasol-gitops-", dir=root))
    written: list[Path] = []
    try:
        staged: list[tuple[Path, Path]] = []
        for rel in sorted(files):
            _check_relative(rel)
            data = files[rel]
            raw = data.encode("utf-8") if isinstance(data, str) else data
            target = root / rel
            if target.is_file() and target.read_bytes() == raw:
                continue
            tmp = staging / rel
            tmp.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(raw)
            staged.append((tmp, target))
        for tmp, target in staged:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
            written.append(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


def _check_relative(rel: str) -> None:
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or not parts:
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")


@contextmanager
def staged_directory(final: Path) -> Iterator[Path]:
    """Yield an empty folder beside ``final``; on success replace ``final`` with it, on error drop it."""
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    backup: Path | None = None
    if final.exists():
        backup = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
        backup.rmdir()
        os.replace(final, backup)
    os.replace(staging, final)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
