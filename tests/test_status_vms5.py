"""`parasol-gitops status vms5` on hand-built repositories and on a freshly generated default repository."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import CRD_SCHEMAS, find_tool, run_cli
from repo_builders import edit_yaml, write_repo

from parasol_gitops import vms5


def status(repo: Path, *extra: str, fmt: str = "json") -> dict[str, Any]:
    res = run_cli("status", "vms5", str(repo), "--format", fmt, "--schema-location", str(CRD_SCHEMAS), *extra)
    assert res.exit_code == 0, res.stderr
    return json.loads(res.stdout) if fmt == "json" else {"text": res.stdout, "stderr": res.stderr}


def gates(data: dict[str, Any]) -> dict[str, str]:
    return {g["id"]: g["status"] for g in data["gates"]}


def items(data: dict[str, Any]) -> dict[str, bool]:
    return {i["id"]: i["met"] for i in data["items"]}


@pytest.mark.parametrize(("score", "band"), [(100, "🟢"), (90, "🟢"), (89, "🟡"), (70, "🟡"), (69, "🟠"),
                                             (50, "🟠"), (49, "🔴"), (0, "🔴")])
def test_bands(score: int, band: str) -> None:
    assert vms5.band(score) == band


def test_score_is_the_sum_of_gate_and_item_points(tmp_path: Path) -> None:
    find_tool("kubectl")
    data = status(write_repo(tmp_path / "r", envs=("dev", "production")))
    passed = sum(s == "passed" for s in gates(data).values())
    met = sum(items(data).values())
    assert data["score"] == 8 * passed + 5 * met
    assert len(data["gates"]) == 5 and len(data["items"]) == 12
    # the hand-built repository has no pipeline.yaml, docs or drills: those gates fail or stay pending
    assert gates(data) == {"iac": "passed", "deployment_automation": "failed", "monitoring_coverage": "passed",
                           "security_scan": "failed", "dr_drill": "pending"}
    assert items(data)["autoscaling"] and items(data)["network_security"] and not items(data)["runbooks"]
    # an action per cause of an unmet gate or item; gates and items failing for one cause share its action
    unmet = sum(s != "passed" for s in gates(data).values()) + sum(not m for m in items(data).values())
    assert 0 < len(data["next_actions"]) <= unmet and len(set(data["next_actions"])) == len(data["next_actions"])
    assert any("pipeline.yaml" in a for a in data["next_actions"])  # the cause: there is no pipeline.yaml


def test_monitoring_gate_uses_the_95_percent_formula(tmp_path: Path) -> None:
    find_tool("kubectl")
    repo = write_repo(tmp_path / "r", services=[f"s{i:02d}" for i in range(20)], envs=("dev",))
    assert gates(status(repo))["monitoring_coverage"] == "passed"  # 20/20
    edit_yaml(repo / "services/s07/base/kustomization.yaml", lambda d: d[0]["resources"].remove("servicemonitor.yaml"))
    data = status(repo)
    mon = next(g for g in data["gates"] if g["id"] == "monitoring_coverage")
    assert mon["value"] == "95 %" and mon["status"] == "passed"  # 19/20 = 95 %
    edit_yaml(repo / "services/s08/base/kustomization.yaml", lambda d: d[0]["resources"].remove("servicemonitor.yaml"))
    mon = next(g for g in status(repo)["gates"] if g["id"] == "monitoring_coverage")
    assert mon["value"] == "90 %" and mon["status"] == "failed" and "s07, s08" in mon["reason"]


def test_fail_under_exits_1(tmp_path: Path) -> None:
    find_tool("kubectl")
    repo = write_repo(tmp_path / "r", envs=("dev",))
    res = run_cli("status", "vms5", str(repo), "--fail-under", "95")
    assert res.exit_code == 1 and "below 95" in res.stderr


# ---- the freshly generated default repository ------------------------------------------------------------
@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    find_tool("kubectl")
    from parasol_gitops import scaffold

    dest = tmp_path_factory.mktemp("gen") / "repo"
    scaffold.copy(dest)
    return dest


def test_generated_default_repository_validates_clean(generated: Path) -> None:
    res = run_cli("validate", str(generated), "--format", "json", "--schema-location", str(CRD_SCHEMAS))
    data = json.loads(res.stdout)
    assert res.exit_code == 0, [f for f in data["findings"] if f["severity"] != "info"]
    assert [f for f in data["findings"] if f["severity"] != "info"] == []
    assert data["stats"]["schema_skipped"] == 0 and data["stats"]["build_failures"] == 0
    assert data["graph"]["roots"] and data["graph"]["services"]
    assert len(data["graph"]["deployed"]) == len(data["graph"]["services"]) * len(data["graph"]["environments"])


def test_generated_repository_passes_gates_and_dr_waits_for_a_drill(generated: Path, tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(generated, repo)
    data = status(repo)
    assert gates(data) == {"iac": "passed", "deployment_automation": "passed", "monitoring_coverage": "passed",
                           "security_scan": "passed", "dr_drill": "pending"}
    assert all(items(data).values()), data["items"]  # every checklist item is met by the template
    before = data["score"]
    assert before == 100 - 8  # everything but the drill
    today = dt.datetime.now(dt.UTC).date().isoformat()
    res = run_cli("dr", "record", str(repo), "--backup", "daily-restore-test", "--result", "succeeded",
                  "--rto-minutes", "45", "--rpo-minutes", "30", "--date", today)
    assert res.exit_code == 0, res.stderr
    after = status(repo)
    assert gates(after)["dr_drill"] == "passed"
    assert after["score"] == before + 8 == 100


def test_markdown_writes_the_report_into_the_repository(generated: Path, tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(generated, repo)
    out = status(repo, fmt="markdown")
    report = repo / "docs/vms5-report.md"
    assert report.read_text(encoding="utf-8") == out["text"]
    assert out["text"].startswith("# VMS5 readiness: ") and "| ✅ | Infrastructure as code |" in out["text"]
    assert "## Next actions" in out["text"] and "dr record" in out["text"]
    ja = run_cli("--lang", "ja", "status", "vms5", str(repo), "--schema-location", str(CRD_SCHEMAS))
    assert "品質ゲート" in ja.stdout and "DR 訓練" in ja.stdout


def test_pipeline_drift_and_invalid_pipeline_are_errors(generated: Path, tmp_path: Path) -> None:
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(generated, repo)
    ci_files = sorted(p for p in (repo / ".github/workflows").glob("*.yml")) + \
        ([repo / ".gitlab-ci.yml"] if (repo / ".gitlab-ci.yml").is_file() else [])
    assert ci_files
    ci_files[0].write_text(ci_files[0].read_text(encoding="utf-8") + "# hand edit\n", encoding="utf-8")
    res = run_cli("validate", str(repo), "--format", "json", "--schema-location", str(CRD_SCHEMAS))
    drift = [f for f in json.loads(res.stdout)["findings"] if f["id"] == "PGO-PIPELINE-DRIFT"]
    assert res.exit_code == 1 and [f["where"] for f in drift] == [ci_files[0].relative_to(repo).as_posix()]
    assert gates(status(repo))["security_scan"] == "failed"  # the scan evidence needs CI in sync
    spec = repo / "pipeline.yaml"
    spec.write_text(spec.read_text(encoding="utf-8") + "unknown_key: 1\n", encoding="utf-8")
    res = run_cli("validate", str(repo), "--format", "json", "--schema-location", str(CRD_SCHEMAS))
    assert res.exit_code == 1
    assert "PGO-PIPELINE-SPEC" in {f["id"] for f in json.loads(res.stdout)["findings"]}
