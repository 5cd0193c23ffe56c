"""The one way this package runs git: the ``git`` command line, through :func:`run` (text) and :func:`run_bytes`.

Why the command line and not GitPython: the calls here are plumbing (``ls-files -u -z``, ``update-index
--index-info``, ``hash-object --stdin``, ``commit-tree``) whose output is git's documented, stable format, and
Copier drives the same ``git`` binary (through plumbum), so both see one git version and one configuration.
Nothing in the package imports GitPython any more.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from . import messages
from .errors import InputError


def run(cwd: Path | str, *args: str, stdin: str | None = None, env: dict[str, str] | None = None,
        check: bool = True, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    """``git ARGS`` in ``cwd``, text output captured; ``env`` is added to the environment. With ``check`` a
    failure is an :class:`InputError` naming the command and git's last line. ``timeout`` (seconds) raises
    :class:`subprocess.TimeoutExpired`, for calls that reach a remote."""
    return _run(cwd, args, stdin, env, check, text=True, timeout=timeout)


def run_bytes(cwd: Path | str, *args: str, stdin: bytes | None = None, check: bool = True,
              ) -> subprocess.CompletedProcess[bytes]:
    """:func:`run` for contents that are not text (blobs)."""
    return _run(cwd, args, stdin, None, check, text=False, timeout=None)


def last_line(result: subprocess.CompletedProcess[Any]) -> str:
    """git's last line of complaint (its final stderr line), the one worth showing."""
    err = result.stderr.decode(errors="replace") if isinstance(result.stderr, bytes) else result.stderr or ""
    return (err.strip().splitlines() or ["?"])[-1]


def _run(cwd: Path | str, args: tuple[str, ...], stdin: Any, env: dict[str, str] | None, check: bool,
         *, text: bool, timeout: float | None) -> subprocess.CompletedProcess[Any]:
    full_env = {**os.environ, **env} if env else None
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, input=stdin, env=full_env, text=text,
                            timeout=timeout)
    if check and result.returncode != 0:
        raise InputError(messages.t("git.failed", command=" ".join(args[:2]), path=str(cwd),
                                    detail=last_line(result)))
    return result
