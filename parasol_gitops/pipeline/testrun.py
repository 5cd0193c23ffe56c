"""Running a :class:`~.testplan.Plan`: each command with ``sh -c`` in the service's path, output streamed to
the job log, the first failure stops the run; then the coverage gate. Also the post-deploy smoke test.

Commands come from the spec or the detector and reach the shell only as the argument of ``sh -c``:
never through a generated YAML script.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ..errors import CheckFailed
from ..messages import t
from .spectypes import Environment, Service
from .testplan import Plan, Step

Echo = Callable[[str], None]
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*%?")


def _env(extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **extra}


def _flush() -> None:
    # A child writes straight to the inherited descriptors: what we printed must be out first.
    sys.stdout.flush()
    sys.stderr.flush()


def run_plan(plan: Plan, root: Path, threshold: float, echo: Echo, *, dry_run: bool = False) -> float | None:
    """Run the plan; the measured coverage (None when not measured). Raises CheckFailed on the first failure."""
    folder = root / plan.path
    echo(t("ci.test.plan", service=plan.service, path=plan.path, source=plan.source))
    for name, reason in plan.skipped.items():
        echo(t("ci.test.skipped", step=name, reason=reason))
    for name, why in plan.absent.items():
        echo(t("ci.test.absent", step=name, why=why))
    if dry_run:
        for step in plan.steps:
            echo(f"  {step.name}: {step.command or step.report}")
        echo(t("ci.test.dry_run"))
        return None
    if not folder.is_dir():
        raise CheckFailed(t("ci.test.no_path", service=plan.service, path=plan.path))
    env = _env({"SERVICE": plan.service, "SERVICE_PATH": plan.path})
    coverage: float | None = None
    coverage_step: Step | None = None
    for step in plan.steps:
        if step.name == "coverage":
            coverage_step = step
            continue
        _run_step(plan, step, folder, env, echo)
    if coverage_step is not None:
        coverage = _measure(plan, coverage_step, folder, env, echo)
    if coverage is None:
        if "coverage" not in plan.skipped and "coverage" not in plan.absent:
            echo(t("ci.test.coverage_not_measured", why=t("ci.test.no_coverage_step")))
        return None
    echo(t("ci.test.coverage", total=f"{coverage:.1f}", threshold=_pct(threshold)))
    if coverage + 1e-9 < threshold:
        raise CheckFailed(t("ci.test.coverage_low", service=plan.service, total=f"{coverage:.1f}",
                            threshold=_pct(threshold)))
    return coverage


def _pct(value: float) -> str:
    return f"{value:g}"


def _run_step(plan: Plan, step: Step, folder: Path, env: dict[str, str], echo: Echo) -> None:
    echo(f"==> {step.name}: {step.command}")
    _flush()
    code = subprocess.run(["sh", "-c", step.command], cwd=folder, env=env).returncode
    if code != 0:
        raise CheckFailed(t("ci.test.step_failed", service=plan.service, step=step.name, code=code,
                            command=step.command))


def _measure(plan: Plan, step: Step, folder: Path, env: dict[str, str], echo: Echo) -> float | None:
    if step.report:
        report = folder / step.report
        if not report.is_file():
            echo(t("ci.test.coverage_not_measured", why=t("ci.test.no_report", report=step.report)))
            return None
        value = read_report(report, step.report_kind)
        if value is None:
            raise CheckFailed(t("ci.test.bad_report", service=plan.service, report=step.report))
        return value
    echo(f"==> coverage: {step.command}")
    _flush()
    proc = subprocess.run(["sh", "-c", step.command], cwd=folder, env=env, stdout=subprocess.PIPE, text=True)
    echo(proc.stdout.rstrip("\n"))
    if proc.returncode != 0:
        raise CheckFailed(t("ci.test.step_failed", service=plan.service, step="coverage", code=proc.returncode,
                            command=step.command))
    value = parse_total(proc.stdout)
    if value is None:
        raise CheckFailed(t("ci.test.no_total", service=plan.service, command=step.command))
    return value


def parse_total(output: str) -> float | None:
    """The last number of the last non-empty line (``87``, ``87.5%``, ``total: (statements) 87.5%``)."""
    lines = [line for line in output.splitlines() if line.strip()]
    if not lines:
        return None
    numbers = _NUMBER.findall(lines[-1])
    return float(numbers[-1]) if numbers else None


def read_report(path: Path, kind: str) -> float | None:
    """Line coverage in percent from an Istanbul json-summary or a JaCoCo CSV report."""
    try:
        if kind == "json-summary":
            return float(json.loads(path.read_text(encoding="utf-8"))["total"]["lines"]["pct"])
        if kind == "jacoco":
            missed = covered = 0
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    missed += int(row["LINE_MISSED"])
                    covered += int(row["LINE_COVERED"])
            return 100.0 * covered / (missed + covered) if missed + covered else None
    except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError):
        return None
    return None


def run_smoke(svc: Service, env: Environment, root: Path, echo: Echo, *, attempts: int = 10,
              interval: float = 15, dry_run: bool = False) -> bool:
    """The service's smoke command after a deploy, retried while the new version rolls out.
    False (with the message printed) when no smoke command is configured."""
    command = svc.commands.get("smoke", "")
    if not command:
        echo(t("ci.smoke.none", service=svc.name))
        return False
    if dry_run:
        echo(f"  smoke: {command}")
        echo(t("ci.test.dry_run"))
        return True
    folder = root / svc.path
    url = env.service_url(svc.name)
    extra = {"SERVICE": svc.name, "ENVIRONMENT": env.name, "BASE_URL": url}
    for attempt in range(1, attempts + 1):
        echo(f"==> smoke ({attempt}/{attempts}): {command}")
        _flush()
        code = subprocess.run(["sh", "-c", command], cwd=folder if folder.is_dir() else root,
                              env=_env(extra)).returncode
        if code == 0:
            echo(t("ci.smoke.ok", service=svc.name, env=env.name))
            return True
        if attempt < attempts:
            time.sleep(interval)
    raise CheckFailed(t("ci.smoke.failed", service=svc.name, env=env.name, attempts=attempts))
