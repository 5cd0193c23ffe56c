"""Alert rules proven by Prometheus itself: ``parasol-gitops alerts test`` runs ``promtool check rules`` on every
PrometheusRule and ``promtool test rules`` on the generated per-service unit tests (tests/alerts/<env>/<svc>.test.yaml),
whose breaching and healthy series derive from each service's SLO. A broken expression or threshold fails them."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
import yaml
from _platform_renders import answers, render
from conftest import run_cli


def _one_environment(src: Path, dest: Path, env: str) -> Path:
    """A copy of a rendered repository whose alert tests cover one environment (promtool runs stay short)."""
    shutil.copytree(src, dest)
    for folder in (dest / "tests/alerts").iterdir():
        if folder.name != env:
            shutil.rmtree(folder)
    return dest


@pytest.mark.parametrize("name", ["platform-data", "six-mixed-helm-ja"])
def test_generated_alert_tests_pass_promtool_for_every_service_and_environment(name: str) -> None:
    a = answers(name)
    res = run_cli("alerts", "test", str(render(name)))
    assert res.exit_code == 0, res.stdout + res.stderr
    tests = sorted((render(name) / "tests/alerts").rglob("*.test.yaml"))
    assert len(tests) == len(a["services"]) * len(a["environments"])
    assert res.stdout.count("tests ok") == len(tests)
    assert res.stdout.count("rules ok") == len(a["environments"])


def test_each_seed_and_burn_rate_alert_fires_on_breach_and_stays_silent_when_healthy() -> None:
    """The generated tests cover every alert of every service both ways, with the service's own error budget."""
    a = answers("platform-data")
    slo = {s["name"]: s.get("slo", 99.9) for s in a["services"]}
    for path in sorted((render("platform-data") / "tests/alerts").rglob("*.test.yaml")):
        svc = path.name.removesuffix(".test.yaml")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        fired: set[str] = set()
        silent: set[str] = set()
        for case in data["tests"]:
            for check in case["alert_rule_test"]:
                (fired if check["exp_alerts"] else silent).add(check["alertname"])
        alerts = {"HighErrorRate", "HighLatency", "PodRestartingTooFrequently", "SLOErrorBudgetBurnFast",
                  "SLOErrorBudgetBurnSlow"}
        assert fired == alerts and silent == alerts, path
        availability = slo[svc]["availability"] if isinstance(slo[svc], dict) else slo[svc]
        budget = (100 - availability) / 100
        assert f"error budget {round(budget, 6)}" in path.read_text(encoding="utf-8"), path
        assert data["rule_files"] == [f"../../../platform/monitoring/{path.parent.name}/prometheus-rules.yaml"]
        assert math.isclose(budget, {"ledger": 0.0005, "reports": 0.01, "portal": 0.001}[svc], rel_tol=1e-9)


@pytest.mark.parametrize(
    ("edits", "alert"),
    [
        ([("> 0.05", "> 0.5")], "HighErrorRate"),  # threshold 50 % instead of 5 %: silent on a breach
        ([("> 0.05", "> 0.0001")], "HighErrorRate"),  # threshold 0.01 %: fires on healthy traffic
        ([('code=~"5.."}[5m]))', 'code=~"4.."}[5m]))')], "HighErrorRate"),  # expression counts 4xx
        ([("[5m]))) > 1", "[5m]))) > 10")], "HighLatency"),  # p95 threshold 10 s instead of 1 s
        ([("[1h]) > 3", "[1h]) > 300")], "PodRestartingTooFrequently"),
        ([("(14.4 * 0.001)", "(14.4 * 0.01)"), ("(6 * 0.001)", "(6 * 0.01)")], "SLOErrorBudgetBurnFast"),  # budget
        ([("(1 * 0.001)", "(10 * 0.001)")], "SLOErrorBudgetBurnSlow"),  # burn-rate factor
    ],
)
def test_a_broken_expression_or_threshold_fails_the_alert_tests(tmp_path: Path, edits: list[tuple[str, str]],
                                                                alert: str) -> None:
    repo = _one_environment(render("default"), tmp_path / "repo", "production")
    rules = repo / "platform/monitoring/production/prometheus-rules.yaml"
    text = rules.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    rules.write_text(text, encoding="utf-8")
    res = run_cli("alerts", "test", str(repo))
    assert res.exit_code == 1, res.stdout
    assert f"alertname: {alert}" in res.stderr and "tests/alerts/production/" in res.stderr
    assert res.stderr.strip().splitlines()[-1].startswith("error: ")


def test_a_rule_promtool_rejects_fails_the_check(tmp_path: Path) -> None:
    repo = _one_environment(render("default"), tmp_path / "repo", "dev")
    rules = repo / "platform/monitoring/dev/prometheus-rules.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace("> 0.05", "> > 0.05", 1), encoding="utf-8")
    res = run_cli("alerts", "test", str(repo))
    assert res.exit_code == 1
    assert res.stderr.startswith("promtool check rules: ") and "parse error" in res.stderr
    assert "platform/monitoring/dev/prometheus-rules.yaml" in res.stderr


def test_no_tests_or_no_promtool_never_passes(tmp_path: Path) -> None:
    repo = _one_environment(render("one-service"), tmp_path / "repo", "dev")
    shutil.rmtree(repo / "tests/alerts")
    res = run_cli("alerts", "test", str(repo))
    assert res.exit_code == 1 and "no alert unit tests" in res.stderr
    res = run_cli("alerts", "test", str(render("one-service")), env={"PATH": str(tmp_path)})
    assert res.exit_code == 2 and "promtool not found" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
