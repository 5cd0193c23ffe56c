"""Disaster-recovery drill records: the evidence behind the VMS5 "DR drill succeeded" gate.

``parasol-gitops dr record`` writes one YAML file per drill to ``dr/drills/<date>-<backup>.yaml``::

    date: '2026-11-28'
    backup: daily-20261127
    result: succeeded          # succeeded | failed
    rto_minutes: 42            # restore time achieved
    rpo_minutes: 30            # data loss window achieved

The gate passes only with a *succeeded* record at most ``MAX_AGE_DAYS`` (90) days old whose achieved RTO/RPO
are within the repository's objectives (``rto_hours``/``rpo_hours`` of ``.copier-answers.yml`` when present);
anything else is "pending" — never "passed" without such a record.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import records
from .errors import InputError
from .fsutil import locked_update, os_errors
from .messages import t

DRILL_DIR = "dr/drills"
MAX_AGE_DAYS = 90
RESULTS = ("succeeded", "failed")
_BACKUP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,126}$")


@dataclass(frozen=True)
class Drill:
    file: str
    date: dt.date
    backup: str
    result: str
    rto_minutes: int
    rpo_minutes: int


def record(root: Path, *, backup: str, result: str, rto_minutes: int, rpo_minutes: int, date: str | None = None,
           today: dt.date | None = None) -> Path:
    """Write the record atomically; refuse to overwrite a different record of the same drill."""
    if not root.is_dir():
        raise InputError(t("dr.not_folder", path=str(root)))
    if not _BACKUP.match(backup):
        raise InputError(t("dr.bad_backup", backup=backup))
    if result not in RESULTS:
        raise InputError(t("dr.bad_result", choices=", ".join(RESULTS)))
    for name, value in (("--rto-minutes", rto_minutes), ("--rpo-minutes", rpo_minutes)):
        if value < 0:
            raise InputError(t("dr.negative", option=name))
    day = records.parse_date(date, today or dt.datetime.now(dt.UTC).date())
    data = {"date": day.isoformat(), "backup": backup, "result": result, "rto_minutes": rto_minutes,
            "rpo_minutes": rpo_minutes}
    text = records.text("Disaster-recovery drill record (parasol-gitops dr record): evidence for the VMS5 DR gate.",
                        data)
    rel = f"{DRILL_DIR}/{day.isoformat()}-{backup}.yaml"
    target = root / rel

    def change(current: bytes | None) -> bytes:
        # decided under the lock: two records of the same drill at once cannot both "win"
        if current is not None and current != text.encode("utf-8"):
            raise InputError(t("dr.conflict", path=rel))
        return text.encode("utf-8")

    with os_errors(root):
        target.parent.mkdir(parents=True, exist_ok=True)
    locked_update(target, change)
    return target


def load(root: Path) -> tuple[list[Drill], list[str]]:
    """Valid records sorted by date (newest last) and the files that are not valid records."""
    drills, invalid = records.load(root, DRILL_DIR, _drill)
    drills.sort(key=lambda d: (d.date, d.file))
    return drills, invalid


def _drill(rel: str, data: Any) -> Drill:
    drill = Drill(rel, records.date_of(data), str(data["backup"]), str(data["result"]), int(data["rto_minutes"]),
                  int(data["rpo_minutes"]))
    if drill.result not in RESULTS:
        raise ValueError(drill.result)
    return drill


@dataclass(frozen=True)
class DrGate:
    status: str  # "passed" | "pending"
    reason: str
    evidence: Drill | None


def gate(root: Path, *, today: dt.date, rto_hours: float | None, rpo_hours: float | None) -> DrGate:
    drills, invalid = load(root)
    recent = [d for d in drills if (today - d.date).days <= MAX_AGE_DAYS and d.date <= today]
    good = [d for d in recent if d.result == "succeeded"
            and (rto_hours is None or d.rto_minutes <= rto_hours * 60)
            and (rpo_hours is None or d.rpo_minutes <= rpo_hours * 60)]
    if good:
        d = good[-1]
        return DrGate("passed", t("drill.passed", file=d.file, backup=d.backup, date=d.date.isoformat(),
                                  rto=d.rto_minutes, rpo=d.rpo_minutes), d)
    if recent:
        d = recent[-1]
        key = "drill.pending.failed" if d.result == "failed" else "drill.pending.objectives"
        return DrGate("pending", t(key, file=d.file), None)
    if drills:
        return DrGate("pending", t("drill.pending.old", file=drills[-1].file, days=MAX_AGE_DAYS), None)
    extra = t("drill.unreadable", n=len(invalid), files=", ".join(invalid)) if invalid else ""
    return DrGate("pending", t("drill.pending.none", folder=DRILL_DIR) + extra, None)
