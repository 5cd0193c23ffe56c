"""Load tests and the performance gate: the generated k6 scripts parse (Node 20, ``node --check``) and their
thresholds, evaluated by running the module under Node with k6's modules stubbed, equal each service's SLO and
expected load; ``perf record`` reads both k6 summary shapes and refuses bad input; ``status vms5`` judges the
performance gate from the records."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from _platform_renders import answers, render
from conftest import find_tool, run_cli

LOADER = """
export async function resolve(specifier, context, next) {
  if (specifier === 'k6' || specifier.startsWith('k6/')) {
    const body = 'export default { get() { return { status: 200 }; } }; export function check() { return true; }';
    return { url: 'data:text/javascript,' + encodeURIComponent(body), shortCircuit: true };
  }
  return next(specifier, context);
}
"""


def k6_options(script: Path, tmp: Path, env: dict[str, str]) -> dict[str, Any]:
    """``options`` of a k6 script as k6 would compute them (k6's own modules stubbed; __ENV from ``env``)."""
    node = find_tool("node")
    module = tmp / f"{script.parent.name}-{script.stem}.mjs"
    shutil.copyfile(script, module)
    loader = tmp / "k6-loader.mjs"
    loader.write_text(LOADER, encoding="utf-8")
    code = (f"globalThis.__ENV = {json.dumps(env)};"
            f"const m = await import({json.dumps(module.as_uri())});"
            "console.log(JSON.stringify(m.options));")
    proc = subprocess.run([node, "--no-warnings", "--experimental-loader", loader.as_uri(), "--input-type=module",
                           "-e", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def _slo(svc: dict[str, Any]) -> tuple[float, int]:
    slo = svc.get("slo", 99.9)
    if isinstance(slo, dict):
        return float(slo.get("availability", 99.9)), int(slo.get("latency_p95_ms", 1000))
    return float(slo), 1000


@pytest.mark.parametrize("name", ["platform-data", "default"])
def test_k6_scripts_parse_and_their_thresholds_equal_the_slo_and_expected_load(name: str, tmp_path: Path) -> None:
    root = render(name)
    node = find_tool("node")
    scripts = sorted((root / "tests/performance").rglob("*.js"))
    assert len(scripts) == len(answers(name)["services"]) + 1
    for script in scripts:
        module = tmp_path / f"check-{script.parent.name}.mjs"
        shutil.copyfile(script, module)
        proc = subprocess.run([node, "--check", str(module)], capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, (script, proc.stderr)
    defaults = {"high": 100, "medium": 50, "low": 20}
    for svc in answers(name)["services"]:
        _, p95 = _slo(svc)
        rps = svc.get("expected_rps", defaults[svc.get("scaling", "medium")])
        own = root / "tests/performance" / svc["name"] / "load.js"
        shared = root / "tests/performance/load.js"
        for script, env in ((own, {}), (shared, {"BASE_URL": f"https://staging.example.com/{svc['name']}/"})):
            opts = k6_options(script, tmp_path, env)
            th = opts["thresholds"]
            assert th["http_req_duration"] == [f"p(95)<{p95}"], script
            assert th["http_req_failed"] == ["rate<0.01"]
            assert opts["scenarios"]["load"]["rate"] == rps and opts["scenarios"]["load"]["timeUnit"] == "1s"
            assert th["http_reqs"] == [f"rate>={int(rps * 0.95 * 100) / 100:g}"]
            assert opts["tags"]["service"] == svc["name"]
        capacity = k6_options(own, tmp_path, {"K6_PROFILE": "capacity"})
        assert capacity["scenarios"]["load"]["rate"] == 10 * rps  # the capacity plan's 10x


def summary(ok: dict[str, bool], *, service: str | None = "orders", legacy: bool = False) -> dict[str, Any]:
    """A k6 summary with one threshold per metric: handleSummary data, or the legacy --summary-export."""
    values = {"http_req_duration": {"p(95)": 412.5}, "http_req_failed": {"rate": 0.002}, "http_reqs": {"rate": 99.1}}
    exprs = {"http_req_duration": "p(95)<1000", "http_req_failed": "rate<0.01", "http_reqs": "rate>=95"}
    metrics: dict[str, Any] = {}
    for metric, expr in exprs.items():
        if legacy:  # k6's quirk: true means the threshold FAILED
            v = {"value": values[metric]["rate"]} if metric == "http_req_failed" else dict(values[metric])
            metrics[metric] = {**v, "thresholds": {expr: not ok[metric]}}
        else:
            metrics[metric] = {"type": "trend", "values": values[metric], "thresholds": {expr: {"ok": ok[metric]}}}
    data: dict[str, Any] = {"metrics": metrics}
    if service and not legacy:
        data["parasol_gitops"] = {"service": service, "profile": "expected"}
    return data


GOOD = {"http_req_duration": True, "http_req_failed": True, "http_reqs": True}
SLOW = {**GOOD, "http_req_duration": False}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(render("default"), dest)
    return dest


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


@pytest.mark.parametrize("legacy", [False, True])
def test_perf_record_reads_both_k6_summary_shapes(repo: Path, tmp_path: Path, legacy: bool) -> None:
    file = _write(tmp_path / "k6-summary.json", summary(SLOW, legacy=legacy))
    args = ["perf", "record", str(repo), "--summary", str(file), "--date", "2026-11-01", "--environment", "staging"]
    res = run_cli(*args, *(["--service", "orders"] if legacy else []))
    assert res.exit_code == 0, res.stderr
    rec = yaml.safe_load((repo / "perf/runs/2026-11-01-orders.yaml").read_text(encoding="utf-8"))
    assert rec["service"] == "orders" and rec["environment"] == "staging" and rec["passed"] is False
    assert rec["thresholds"] == {"http_req_duration p(95)<1000": False, "http_req_failed rate<0.01": True,
                                 "http_reqs rate>=95": True}
    assert rec["p95_ms"] == 412.5 and rec["error_rate"] == 0.002 and rec["rps"] == 99.1
    again = run_cli(*args, *(["--service", "orders"] if legacy else []))  # same run: same file, unchanged
    assert again.exit_code == 0 and sorted(p.name for p in (repo / "perf/runs").iterdir()) == ["2026-11-01-orders.yaml"]


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        ("{not json", [], "not a k6 summary JSON"),
        ([1, 2], [], "not a k6 summary JSON"),
        ({"metrics": {"http_reqs": {"values": {"rate": 3}}}}, [], "has no thresholds"),
        ({"metrics": {"http_reqs": {"thresholds": {"rate>1": "yes"}}}}, [], "not a k6 summary JSON"),
        (summary(GOOD, service=None), [], "add --service NAME"),
        (summary(GOOD), ["--service", "billing"], "unknown service 'billing'"),
        (summary(GOOD), ["--environment", "Prod!"], "is not a DNS-1123 label"),
        # "$" alone would accept a trailing newline: the label check is the whole-string one of names.py
        (summary(GOOD), ["--environment", "staging\n"], "is not a DNS-1123 label"),
        (summary(GOOD), ["--date", "2999-01-01"], "is in the future"),
    ],
)
def test_bad_perf_input_exits_2_with_one_line_and_writes_nothing(repo: Path, tmp_path: Path, content: Any,
                                                                 extra: list[str], message: str) -> None:
    file = _write(tmp_path / "summary.json", content)
    res = run_cli("perf", "record", str(repo), "--summary", str(file), *extra)
    assert res.exit_code == 2, res.stdout + res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], res.stderr
    assert not (repo / "perf").exists()


def test_perf_record_refuses_a_folder_that_is_not_a_gitops_repository(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    file = _write(tmp_path / "s.json", summary(GOOD))
    res = run_cli("perf", "record", str(folder), "--summary", str(file))
    assert res.exit_code == 2 and "not a GitOps repository" in res.stderr
    assert list(folder.iterdir()) == []


def _gate(repo: Path) -> dict[str, Any]:
    res = run_cli("status", "vms5", str(repo), "--format", "json")
    data = json.loads(res.stdout)
    return next(g for g in data["gates"] if g["id"] == "performance")


def test_vms5_performance_gate_is_pending_then_failed_then_passed(repo: Path, tmp_path: Path) -> None:
    today = dt.datetime.now(dt.UTC).date()
    gate = _gate(repo)
    assert gate["status"] == "pending" and gate["value"] == "0/3"
    services = [s["name"] for s in answers("default")["services"]]
    for svc in services:  # every service measured, orders too slow
        file = _write(tmp_path / f"{svc}.json", summary(SLOW if svc == "orders" else GOOD, service=svc))
        assert run_cli("perf", "record", str(repo), "--summary", str(file), "--date", str(today)).exit_code == 0
    gate = _gate(repo)
    assert gate["status"] == "failed" and "orders" in gate["reason"]
    file = _write(tmp_path / "fixed.json", summary(GOOD, service="orders"))
    assert run_cli("perf", "record", str(repo), "--summary", str(file), "--date", str(today)).exit_code == 0
    gate = _gate(repo)
    assert gate["status"] == "passed" and gate["value"] == "3/3"
    # evidence ages: records older than 30 days no longer count
    old = tmp_path / "old"
    shutil.copytree(repo, old)
    for f in (old / "perf/runs").iterdir():
        f.write_text(f.read_text(encoding="utf-8").replace(str(today), str(today - dt.timedelta(days=31))),
                     encoding="utf-8")
    assert _gate(old)["status"] == "pending"
    # a record whose "passed" contradicts its thresholds is not evidence of a pass
    forged = repo / "perf/runs" / f"{today}-orders-2.yaml"
    text = forged.read_text(encoding="utf-8")
    forged.write_text(text.replace("http_reqs rate>=95: true", "http_reqs rate>=95: false"), encoding="utf-8")
    assert _gate(repo)["status"] == "failed"


def test_help_lists_perf_and_alerts_without_heavy_imports() -> None:
    from conftest import run_cli_subprocess

    proc = run_cli_subprocess("--help")
    assert proc.returncode == 0 and "  perf " in proc.stdout and "  alerts " in proc.stdout
    assert run_cli_subprocess("perf", "record", "--help").returncode == 0
    assert "--summary" in run_cli_subprocess("perf", "record", "--help").stdout
