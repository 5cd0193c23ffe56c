"""Load-test records: the evidence behind the VMS5 "load tests and SLA confirmed" gate.

``parasol-gitops perf record [PATH] --summary k6-summary.json`` reads a k6 end-of-test summary and writes one YAML
record per run to ``perf/runs/<date>-<service>.yaml``::

    date: '2026-11-30'
    service: orders
    environment: staging        # optional (--environment)
    profile: expected           # expected | capacity (the 10x run), from the summary when the script says so
    passed: true                # every threshold of the run passed
    thresholds:                 # "<metric> <expression>": passed?
      http_req_duration p(95)<1000: true
    p95_ms: 412.5               # measured, when the summary has them
    error_rate: 0.002
    rps: 99.1

Both summary shapes k6 writes are read: the ``handleSummary`` data (``metrics.<m>.thresholds.<expr>.ok``; the
generated ``tests/performance`` scripts write it as ``k6-summary.json`` and add the service name) and the legacy
``--summary-export`` file (``metrics.<m>.thresholds.<expr>`` is a boolean that is *true when the threshold failed*,
k6's documented quirk). A file that is neither, or has no threshold at all, is refused (exit 2): a run without
thresholds proves nothing.

Gate (per service of the repository): *passed* when each has a record at most ``MAX_AGE_DAYS`` old and the newest
such record passed all its thresholds; *failed* when the newest recent record of some service failed; otherwise
*pending* (never "passed" without evidence).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import records, yamlio
from .errors import InputError, SpecError
from .fsutil import write_files
from .messages import t
from .names import is_dns1123_label
from .scaffold import ANSWERS_FILE

RUNS_DIR = "perf/runs"
MAX_AGE_DAYS = 30
PROFILES = ("expected", "capacity")


@dataclass(frozen=True)
class Run:
    file: str
    date: dt.date
    service: str
    passed: bool


def _threshold_results(metrics: dict[str, Any], source: str) -> dict[str, bool]:
    results: dict[str, bool] = {}
    for metric in sorted(metrics):
        m = metrics[metric]
        if not isinstance(m, dict):
            raise InputError(t("perf.not_summary", path=source, why=f"metrics.{metric} is not an object"))
        th = m.get("thresholds") or {}
        if not isinstance(th, dict):
            raise InputError(t("perf.not_summary", path=source, why=f"metrics.{metric}.thresholds is not an object"))
        for expr in sorted(th):
            value = th[expr]
            if isinstance(value, dict) and isinstance(value.get("ok"), bool):
                ok = value["ok"]  # handleSummary data
            elif isinstance(value, bool):
                ok = not value  # --summary-export: true means the threshold FAILED
            else:
                raise InputError(t("perf.not_summary", path=source,
                                   why=f"metrics.{metric}.thresholds.{expr} is neither {{ok: bool}} nor a boolean"))
            results[f"{metric} {expr}"] = ok
    return results


def _measured(metrics: dict[str, Any], metric: str, key: str) -> float | None:
    m = metrics.get(metric)
    if not isinstance(m, dict):
        return None
    values: dict[str, Any] = m["values"] if isinstance(m.get("values"), dict) else m
    legacy = {"rate": "value"} if metric == "http_req_failed" and "values" not in m else {}
    value = values.get(legacy.get(key, key))
    return round(float(value), 3) if isinstance(value, int | float) and not isinstance(value, bool) else None


def parse_summary(path: Path) -> dict[str, Any]:
    """The facts of one k6 summary file (service hint, profile, thresholds, measurements); bad input → InputError."""
    source = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(t("perf.no_file", path=source)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(t("perf.not_summary", path=source, why=str(exc).splitlines()[0])) from None
    if not isinstance(data, dict) or not isinstance(data.get("metrics"), dict):
        raise InputError(t("perf.not_summary", path=source, why="no 'metrics' object"))
    metrics = data["metrics"]
    thresholds = _threshold_results(metrics, source)
    if not thresholds:
        raise InputError(t("perf.no_thresholds", path=source))
    hint: dict[str, Any] = data["parasol_gitops"] if isinstance(data.get("parasol_gitops"), dict) else {}
    profile = str(hint.get("profile") or "expected")
    return {
        "service": str(hint["service"]) if hint.get("service") else None,
        "profile": profile if profile in PROFILES else "expected",
        "thresholds": thresholds,
        "p95_ms": _measured(metrics, "http_req_duration", "p(95)"),
        "error_rate": _measured(metrics, "http_req_failed", "rate"),
        "rps": _measured(metrics, "http_reqs", "rate"),
    }


def _known_services(root: Path) -> list[str] | None:
    try:
        answers = yamlio.load_data_file(root / ANSWERS_FILE, display=ANSWERS_FILE)
    except SpecError:
        return None
    services = answers.get("services") if isinstance(answers, dict) else None
    if not isinstance(services, list):
        return None
    return [str(s["name"]) for s in services if isinstance(s, dict) and s.get("name")]


def record(root: Path, summary: Path, *, service: str | None = None, environment: str | None = None,
           date: str | None = None, today: dt.date | None = None) -> Path:
    """Validate everything, then write the record atomically (nothing is written on bad input)."""
    from .repo import require_gitops_repo

    require_gitops_repo(root)  # the same test as ``dr record``: evidence written elsewhere is read by nobody
    facts = parse_summary(summary)
    name = service or facts["service"]
    if not name:
        raise InputError(t("perf.no_service", path=str(summary)))
    if not is_dns1123_label(name):
        raise InputError(t("perf.bad_name", option="--service", value=name))
    known = _known_services(root)
    if known is not None and name not in known:
        raise InputError(t("perf.unknown_service", service=name, services=", ".join(known)))
    if environment is not None and not is_dns1123_label(environment):
        raise InputError(t("perf.bad_name", option="--environment", value=environment))
    day = records.parse_date(date, today or dt.datetime.now(dt.UTC).date())
    data: dict[str, Any] = {"date": day.isoformat(), "service": name}
    if environment:
        data["environment"] = environment
    data["profile"] = facts["profile"]
    data["passed"] = all(facts["thresholds"].values())
    data["thresholds"] = facts["thresholds"]
    for key in ("p95_ms", "error_rate", "rps"):
        if facts[key] is not None:
            data[key] = facts[key]
    text = records.text("Load-test record (parasol-gitops perf record): evidence for the VMS5 performance gate.",
                        data)
    base = f"{RUNS_DIR}/{day.isoformat()}-{name}"
    rel = f"{base}.yaml"
    n = 1
    # Several runs a day keep their own files; the same run recorded twice is the same file, unchanged.
    while (root / rel).is_file() and (root / rel).read_text(encoding="utf-8") != text:
        n += 1
        rel = f"{base}-{n}.yaml"
    write_files(root, {rel: text})
    return root / rel


def load(root: Path) -> tuple[list[Run], list[str]]:
    runs, invalid = records.load(root, RUNS_DIR, _run)
    # same day: <date>-<service>.yaml, then -2, -3 … (shorter name first, so -10 comes after -9)
    runs.sort(key=lambda r: (r.date, len(r.file), r.file))
    return runs, invalid


def _run(rel: str, data: Any) -> Run:
    thresholds = data["thresholds"]
    if not isinstance(thresholds, dict) or not thresholds or not isinstance(data["passed"], bool):
        raise ValueError(rel)
    # a record is only as good as its thresholds: "passed" must agree with them
    passed = data["passed"] and all(v is True for v in thresholds.values())
    return Run(rel, records.date_of(data), str(data["service"]), passed)


@dataclass(frozen=True)
class PerfGate:
    status: str  # passed | failed | pending
    value: str
    reason: str


def gate(root: Path, services: list[str], *, today: dt.date) -> PerfGate:
    runs, invalid = load(root)
    recent = [r for r in runs if 0 <= (today - r.date).days <= MAX_AGE_DAYS]
    latest = {r.service: r for r in recent}  # sorted by date: the newest wins
    ok = [s for s in services if s in latest and latest[s].passed]
    failed = [s for s in services if s in latest and not latest[s].passed]
    missing = [s for s in services if s not in latest]
    value = f"{len(ok)}/{len(services)}"
    extra = t("perf.unreadable", n=len(invalid), files=", ".join(invalid)) if invalid else ""
    if failed:
        return PerfGate("failed", value, t("perf.gate.failed", names=", ".join(failed),
                                           files=", ".join(latest[s].file for s in failed)) + extra)
    if missing or not services:
        return PerfGate("pending", value, t("perf.gate.pending", names=", ".join(missing) or "-",
                                            folder=RUNS_DIR, days=MAX_AGE_DAYS) + extra)
    return PerfGate("passed", value, t("perf.gate.passed", n=len(ok), days=MAX_AGE_DAYS) + extra)
