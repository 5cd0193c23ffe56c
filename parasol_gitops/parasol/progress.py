"""Phase-7 progress in ``parasol.yaml``: ``phases.phase7`` goes ``in_progress`` (with ``started``) when
generation begins and ``completed`` (with ``completed`` and ``artifacts``) when it succeeds.

The file is edited with a ruamel.yaml round trip, and then only the ``phase7`` block of the re-emitted
document is spliced into the original text: ruamel re-emits a few things differently (``completed: null``
becomes ``completed:``), and the rest of a user's file must stay byte-for-byte what they wrote.

A terminal-captured file (see ``clean.py``) is rewritten as its cleaned YAML, the capture kept as a backup.
Timestamps come from ``PARASOL_GITOPS_NOW`` (ISO 8601) when set, so tests and reproducible runs can fix them.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from ..errors import InputError
from ..messages import t
from .project import ParasolProject

NOW_ENV = "PARASOL_GITOPS_NOW"
BACKUP_SUFFIX = ".bak"
T = TypeVar("T")


def now_iso(now: str | None = None) -> str:
    """``now`` or ``$PARASOL_GITOPS_NOW`` or the clock, as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC)."""
    value = now or os.environ.get(NOW_ENV)
    if value:
        try:
            parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise InputError(t("parasol.bad_now", env=NOW_ENV, value=value)) from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
    else:
        parsed = dt.datetime.now(dt.UTC)
    return parsed.astimezone(dt.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _yaml() -> Any:
    from ..yamlio import loader

    yaml = loader()
    # Parasol files spell an empty value "null"; ruamel would write nothing after the colon.
    yaml.representer.add_representer(
        type(None), lambda rep, _data: rep.represent_scalar("tag:yaml.org,2002:null", "null")
    )
    return yaml


def _timestamp(iso: str) -> Any:
    """A ruamel TimeStamp that re-emits as ``2026-01-01T00:00:00Z`` (unquoted, like the Parasol files)."""
    return _yaml().load(f"t: {iso}\n")["t"]


def mark_started(project: ParasolProject, now: str) -> str:
    def change(phase7: Any) -> None:
        phase7["status"] = "in_progress"
        phase7["started"] = _timestamp(now)
        phase7["completed"] = None

    return _edit(project, change)


def mark_completed(project: ParasolProject, started: str, now: str, artifacts: list[str]) -> str:
    from ruamel.yaml.comments import CommentedSeq

    def change(phase7: Any) -> None:
        phase7["status"] = "completed"
        phase7["started"] = _timestamp(started)
        phase7["completed"] = _timestamp(now)
        seq = CommentedSeq(sorted(artifacts))
        phase7["artifacts"] = seq

    return _edit(project, change)


def _edit(project: ParasolProject, change: Any) -> str:
    """The text of parasol.yaml with ``change`` applied to ``phases.phase7``; everything else as it was."""
    from ruamel.yaml.comments import CommentedMap

    from ..yamlio import check_size

    original = project.cleaned.text if project.cleaned is not None else project.raw_text
    check_size(original, display=str(project.yaml_path))
    yaml = _yaml()
    data = yaml.load(original)
    if data is None:
        data = CommentedMap()
    phases = data.get("phases")
    if not isinstance(phases, dict):
        phases = CommentedMap()
        data["phases"] = phases
    phase7 = phases.get("phase7")
    if not isinstance(phase7, dict):
        phase7 = CommentedMap()
        phase7["name"] = "Platform"
        phases["phase7"] = phase7
    change(phase7)
    for key in ("started", "completed", "artifacts"):  # Parasol's order: name, status, started, completed
        if key in phase7:
            phase7[key] = phase7.pop(key)
    buf = io.StringIO()
    yaml.dump(data, buf)
    emitted = buf.getvalue()
    return splice(original, emitted)


# --- splicing -----------------------------------------------------------------------------------------------------

_KEY = re.compile(r"^(\s*)([^\s#:][^:]*?):(\s|$)")


def _block(lines: list[str], parent: str, child: str) -> tuple[int, int, int] | None:
    """(start, end, indent) of the ``parent:`` → ``child:`` block in ``lines`` (end exclusive, trailing blank and
    comment lines left outside), or (insert_at, insert_at, indent) when ``parent`` exists without ``child``."""
    p_start = next((i for i, line in enumerate(lines) if re.match(rf"^{re.escape(parent)}:\s*(#.*)?$", line)), None)
    if p_start is None:
        return None
    p_end = next((i for i in range(p_start + 1, len(lines)) if _KEY.match(lines[i]) and not lines[i][0].isspace()),
                 len(lines))
    child_indent = next((len(m.group(1)) for i in range(p_start + 1, p_end) if (m := _KEY.match(lines[i]))), 2)
    c_start = next((i for i in range(p_start + 1, p_end)
                    if (m := _KEY.match(lines[i])) and len(m.group(1)) == child_indent and m.group(2) == child), None)
    if c_start is None:
        end = p_end
        while end > p_start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        return end, end, child_indent
    c_end = next((i for i in range(c_start + 1, p_end)
                  if (m := _KEY.match(lines[i])) and len(m.group(1)) <= child_indent), p_end)
    while c_end > c_start + 1 and (not lines[c_end - 1].strip() or lines[c_end - 1].lstrip().startswith("#")):
        c_end -= 1
    return c_start, c_end, child_indent


def splice(original: str, emitted: str) -> str:
    """``original`` with its ``phases.phase7`` block replaced by the one in ``emitted``."""
    old = original.splitlines(keepends=True)
    if old and not old[-1].endswith("\n"):
        old[-1] += "\n"
    new = emitted.splitlines(keepends=True)
    new_block = _block(new, "phases", "phase7")
    if new_block is None:  # cannot happen: _edit always creates phases.phase7
        return emitted
    # Blank lines inside the re-emitted block are ruamel's memory of where the old block ended.
    block_lines = [line for line in new[new_block[0]:new_block[1]] if line.strip()]
    where = _block(old, "phases", "phase7")
    if where is None:  # no phases: at all → append the emitted phases: section
        sep = [] if not old or not old[-1].strip() else ["\n"]
        return "".join(old + sep + ["phases:\n"] + _reindent(block_lines, new_block[2], 2))
    start, end, indent = where
    return "".join(old[:start] + _reindent(block_lines, new_block[2], indent) + old[end:])


def _reindent(lines: list[str], have: int, want: int) -> list[str]:
    if have == want:
        return lines
    if want > have:
        return [" " * (want - have) + line if line.strip() else line for line in lines]
    return [line[have - want:] if line.startswith(" " * (have - want)) else line for line in lines]


# --- writing ------------------------------------------------------------------------------------------------------


def backup_path(project: ParasolProject) -> Path:
    return project.yaml_path.with_name(project.yaml_path.name + BACKUP_SUFFIX)


def write(project: ParasolProject, text: str, *, backup: bool,
          redo: Callable[[ParasolProject], str] | None = None) -> Path | None:
    """Replace parasol.yaml atomically under its lock; with ``backup`` keep the file as it was before this run.

    ``text`` was computed from the file as read at the start of the run. When the file changed since (the user
    saved it meanwhile), ``redo`` computes the edit again on what is on disk now, so their edit is kept."""
    from ..fsutil import atomic_write, locked_update
    from .project import load

    path = project.yaml_path
    saved: Path | None = None
    if backup:
        saved = backup_path(project)
        atomic_write(saved, project.raw_text.encode("utf-8"))

    def change(current: bytes | None) -> bytes:
        if redo is None or current is None or current == project.raw_text.encode("utf-8"):
            return text.encode("utf-8")
        return redo(load(path)).encode("utf-8")

    locked_update(path, change)
    return saved


def restore(project: ParasolProject, previous_backup: bytes | None, *, written: str | None = None) -> None:
    """Undo :func:`write`: the original bytes back, and the backup file as it was before the run.

    With ``written`` (the text this run wrote), parasol.yaml is put back only while it still holds that text: a
    file the user saved meanwhile keeps their version."""
    from ..fsutil import atomic_write, locked_update

    original = project.raw_text.encode("utf-8")

    def change(current: bytes | None) -> bytes | None:
        if written is not None and current is not None and current != written.encode("utf-8"):
            return None
        return original

    locked_update(project.yaml_path, change)
    bak = backup_path(project)
    if previous_backup is None:
        bak.unlink(missing_ok=True)
    else:
        atomic_write(bak, previous_backup)


def tracked(project: ParasolProject, work: Callable[[], T], artifacts: Callable[[T], list[str]],
            ) -> tuple[T, Path | None]:
    """Run ``work`` (the generation) with phase 7 marked ``in_progress`` meanwhile and ``completed`` with its
    ``artifacts`` afterwards; on any failure, or an interrupt, parasol.yaml and its backup are put back as they
    were. Returns what ``work`` returned and the backup kept (``auto_backup`` or a cleaned file), else None."""
    started = now_iso()
    bak = backup_path(project)
    previous_backup = bak.read_bytes() if bak.is_file() else None
    keep_backup = bool(project.setting("auto_backup", False)) or project.contaminated
    marked = mark_started(project, started)
    write(project, marked, backup=keep_backup, redo=lambda fresh: mark_started(fresh, started))
    try:
        result = work()
        made = artifacts(result)
        done = now_iso()
        write(project, mark_completed(project, started, done, made), backup=False,
              redo=lambda fresh: mark_completed(fresh, started, done, made))
    except BaseException:
        restore(project, previous_backup, written=marked)
        raise
    return result, bak if keep_backup else None


def phase6_missing(project: ParasolProject, guides: bool) -> list[str]:
    """Why phase 6 (implementation) does not count as done: its status, and the guides that are not there."""


    status = str(project.phase("phase6").get("status") or "pending")
    if status == "completed" or guides:
        return []
    return [t("parasol.phase6_missing.status", status=status),
            t("parasol.phase6_missing.guides",
              pattern="outputs/6-implementation/services/<Service>/<BC>/implementation-guide.md")]


def interrupted_run(project: ParasolProject) -> str | None:
    """``started`` of a phase-7 run that never finished (``status: in_progress`` left by a killed run), else None.

    Only meaningful while holding :func:`run_lock`: then no other run is working on the project."""
    phase7 = project.phase("phase7")
    if str(phase7.get("status") or "") != "in_progress":
        return None
    return str(phase7.get("started") or "?")


@contextmanager
def run_lock(project: ParasolProject) -> Iterator[None]:
    """Exclusive, non-blocking lock of the project's output folder for one ``platform`` run: a second run at the
    same time is refused (exit 2) instead of interleaving with the first."""
    from ..fsutil import folder_lock


    folder = project.output_dir
    with ExitStack() as stack:
        try:
            stack.enter_context(folder_lock(folder, wait=False))
        except BlockingIOError:
            raise InputError(t("run.platform_busy", path=str(folder))) from None
        yield
