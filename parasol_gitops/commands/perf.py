"""``parasol-gitops perf record``: record a k6 load-test run (its summary JSON) as evidence for VMS5."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("perf")
def perf() -> None:
    """Load tests: evidence for the VMS5 performance gate."""


@perf.command("record")
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--summary", "summary", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="k6 summary JSON (handleSummary output such as k6-summary.json, or --summary-export).")
@click.option("--service", default=None, help="Service the run tested (default: named in the summary).")
@click.option("--environment", default=None, help="Environment the run tested (recorded as is).")
@click.option("--date", "date", default=None, help="When the run happened (ISO date/time, default: today, UTC).")
def record(path: Path, summary: Path, service: str | None, environment: str | None, date: str | None) -> None:
    """Write perf/runs/<date>-<service>.yaml (thresholds passed?, p95, error rate, request rate)."""
    from .. import perf as perf_records
    from ..messages import t

    written = perf_records.record(path, summary, service=service, environment=environment, date=date)
    click.echo(t("written", path=written))
