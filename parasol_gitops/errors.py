"""Typed errors a user can cause. The CLI prints ``str(error)`` on one line and exits with ``exit_code``.

Exit codes for every command: 0 success, 1 a check failed (drift, findings, conflicts), 2 bad input or usage.
"""

from __future__ import annotations


def one_line(text: str) -> str:
    """``text`` with line breaks escaped (``\\n``): a key or value from the input can hold one, and an error is
    one line on stderr."""
    return text.replace("\r", "\\r").replace("\n", "\\n")


class ParasolGitopsError(Exception):
    """Base of every error that reaches the user as one line."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        message, hint = one_line(message), (one_line(hint) if hint is not None else None)
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class InputError(ParasolGitopsError):
    """Bad input: a spec, an answer file, a path or an option value. Exit 2."""

    exit_code = 2


class SpecError(InputError):
    """A spec file failed parsing or validation; the message names the file and the path inside it."""

    def __init__(self, file: str, path: str, problem: str, *, hint: str | None = None) -> None:
        where = f"{file}: {path}: " if path else f"{file}: "
        super().__init__(f"{where}{problem}", hint=hint)
        self.file = file
        self.path = path
        self.problem = problem


class ToolMissingError(InputError):
    """An external program the command needs is not on PATH. Exit 2."""


class CheckFailed(ParasolGitopsError):
    """A check ran and found a problem (drift, error findings, merge conflicts). Exit 1."""

    exit_code = 1
