"""Evidence records, one YAML file per event: the DR drills of ``dr record`` (:mod:`parasol_gitops.drill`) and the
load-test runs of ``perf record`` (:mod:`parasol_gitops.perf`). Both are written once, with a comment line saying
what they prove, and read back by the VMS5 gates, which skip (and name) a file that is not a valid record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from . import yamlio
from .errors import InputError, SpecError
from .messages import t

T = TypeVar("T")


def text(comment: str, data: dict[str, Any]) -> str:
    """The file contents of a record: ``comment`` as its first line, then ``data``."""
    return yamlio.dump(data, header=comment)


def load(root: Path, folder: str, parse: Callable[[str, Any], T]) -> tuple[list[T], list[str]]:
    """``parse(relative path, data)`` of each record in ``root/folder`` (sorted by name), and the files that are not
    valid records: unreadable YAML, or a ``parse`` that raised KeyError, TypeError or ValueError."""
    found: list[T] = []
    invalid: list[str] = []
    base = root / folder
    for f in sorted(base.glob("*.y*ml")) if base.is_dir() else []:
        rel = f.relative_to(root).as_posix()
        try:
            found.append(parse(rel, yamlio.load_data_file(f, display=rel)))
        except (SpecError, KeyError, TypeError, ValueError):
            invalid.append(rel)
    return found, invalid


def date_of(data: Any) -> dt.date:
    """A record's ``date`` (written quoted, so read as text; a hand-written one may be a YAML date)."""
    value = data["date"]
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def parse_date(value: str | None, today: dt.date) -> dt.date:
    """The day of ``--date`` (ISO date or date-time, converted to UTC), ``today`` without one; never a future day:
    a record is written after the event."""
    if value is None:
        return today
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(t("record.bad_date", value=value)) from None
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC)
    day = when.date()
    if day > today:
        raise InputError(t("record.future_date", day=day.isoformat()))
    return day
