"""`parasol-gitops dr record` and the DR gate: evidence or "pending", never "passed" without a record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from conftest import run_cli

from parasol_gitops import drill


def test_record_writes_the_drill_file(tmp_path: Path) -> None:
    (tmp_path / ".copier-answers.yml").write_text("project_name: shop\n")  # a GitOps repository
    res = run_cli("dr", "record", str(tmp_path), "--backup", "daily-20261101", "--result", "succeeded",
                  "--rto-minutes", "42", "--rpo-minutes", "30", "--date", "2026-11-01")
    assert res.exit_code == 0, res.stderr
    f = tmp_path / "dr/drills/2026-11-01-daily-20261101.yaml"
    assert yaml.safe_load(f.read_text(encoding="utf-8")) == {
        "date": "2026-11-01", "backup": "daily-20261101", "result": "succeeded", "rto_minutes": 42, "rpo_minutes": 30}
    again = run_cli("dr", "record", str(tmp_path), "--backup", "daily-20261101", "--result", "succeeded",
                    "--rto-minutes", "42", "--rpo-minutes", "30", "--date", "2026-11-01")
    assert again.exit_code == 0  # the same record again is idempotent
    other = run_cli("dr", "record", str(tmp_path), "--backup", "daily-20261101", "--result", "failed",
                    "--rto-minutes", "42", "--rpo-minutes", "30", "--date", "2026-11-01")
    assert other.exit_code == 2 and "already records" in other.stderr
    assert yaml.safe_load(f.read_text(encoding="utf-8"))["result"] == "succeeded"


@pytest.mark.parametrize("args", [
    ["--backup", "../etc", "--result", "succeeded", "--rto-minutes", "1", "--rpo-minutes", "1"],
    ["--backup", "b", "--result", "maybe", "--rto-minutes", "1", "--rpo-minutes", "1"],
    ["--backup", "b", "--result", "succeeded", "--rto-minutes", "-1", "--rpo-minutes", "1"],
    ["--backup", "b", "--result", "succeeded", "--rto-minutes", "1", "--rpo-minutes", "1", "--date", "yesterday"],
    ["--backup", "b", "--result", "succeeded", "--rto-minutes", "1", "--rpo-minutes", "1", "--date", "2999-01-01"],
    ["--result", "succeeded", "--rto-minutes", "1", "--rpo-minutes", "1"],
])
def test_bad_records_exit_2_and_write_nothing(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / ".copier-answers.yml").write_text("project_name: shop\n")
    res = run_cli("dr", "record", str(tmp_path), *args)
    assert res.exit_code == 2
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "dr").exists()


def _rec(root: Path, day: str, result: str = "succeeded", rto: int = 30, rpo: int = 20, backup: str = "b") -> None:
    drill.record(root, backup=backup, result=result, rto_minutes=rto, rpo_minutes=rpo, date=day,
                 today=dt.date(2026, 11, 28))


TODAY = dt.date(2026, 11, 28)


def test_gate_is_pending_without_records_and_with_unreadable_ones(tmp_path: Path) -> None:
    assert drill.gate(tmp_path, today=TODAY, rto_hours=4, rpo_hours=1).status == "pending"
    (tmp_path / "dr/drills").mkdir(parents=True)
    (tmp_path / "dr/drills/2026-11-01-x.yaml").write_text("date: soon\nresult: succeeded\n", encoding="utf-8")
    gate = drill.gate(tmp_path, today=TODAY, rto_hours=4, rpo_hours=1)
    assert gate.status == "pending" and "unreadable" in gate.reason


def test_gate_passes_with_a_recent_success_within_objectives(tmp_path: Path) -> None:
    _rec(tmp_path, "2026-10-01")
    gate = drill.gate(tmp_path, today=TODAY, rto_hours=4, rpo_hours=1)
    assert gate.status == "passed" and gate.evidence is not None and gate.evidence.backup == "b"


def test_gate_is_pending_when_the_success_is_older_than_90_days(tmp_path: Path) -> None:
    _rec(tmp_path, "2026-08-29")  # 91 days before TODAY
    gate = drill.gate(tmp_path, today=TODAY, rto_hours=4, rpo_hours=1)
    assert gate.status == "pending" and "older than 90 days" in gate.reason
    _rec(tmp_path, "2026-08-30", backup="c")  # exactly 90 days: still valid
    assert drill.gate(tmp_path, today=TODAY, rto_hours=4, rpo_hours=1).status == "passed"


def test_gate_is_pending_after_a_failed_drill_or_missed_objectives(tmp_path: Path) -> None:
    _rec(tmp_path, "2026-11-20", result="failed")
    assert drill.gate(tmp_path, today=TODAY, rto_hours=4, rpo_hours=1).status == "pending"
    _rec(tmp_path, "2026-11-21", rto=300, backup="slow")  # 5 h restore against a 4 h RTO
    gate = drill.gate(tmp_path, today=TODAY, rto_hours=4, rpo_hours=1)
    assert gate.status == "pending" and "objectives" in gate.reason
    _rec(tmp_path, "2026-11-22", backup="good")
    assert drill.gate(tmp_path, today=TODAY, rto_hours=4, rpo_hours=1).status == "passed"
