"""``parasol-gitops status vms5``: milestone readiness of a GitOps repository."""

from __future__ import annotations

from pathlib import Path

import click

from ..validate.engine import DEFAULT_KUBE_VERSION


@click.group("status")
def status() -> None:
    """Milestone readiness reports."""


@status.command("vms5")
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text", show_default=True,
              help="markdown also writes the report into the repository (docs/vms5-report.md; "
                   "outputs/7-platform/vms5-report.md inside a Parasol project).")
@click.option("--schema-location", "schema_locations", multiple=True, metavar="LOC",
              help="As for validate: JSON schemas for custom resources.")
@click.option("--kube-version", default=DEFAULT_KUBE_VERSION, show_default=True)
@click.option("--fail-under", type=click.IntRange(0, 100), default=None,
              help="Exit 1 when the score is below this value (for CI).")
def vms5(path: Path, fmt: str, schema_locations: tuple[str, ...], kube_version: str, fail_under: int | None) -> None:
    """VMS5 quality gates, the three checklists, the 0-100 score and next actions.

    Inside a Parasol project (PATH is the project root or a folder below it) the grade is of outputs/7-platform.
    """
    from .. import vms5 as model
    from ..errors import CheckFailed
    from ..fsutil import write_files
    from ..messages import t
    from ..validate import engine
    from ..validate.parasol_report import grading_target

    path, parasol = grading_target(path)
    ctx = click.get_current_context()
    if parasol is not None and not (ctx.find_root().obj or {}).get("lang_explicit"):
        from .. import messages

        messages.set_language(parasol.language)
    result = engine.run(path, schema_locations=list(schema_locations), kube_version=kube_version)
    report = model.evaluate(result)
    if fmt == "json":
        click.echo(report.to_json(), nl=False)
    elif fmt == "markdown":
        text = model.as_markdown(report)
        click.echo(text, nl=False)
        target = model.report_path(path.resolve(), parasol_platform=parasol is not None)
        write_files(target.parent, {target.name: text})
        click.echo(t("written", path=target), err=True)
    else:
        click.echo(model.as_text(report), nl=False)
    if fail_under is not None and report.score < fail_under:
        raise CheckFailed(t("vms5.below", score=report.score, minimum=fail_under))
