"""What ``validate`` lets itself read and run: the repository's own files, offline, within fixed limits.

``validate`` reads repositories it did not write (a pull request, a clone from anywhere), so every input is
hostile until checked:

- **Remote references** (:func:`.refs.remote_refs`): kustomize fetches URLs and git remotes in many fields. They are
  found *before* a build and the folder is never built; kustomize also runs with no proxy that works and git
  limited to local protocols (:func:`offline_env`), in case a field is missed.
- **Outside the root** (:func:`inside`): every path a build or a render would open is resolved (symlinks
  followed) and must stay inside the repository root. kustomize's own load restrictor only confines a
  kustomization to its folder tree and lets ``resources`` name any folder; Helm follows symlinks.
- **Hostile files** (:func:`read_text`): only regular files are opened (a FIFO would block, ``/dev/zero``
  never ends), without blocking, and never more than :data:`MAX_FILE_BYTES`.
- **Children** (:func:`run_child`): kustomize and the Helm renderer run in their own process group under an
  address-space limit and a time limit; on a timeout, a crash or SIGINT/SIGTERM the whole group is killed and
  the temporary folders of the run are removed (:func:`guarded`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..fsutil import owned_tmp_prefix, sweep_stale
from ..messages import t

# One YAML/JSON file validate reads or lets a child read: the largest file of a generated 300-service repository
# is ~0.3 MB, a hand-written CRD bundle a few MB. Above this a file is refused, never parsed.
MAX_FILE_BYTES = 8 * 1024 * 1024
# Everything one kustomize build or one chart render reads (the sum of its local files).
MAX_BUILD_BYTES = 32 * 1024 * 1024
# Address space of a child (RLIMIT_AS). The Go runtime reserves ~0.7 GB of address space at start (measured:
# kubectl fails to start under 0.6 GB, the Python + Go Helm renderer under 0.8 GB); 2 GiB leaves each child
# well over 1 GB of real memory and stops a runaway template within a second.
CHILD_ADDRESS_SPACE = 2 * 1024 * 1024 * 1024
KUSTOMIZE_TIMEOUT = 120  # seconds, one build (a 300-service platform overlay takes ~2 s)
HELM_TIMEOUT = 60  # seconds, one chart with all its values files
# A closed port on the loopback interface: a proxy there refuses every connection at once.
DEAD_PROXY = "http://127.0.0.1:9"
TEMP_PREFIX = "parasol-gitops-"


# ---- the repository root ----------------------------------------------------------------------------------
# Real paths remembered during one run (see :func:`remembering`). ``Path.resolve`` looks up every component of
# every path again; a 300-service repository asks for ~36,000 of them, nearly all below the same few hundred
# folders (measured: 60 % of the CPU of `validate --changed`). Outside a run nothing is remembered, so a caller
# that changes the tree between two calls is never answered from an old state.
_real: dict[str, str] | None = None
_real_paths: dict[str, Path] = {}


@contextlib.contextmanager
def remembering() -> Iterator[None]:
    """Remember real paths until the block ends (the repository does not change while it is validated)."""
    global _real
    outer = _real
    _real = {} if outer is None else outer
    try:
        yield
    finally:
        _real = outer
        if outer is None:
            _real_paths.clear()


def resolve(path: Path) -> Path:
    """``path.resolve()``: symlinks followed, a loop raised as RuntimeError; remembered within :func:`remembering`."""
    if _real is None or not path.is_absolute():
        return path.resolve()
    key = os.fspath(path)
    found = _real_paths.get(key)
    if found is None:
        found = _real_paths[key] = Path(_real_path(key, _real))
    return found


def real_path(path: str) -> str:
    """``os.fspath(resolve(Path(path)))`` without making Path objects (the hot loops of discovery call this)."""
    if _real is None or not os.path.isabs(path):
        return os.fspath(Path(path).resolve())
    return _real_path(path, _real)


def _real_path(path: str, known: dict[str, str]) -> str:
    hit = known.get(path)
    if hit is not None:
        return hit
    head, tail = os.path.split(path)
    if head == path:
        out = str(Path(path).resolve())
    elif tail in ("", "."):  # "a/." and "a/" are "a"
        out = _real_path(head, known)
    elif tail == "..":
        # the parent of the real folder (an overlay's "../../base" costs no full resolve); a loop in the head is
        # left to pathlib, which resolves "loop/.." without one
        try:
            out = os.path.dirname(_real_path(head, known))
        except RuntimeError:
            out = str(Path(path).resolve())
    else:
        # the real parent, then the last component: only a symlink there needs a full resolve
        joined = os.path.join(_real_path(head, known), tail)
        try:
            st = os.lstat(joined)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise RuntimeError(f"Symlink loop from {joined!r}") from None
            st = None  # missing: it resolves to itself below its real parent
        out = str(Path(joined).resolve()) if st is not None and stat.S_ISLNK(st.st_mode) else joined
    known[path] = out
    return out


def inside(root: Path, path: Path | str) -> bool:
    """True when ``path``, with every symlink resolved, is ``root`` or below it (``root`` already resolved)."""
    try:
        resolved = real_path(os.fspath(path))
    except (OSError, RuntimeError):  # a symlink loop goes nowhere we may read
        return False
    return within(os.fspath(root), resolved)


def within(top: str, real: str) -> bool:
    """True when the real path ``real`` is the real folder ``top`` or below it."""
    return real == top or real.startswith(top if top.endswith("/") else top + "/")


def escapes(root: Path, folder: Path) -> list[str]:
    """Repository paths below ``folder`` that are symlinks leaving ``root``, or that are not regular files or
    folders (FIFOs, sockets, devices). What a tool that walks ``folder`` (Helm's loader) would open."""
    bad: list[str] = []
    seen: set[str] = set()
    # Helm's loader follows symlinked folders, so the walk does too (inside the root only; each real folder once)
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen or not inside(root, Path(dirpath)):
            dirnames[:] = []
            continue
        seen.add(real)
        for name in sorted([*dirnames, *filenames]):
            p = Path(dirpath) / name
            try:
                st = p.lstat()
            except OSError:
                continue
            if stat.S_ISLNK(st.st_mode):
                if not inside(root, p):
                    bad.append(_rel(root, p))
                    continue
                with contextlib.suppress(OSError):
                    st = p.stat()
            if not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode)):
                bad.append(_rel(root, p))
        dirnames[:] = sorted(d for d in dirnames if _rel(root, Path(dirpath) / d) not in bad)
    return sorted(bad)


class Refused(Exception):
    """A file validate will not read; ``check`` is the finding id, the message (English) says why.

    ``msg`` and ``params`` name the catalogue sentence (``check.<check>.<msg>``) so that a finding made from it
    is said in the reader's language (:func:`.findings.finding_t`).
    """

    def __init__(self, check: str, msg: str, **params: Any) -> None:
        super().__init__(t(f"check.{check}.{msg}", "en", **params))
        self.check = check
        self.msg = msg
        self.params: dict[str, Any] = params


def read_text(root: Path, path: Path | str, *, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of a regular file inside ``root`` of at most ``limit`` bytes; :class:`Refused` otherwise."""
    return read_bytes(root, path, limit=limit).decode("utf-8")


def read_bytes(root: Path, path: Path | str, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file inside ``root`` of at most ``limit`` bytes; :class:`Refused` otherwise.

    Opened without blocking and checked again on the open descriptor, so a file swapped for a FIFO between the
    check and the open cannot hang the run.
    """
    if not inside(root, path):
        raise Refused("PGO-OUTSIDE-ROOT", "msg.not_read")
    return read_regular(path, limit=limit)


def read_regular(path: Path | str, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (:class:`Refused` otherwise), wherever it is:
    :func:`read_bytes` without the root check."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Refused("PGO-INPUT-LIMIT", "msg.not_regular")
        if st.st_size > limit:
            raise Refused("PGO-INPUT-LIMIT", "msg.too_big", size=st.st_size, limit=limit)
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:  # grew after the stat
        raise Refused("PGO-INPUT-LIMIT", "msg.grew", limit=limit)
    return data


def check_file(root: Path, path: Path, *, limit: int = MAX_FILE_BYTES) -> tuple[str, str] | None:
    """``(check id, reason)`` when a child must not be given ``path`` (a file or folder), else None."""
    refused, _real, _is_dir = check_path(os.fspath(root), os.fspath(path), limit=limit)
    return refused


def check_path(root: str, path: str, *, limit: int = MAX_FILE_BYTES) -> tuple[tuple[str, str] | None, str, bool]:
    """:func:`check_file` on strings, with what it found: ``(refusal or None, real path, is a folder)``."""
    try:
        real = real_path(path)
    except (OSError, RuntimeError):  # a symlink loop goes nowhere we may read
        return ("PGO-OUTSIDE-ROOT", "resolves outside the repository root"), path, False
    if not within(root, real):
        return ("PGO-OUTSIDE-ROOT", "resolves outside the repository root"), real, False
    try:
        st = os.stat(real)
    except OSError:
        return None, real, False  # missing: the build itself reports it
    if stat.S_ISDIR(st.st_mode):
        return None, real, True
    if not stat.S_ISREG(st.st_mode):
        return ("PGO-INPUT-LIMIT", "not a regular file (FIFO, socket or device)"), real, False
    if st.st_size > limit:
        return ("PGO-INPUT-LIMIT", f"{st.st_size} bytes, above the {limit}-byte limit"), real, False
    return None, real, False


def _rel(root: Path, p: Path) -> str:
    try:
        return p.relative_to(root).as_posix()
    except ValueError:
        return p.as_posix()


# ---- children ---------------------------------------------------------------------------------------------
_lock = threading.Lock()
_groups: set[int] = set()
_temps: set[str] = set()
_stopping = threading.Event()


@dataclass
class ChildResult:
    returncode: int
    stdout: str
    stderr: str
    failure: str = ""  # "" when the child ran to its end; else why it was stopped (time, memory, signal)


def offline_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every child: the user's, with no network a child could reach by itself.

    Proxies point at a closed loopback port (Go's HTTP client honours them for every non-loopback host), git
    may use only local protocols and never prompts, and no Kubernetes cluster is configured: ``KUBECONFIG``
    names a file that does not exist and the in-cluster variables are gone, so Helm's ``lookup`` and
    capability probes reach nothing.
    """
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KUBERNETES_SERVICE_", "KUBERNETES_PORT", "HELM_KUBE"))
           and k.lower() not in ("no_proxy", "http_proxy", "https_proxy", "all_proxy")}
    env.update({
        "HTTP_PROXY": DEAD_PROXY, "HTTPS_PROXY": DEAD_PROXY, "ALL_PROXY": DEAD_PROXY,
        "http_proxy": DEAD_PROXY, "https_proxy": DEAD_PROXY, "all_proxy": DEAD_PROXY,
        "GIT_ALLOW_PROTOCOL": "file", "GIT_TERMINAL_PROMPT": "0", "GIT_SSH_COMMAND": "false",
        "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull,
        "KUBECONFIG": str(Path(tempfile.gettempdir()) / f"{TEMP_PREFIX}no-kubeconfig" / "config"),
    })
    env.update(extra or {})
    return env


def run_child(cmd: list[str], *, timeout: float, memory: int = CHILD_ADDRESS_SPACE, env: dict[str, str] | None = None,
              stdin: str | None = None, cwd: str | None = None) -> ChildResult:
    """Run ``cmd`` in its own process group with an address-space limit and a time limit.

    The limit is set by ``sh -c 'ulimit -v …; exec …'`` rather than ``preexec_fn``: builds run from a thread
    pool, and ``preexec_fn`` may deadlock in a threaded parent. On timeout the whole group is killed.
    """
    if _stopping.is_set():
        raise KeyboardInterrupt
    # the CPU-time limit (never reached before the wall-clock one) is the kernel's: it also ends a child whose
    # parent was SIGKILLed and so can no longer enforce the time limit
    limits = f"ulimit -v {memory // 1024} && ulimit -t {max(1, int(timeout) + 1)}"
    wrapped = ["/bin/sh", "-c", f'{limits} && exec "$@"', "sh", *cmd]
    proc = subprocess.Popen(wrapped, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
                            env=env if env is not None else offline_env(), start_new_session=True)
    with _lock:
        _groups.add(proc.pid)
        # stop_children() sets the flag before it takes the lock to list the groups: a child started after that
        # list was taken sees the flag here (without this check it ran on, and the interrupted run waited for it)
        late = _stopping.is_set()
    try:
        if late:
            raise KeyboardInterrupt
        try:
            out, err = proc.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            out, err = proc.communicate()
            return ChildResult(-9, out, err, f"stopped after the {timeout:g} s time limit")
    finally:
        with _lock:
            _groups.discard(proc.pid)
        _kill_group(proc.pid)  # anything the child left behind in its group
    failure = ""
    if proc.returncode < 0 or proc.returncode >= 128:
        sig = -proc.returncode if proc.returncode < 0 else proc.returncode - 128
        failure = f"stopped at the {timeout:g} s CPU-time limit" if sig == signal.SIGXCPU else f"crashed (signal {sig})"
    if "out of memory" in err or "MemoryError" in err or "cannot allocate memory" in err.lower():
        failure = f"stopped at the {memory // (1024 * 1024)} MB memory limit"
    if _stopping.is_set():
        raise KeyboardInterrupt
    return ChildResult(proc.returncode, out, err, failure)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def temp_dir(kind: str) -> Path:
    """A temporary folder removed when the run ends or is interrupted (and by the caller when done)."""
    # the owner's pid in the name: a validate killed with SIGKILL leaves it, and the next run's sweep removes it
    path = tempfile.mkdtemp(prefix=owned_tmp_prefix(kind))
    with _lock:
        _temps.add(path)
    return Path(path)


def remove_temp(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
    with _lock:
        _temps.discard(str(path))


def stop_children() -> None:
    """Kill every running child group and remove every temporary folder; no new child starts afterwards."""
    _stopping.set()
    with _lock:
        groups, temps = list(_groups), list(_temps)
    for pgid in groups:
        _kill_group(pgid)
    for path in temps:
        remove_temp(Path(path))


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """SIGINT and SIGTERM kill the children's process groups and remove the temporaries before the run ends
    (SIGINT → KeyboardInterrupt, which the CLI reports as "aborted", exit 130; SIGTERM → exit 143); on the way out
    every temporary is removed anyway."""
    installed: dict[signal.Signals, Any] = {}

    def handler(signum: int, _frame: Any) -> None:
        stop_children()
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            installed[sig] = signal.signal(sig, handler)
    _stopping.clear()
    sweep_stale(Path(tempfile.gettempdir()))  # what an earlier run killed with SIGKILL could not remove
    try:
        with remembering():
            yield
    finally:
        for sig, previous in installed.items():
            signal.signal(sig, previous)
        with _lock:
            temps = list(_temps)
        for path in temps:
            remove_temp(Path(path))
