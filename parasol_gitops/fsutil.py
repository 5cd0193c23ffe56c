"""Atomic, deterministic file output: the one home of every write the tool makes.

Commands build every output in a staging folder next to the destination and move the files in only
when all of them were produced, so a failure leaves nothing half-written.

Edits of a user's file that already exists (``bump``, ``dr record``, the ``parasol.yaml`` phase-7 splice) are
read-modify-write cycles: :func:`locked_update` takes an exclusive ``flock`` on the file's folder, reads the file
under the lock, writes the new bytes to a temporary file in the same folder, fsyncs it and renames it over the
file. Two runs at once (deploy jobs of two services on one runner, a person and CI) therefore serialise and both
edits survive. The lock is on the folder, not the file, because the rename replaces the file's inode (a lock on
the old inode would not exclude a second writer) and because a file being created has no inode yet; locking
the folder also leaves no lock file behind in the user's repository.

Temporary files and folders the tool creates carry its mark and the creating process id
(``.<name>.<kind>-pgo<pid>-<random>``): :func:`sweep_stale` removes those of dead processes on the next run, and
never anything else.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from .errors import InputError

# ".<name>.<kind>-pgo<pid>-<random>" (mkdtemp/mkstemp add the random part); see owned_prefix().
_OWNED = re.compile(r"^\..*\.[a-z]+-pgo(\d+)-[A-Za-z0-9_]+$")
# Tool-owned folders directly in the system temporary folder (Copier's clones and renders go there).
_OWNED_TMP = re.compile(r"^parasol-gitops-pgo(\d+)-[A-Za-z0-9_]+$")
CHECKPOINT_ENV = "PARASOL_GITOPS_TEST_CHECKPOINT"
CHECKPOINT_DIR_ENV = "PARASOL_GITOPS_TEST_CHECKPOINT_DIR"


def cache_dir(name: str) -> Path:
    """``$XDG_CACHE_HOME/parasol-gitops/<name>`` (``~/.cache`` without it); not created here."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "parasol-gitops" / name


def write_files(root: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    """Write ``files`` (relative POSIX path → content) under ``root`` atomically as a set.

    All contents are first written into a staging folder on the same file system; only then is each
    file renamed into place. Returns the written paths in sorted order. Files whose content is already
    identical are left untouched (their mtime does not change).
    """
    for rel in files:
        _check_relative(rel)
    with os_errors(root):
        return _write_files(root, files)


def _write_files(root: Path, files: Mapping[str, str | bytes]) -> list[Path]:
    root.mkdir(parents=True, exist_ok=True)
    sweep_stale(root)  # a staging folder of an earlier run that was killed
    staging = Path(tempfile.mkdtemp(prefix=owned_prefix("parasol-gitops", "stage"), dir=root))
    written: list[Path] = []
    try:
        staged: list[tuple[Path, Path]] = []
        for rel in sorted(files):
            data = files[rel]
            raw = data.encode("utf-8") if isinstance(data, str) else data
            target = root / rel
            _refuse_symlinked_parent(root, rel)
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


def _refuse_symlinked_parent(root: Path, rel: str) -> None:
    """A folder on the way from ``root`` to ``rel`` that is a symlink would carry the write outside ``root``
    (``DIR/.github -> /elsewhere``): refused. The file itself may be a symlink only to be replaced, never
    followed, because :func:`os.replace` swaps the link, not its target."""
    from .messages import t

    here = root
    for part in Path(rel).parts[:-1]:
        here = here / part
        if here.is_symlink():
            raise InputError(t("fs.symlink_out", path=str(here), root=str(root)))


# --- owned temporaries ---------------------------------------------------------------------------------------


def owned_prefix(label: str, kind: str) -> str:
    """A temporary name prefix that marks the entry as this process's: ``.<label>.<kind>-pgo<pid>-``."""
    return f".{label}.{kind}-pgo{os.getpid()}-"


def owned_tmp_prefix(kind: str = "") -> str:
    """A prefix for this process's folders in the system temporary folder, ``parasol-gitops-pgo<pid>-[<kind>_]``,
    which :func:`sweep_stale` recognises (``kind`` and the random part: letters, digits, ``_``)."""
    return f"parasol-gitops-pgo{os.getpid()}-" + (f"{kind}_" if kind else "")


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def sweep_stale(folder: Path) -> list[str]:
    """Remove the tool's temporaries in ``folder`` whose creating process is dead; returns their names.

    Only entries with the tool's mark (see :func:`owned_prefix`, and ``parasol-gitops-pgo<pid>-*`` in the system
    temporary folder) are candidates, and only when that pid no longer runs: a concurrent run keeps its own."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _OWNED.match(entry.name) or _OWNED_TMP.match(entry.name)
        if match is None or int(match.group(1)) == os.getpid() or pid_alive(int(match.group(1))):
            continue
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
        removed.append(entry.name)
    return sorted(removed)


@contextmanager
def owned_tempdir_for_process() -> Iterator[Path]:
    """Point :mod:`tempfile` (and so Copier's ``TemporaryDirectory`` clones and renders) at a folder of this
    process for the duration, remove it afterwards; a kill leaves a folder that the next run's sweep removes."""
    base = Path(tempfile.gettempdir())
    sweep_stale(base)
    mine = Path(tempfile.mkdtemp(prefix=owned_tmp_prefix(), dir=base))
    saved_attr, saved_env = tempfile.tempdir, os.environ.get("TMPDIR")
    tempfile.tempdir = str(mine)
    os.environ["TMPDIR"] = str(mine)  # git and other children put their temporaries there too
    try:
        yield mine
    finally:
        tempfile.tempdir = saved_attr
        if saved_env is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved_env
        shutil.rmtree(mine, ignore_errors=True)


# --- locked read-modify-write ---------------------------------------------------------------------------------


_HELD: dict[str, int] = {}  # folders this process holds a lock on → nesting depth


@contextmanager
def folder_lock(folder: Path, *, wait: bool = True) -> Iterator[None]:
    """An exclusive ``flock`` on ``folder`` for the duration; ``wait=False`` raises :class:`BlockingIOError` when
    another process holds it. Re-entrant within this process: ``flock`` on a second descriptor of the same folder
    would wait for the first one forever (``platform`` holds its run lock while editing ``parasol.yaml``, which may
    live in the same folder)."""
    key = os.path.realpath(folder)
    if key in _HELD:
        _HELD[key] += 1
        try:
            yield
        finally:
            _HELD[key] -= 1
        return
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
        _HELD[key] = 1
        try:
            yield
        finally:
            del _HELD[key]
    finally:
        os.close(fd)  # closing releases the lock


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` by ``data`` atomically and durably: temporary file in the same folder, fsync, rename,
    fsync of the folder. An existing file keeps its permission bits."""
    with os_errors(path.parent):
        fd, tmp_name = tempfile.mkstemp(prefix=owned_prefix(path.name, "tmp"), dir=path.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.chmod(tmp, path.stat().st_mode & 0o7777)
            except FileNotFoundError:
                os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        _fsync_folder(path.parent)


def locked_update(path: Path, change: Callable[[bytes | None], bytes | None]) -> bool:
    """Read-modify-write ``path`` under an exclusive lock: ``change(current bytes or None)`` returns the new
    bytes (None or the same bytes: leave the file alone). True when the file changed.

    ``change`` runs under the lock, on what is on disk at that moment, so a concurrent writer's edit is the
    input of this one instead of being overwritten."""
    folder = path.parent
    with os_errors(folder), folder_lock(folder):
        sweep_stale(folder)
        try:
            current: bytes | None = path.read_bytes()
        except FileNotFoundError:
            current = None
        checkpoint("locked-read")
        new = change(current)
        if new is None or new == current:
            return False
        atomic_write(path, new)
        return True


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems refuse fsync on a folder; the rename is still atomic
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def os_errors(dest: Path) -> Iterator[None]:
    """Operating-system failures while writing under ``dest`` as one-line input errors (exit 2): a full disk
    says so, anything else names the path and the reason."""
    from .messages import t

    try:
        yield
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise InputError(t("fs.no_space", path=str(dest))) from None
        if exc.errno == errno.EDQUOT:
            raise InputError(t("fs.quota", path=str(dest))) from None
        where = exc.filename or dest
        raise InputError(t("fs.cannot_write", path=str(where), reason=exc.strerror or str(exc))) from None


def checkpoint(name: str) -> None:
    """A test hook: with ``PARASOL_GITOPS_TEST_CHECKPOINT=name[:seconds],…`` set, announce reaching ``name`` (a
    file ``<name>.<pid>`` in ``$PARASOL_GITOPS_TEST_CHECKPOINT_DIR``) and pause there, so interrupt and race tests
    hit an exact point. Unset (always, outside tests) it costs one environment lookup."""
    spec = os.environ.get(CHECKPOINT_ENV)
    if not spec:
        return
    for item in spec.split(","):
        wanted, _, seconds = item.partition(":")
        if wanted != name:
            continue
        folder = os.environ.get(CHECKPOINT_DIR_ENV)
        if folder:
            Path(folder, f"{name}.{os.getpid()}").touch()
        time.sleep(float(seconds or 30))


@contextmanager
def staged_directory(final: Path) -> Iterator[Path]:
    """Yield an empty folder beside ``final``; on success replace ``final`` with it, on error drop it."""
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=owned_prefix(final.name, "staging"), dir=final.parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    backup: Path | None = None
    if final.exists():
        backup = Path(tempfile.mkdtemp(prefix=owned_prefix(final.name, "old"), dir=final.parent))
        backup.rmdir()
        os.replace(final, backup)
    os.replace(staging, final)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)
