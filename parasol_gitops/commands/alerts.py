"""``parasol-gitops alerts test``: promtool check rules + promtool test rules over a GitOps repository."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("alerts")
def alerts() -> None:
    """Alert rules proven by promtool (what the generated repository's CI runs)."""


@alerts.command("test")
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))
def test(path: Path) -> None:
    """Check every PrometheusRule under platform/ and run the unit tests in tests/alerts/ (exit 1 on a failure)."""
    from .. import alerttests
    from ..errors import CheckFailed
    from ..messages import t

    report = alerttests.run(path)
    for rel in report.checked:
        click.echo(t("alerts.checked", path=rel))
    for rel in report.passed:
        click.echo(t("alerts.passed", path=rel))
    for failure in report.failures:
        click.echo(failure, err=True)
    if report.failures:
        raise CheckFailed(t("alerts.failed", n=len(report.failures)))
    if not report.passed:
        raise CheckFailed(t("alerts.no_tests", glob=alerttests.TESTS_GLOB))
    click.echo(t("alerts.ok", rules=len(report.checked), tests=len(report.passed)))
