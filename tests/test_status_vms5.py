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
    assert len(data["gates"]) == 6 and len(data["items"]) == 12
    assert data["score"] == round(100 * (8 * passed + 5 * met) / (8 * 6 + 5 * 12))
    # the hand-built repository has no pipeline.yaml, docs, drills or load tests: those gates fail or stay pending
    assert gates(data) == {"iac": "passed", "deployment_automation": "failed", "monitoring_coverage": "passed",
                           "security_scan": "failed", "dr_drill": "pending", "performance": "pending"}
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
                           "security_scan": "passed", "dr_drill": "pending", "performance": "pending"}
    assert all(items(data).values()), data["items"]  # every checklist item is met by the template
    before = data["score"]
    assert before == round(100 * (100 - 8) / 108)  # everything but the drill and the load tests (6 gates × 8)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    res = run_cli("dr", "record", str(repo), "--backup", "daily-restore-test", "--result", "succeeded",
                  "--rto-minutes", "45", "--rpo-minutes", "30", "--date", today)
    assert res.exit_code == 0, res.stderr
    after = status(repo)
    assert gates(after)["dr_drill"] == "passed"
    assert after["score"] == round(100 * 100 / 108)
    from test_platform_perf import GOOD, summary

    for svc in data["graph"]["services"] if "graph" in data else ("catalog", "orders", "storefront"):
        file = tmp_path / f"{svc}-k6.json"
        file.write_text(json.dumps(summary(GOOD, service=svc)), encoding="utf-8")
        res = run_cli("perf", "record", str(repo), "--summary", str(file), "--date", today)
        assert res.exit_code == 0, res.stderr
    done = status(repo)
    assert gates(done)["performance"] == "passed" and done["score"] == 100


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


def test_inside_a_parasol_project_the_platform_is_graded(tmp_path: Path) -> None:
    """Issue 13.1: from the project root (or outputs/, outputs/4-architecture) status grades outputs/7-platform,
    and the markdown report goes to outputs/7-platform/vms5-report.md only."""
    find_tool("kubectl")
    project = tmp_path / "proj"
    (project / "outputs/4-architecture").mkdir(parents=True)
    (project / "parasol.yaml").write_text("project:\n  name: demo\nsettings:\n  language: en\n", encoding="utf-8")
    platform = write_repo(project / "outputs/7-platform", envs=("dev", "production"))
    direct = status(platform)
    for where in (project, project / "outputs", project / "outputs/4-architecture"):
        assert status(where) == direct
    res = run_cli("status", "vms5", "--format", "markdown", "--schema-location", str(CRD_SCHEMAS), cwd=project)
    assert res.exit_code == 0, res.stderr
    assert (platform / "vms5-report.md").read_text(encoding="utf-8") == res.stdout
    assert not (project / "vms5-report.md").exists() and not (project / "docs").exists()
    assert "no root Application" not in res.stdout


def test_inside_a_parasol_project_without_a_platform_is_exit_2(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "outputs").mkdir(parents=True)
    (project / "parasol.yaml").write_text("project:\n  name: demo\n", encoding="utf-8")
    res = run_cli("status", "vms5", str(project))
    assert res.exit_code == 2 and "parasol-gitops platform" in res.stderr
    assert not list(project.rglob("vms5-report.md"))


# ---- issue 13.2: gates measure what Argo CD syncs; a check that cannot run is "not measured" -----------------
def _gate(data: dict[str, Any], gate_id: str) -> dict[str, Any]:
    return next(g for g in data["gates"] if g["id"] == gate_id)


@pytest.mark.parametrize("answers", [{"layout": "parasol"}, {"packaging": "helm"}, {"layout": "parasol",
                                                                                     "packaging": "helm"}],
                         ids=["kustomize-with-undeployed-chart-views", "helm", "parasol-helm"])
def test_removing_one_deployed_servicemonitor_lowers_monitoring(tmp_path: Path, answers: dict[str, str]) -> None:
    """The Parasol layout also renders kubernetes/helm/<svc> charts (views no Application syncs) that carry a
    ServiceMonitor each: they must not stand in for the deployed one that was removed."""
    find_tool("kubectl")
    from parasol_gitops import scaffold

    repo = tmp_path / "repo"
    scaffold.copy(repo, answers)
    assert _gate(status(repo), "monitoring_coverage")["value"] == "100 %"
    if answers.get("packaging") == "helm":
        chart_root = "kubernetes/helm" if answers.get("layout") == "parasol" else "helm"
        (repo / chart_root / "orders/templates/servicemonitor.yaml").unlink()
    else:
        edit_yaml(repo / "services/orders/base/kustomization.yaml",
                  lambda d: d[0]["resources"].remove("servicemonitor.yaml"))
    mon = _gate(status(repo), "monitoring_coverage")
    assert mon["value"] != "100 %" and mon["status"] == "failed", mon
    assert "orders" in mon["reason"]


def test_hidden_renderer_makes_the_gate_not_measured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    find_tool("kubectl")
    import sys

    from parasol_gitops import scaffold

    repo = tmp_path / "repo"
    scaffold.copy(repo, {"packaging": "helm"})
    monkeypatch.setitem(sys.modules, "helm_python", None)  # `import helm_python` now raises ImportError
    data = status(repo)
    iac = _gate(data, "iac")
    assert iac["status"] == "not_measured" and iac["value"] == "not measured"
    assert "pip install helm-python-sdk" in iac["reason"] and "helm_python" in iac["reason"]
    mon = _gate(data, "monitoring_coverage")  # the deployed charts' ServiceMonitors were never seen
    assert mon["status"] == "not_measured" and "pip install helm-python-sdk" in mon["reason"]
    assert any("pip install helm-python-sdk" in a for a in data["next_actions"])
    assert not any("do not build" in a for a in data["next_actions"])  # not the wrong way any more
    text = status(repo, fmt="text")["text"]
    assert "⚪" in text and "not measured" in text


def test_monitoring_needs_logs_and_traces_of_every_service(generated: Path, tmp_path: Path) -> None:
    """Metrics, alerts and dashboards are not enough for VMS5: without the log pipeline or a service's OTLP
    endpoint the monitoring gate drops below 100 %."""
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(generated, repo)
    for env in ("dev", "staging", "production"):  # the endpoint is the environment's Collector: set per overlay
        overlay = repo / f"services/orders/overlays/{env}/kustomization.yaml"
        text = overlay.read_text(encoding="utf-8")
        overlay.write_text("\n".join(line for line in text.splitlines() if "OTEL_EXPORTER_OTLP_ENDPOINT=" not in line)
                           + "\n", encoding="utf-8")
    mon = _gate(status(repo), "monitoring_coverage")
    assert mon["status"] == "failed" and mon["value"] == "67 %" and "orders" in mon["reason"], mon

    repo2 = tmp_path / "repo2"
    shutil.copytree(generated, repo2)
    for env in ("dev", "staging", "production"):
        edit_yaml(repo2 / f"apps/{env}/kustomization.yaml", lambda d: d[0]["resources"].remove("observability.yaml"))
    mon = _gate(status(repo2), "monitoring_coverage")
    assert mon["status"] == "failed" and mon["value"] == "0 %", mon


@pytest.mark.parametrize(("environments", "production"), [
    ('[{name: dev}, {name: live}]', "live"),  # the tier the rules give the name (rules.yaml tier_by_name)
    ('[{name: dev}, {name: main, tier: production}]', "main"),  # the tier the answers declare
    ('[{name: dev}, {name: qa}]', None),  # no production tier at all
])
def test_the_production_environment_is_found_by_tier(tmp_path: Path, environments: str,
                                                     production: str | None) -> None:
    repo = tmp_path / "repo"
    res = run_cli("new", str(repo), "--defaults", "--data", "services=[{name: orders, port: 8080}]",
                  "--data", f"environments={environments}")
    assert res.exit_code == 0, res.stderr
    data = status(repo)
    (item,) = [i for i in data["items"] if i["id"] == "production_environment"]
    assert item["met"] is (production is not None), item
    if production:
        assert production in json.dumps(item, ensure_ascii=False)
