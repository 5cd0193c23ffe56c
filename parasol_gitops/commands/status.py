"""``parasol-gitops status vms5``: milestone readiness of a GitOps repository."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("status")
def status() -> None:
    """Milestone readiness reports."""


@status.command("vms5")
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="markdown also writes the report into the repository (docs/vms5-report.md).")
@click.option("--schema-location", "schema_locations", multiple=True, metavar="LOC",
              help="As for validate: JSON schemas for custom resources.")
@click.option("--kube-version", default="1.31.0", show_default=True)
@click.option("--fail-under", type=click.IntRange(0, 100), default=None,
              help="Exit 1 when the score is below this value (for CI).")
def vms5(path: Path, fmt: str, schema_locations: tuple[str, ...], kube_version: str, fail_under: int | None) -> None:
    """VMS5 quality gates, the three checklists, the 0-100 score and next actions."""
    from .. import vms5 as model
    from ..errors import CheckFailed
    from ..fsutil import write_files
    from ..messages import t
    from ..validate import engine

    result = engine.run(path, schema_locations=list(schema_locations), kube_version=kube_version)
    report = model.evaluate(result)
    if fmt == "json":
        click.echo(report.to_json(), nl=False)
    elif fmt == "markdown":
        text = model.as_markdown(report)
        click.echo(text, nl=False)
        for target in model.report_paths(path.resolve()):
            write_files(target.parent, {target.name: text})
            click.echo(t("written", path=target), err=True)
    else:
        click.echo(model.as_text(report), nl=False)
    if fail_under is not None and report.score < fail_under:
        raise CheckFailed(t("vms5.below", score=report.score, minimum=fail_under))
