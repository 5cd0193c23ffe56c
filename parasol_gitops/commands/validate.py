"""``parasol-gitops validate``: parse options, run the validation, print the report, set the exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("validate")
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--schema-location", "schema_locations", multiple=True, metavar="LOC",
              help="Folder, URL or kubeconform-style template "
                   "({{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json) holding JSON schemas for custom "
                   "resources. Repeatable.")
@click.option("--kube-version", default="1.31.0", show_default=True, help="Kubernetes version of the core schemas.")
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
def validate(path: Path, fmt: str, schema_locations: tuple[str, ...], kube_version: str, quiet: bool) -> None:
    """Build every overlay and chart, check schemas, the Argo CD graph and production-readiness policies.

    Exit 0 when there is no error finding, 1 when there is, 2 on bad input. Inside a Parasol project,
    `validate platform` checks outputs/7-platform and writes outputs/validation-report.md.
    """
    from ..errors import CheckFailed
    from ..messages import t
    from ..validate import engine, report

    parasol = None
    if str(path) == "platform":
        from ..validate.parasol_report import parasol_target

        parasol = parasol_target(Path.cwd())
        if parasol is not None:
            path = parasol.repo
            ctx = click.get_current_context()
            if not (ctx.find_root().obj or {}).get("lang_explicit"):
                from .. import messages

                messages.set_language(parasol.language)

    def progress(done: int, total: int, rel: str) -> None:
        if not quiet and total >= 20 and (done % 25 == 0 or done == total):
            click.echo(t("validate.progress", done=done, total=total, path=rel), err=True)

    result = engine.run(path, schema_locations=list(schema_locations), kube_version=kube_version, progress=progress)
    click.echo(report.as_json(result) if fmt == "json" else report.as_text(result), nl=False)
    if parasol is not None:
        from ..validate.parasol_report import write_validation_report

        written = write_validation_report(parasol, result)
        click.echo(t("written", path=written), err=True)
    if result.errors:
        raise CheckFailed(t("validate.result.fail", **report.summary(result)))
    sys.stdout.flush()
