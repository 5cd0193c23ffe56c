"""``parasol-gitops validate``: parse options, run the validation, print the report, set the exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..validate.engine import DEFAULT_KUBE_VERSION


@click.command("validate")
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--schema-location", "schema_locations", multiple=True, metavar="LOC",
              help="Folder, URL or kubeconform-style template "
                   "({{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json) holding JSON schemas for custom "
                   "resources. Repeatable.")
@click.option("--kube-version", default=DEFAULT_KUBE_VERSION, show_default=True,
              help="Kubernetes version of the core schemas.")
@click.option("--quiet", is_flag=True, help="No progress on stderr.")
@click.option("--changed", "changed", is_flag=False, flag_value="", default=None, metavar="[REF]",
              help="Validate only what the diff against REF can affect (default REF: the merge base with the "
                   "default branch); says which folders it skipped. Write --changed=REF.")
def validate(path: Path, fmt: str, schema_locations: tuple[str, ...], kube_version: str, quiet: bool,
             changed: str | None) -> None:
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

    scope = None
    if changed is not None:
        from ..validate.changed import scope_for

        if not path.is_dir():
            from ..errors import InputError

            raise InputError(t("validate.input.not_folder", path=path))
        if changed and str(path) == "." and Path(changed).is_dir() and not _is_ref(Path(changed), changed):
            # `validate --changed DIR`: click gave the folder to --changed; a folder that is no ref is the PATH
            path, changed = Path(changed), ""
        scope = scope_for(path, changed or None)
    result = engine.run(path, schema_locations=list(schema_locations), kube_version=kube_version, progress=progress,
                        scope=scope)
    if scope is not None and fmt != "json":
        click.echo(_scope_text(scope))
    click.echo(report.as_json(result) if fmt == "json" else report.as_text(result), nl=False)
    if parasol is not None:
        from ..validate.parasol_report import write_validation_report

        written = write_validation_report(parasol, result)
        click.echo(t("written", path=written), err=True)
    if result.errors:
        raise CheckFailed("")  # the summary line is the result: already on stdout, not repeated on stderr
    sys.stdout.flush()


def _scope_text(scope: object) -> str:
    from ..messages import t

    skipped = sorted(getattr(scope, "skipped", [])) + sorted(getattr(scope, "skipped_charts", []))
    shown = ", ".join(skipped[:8]) + (f" … (+{len(skipped) - 8})" if len(skipped) > 8 else "")
    lines = [t("validate.changed.scope", ref=getattr(scope, "ref", ""), files=len(getattr(scope, "changed", [])),
               built=len(getattr(scope, "affected", ())), skipped=len(skipped))]
    if skipped:
        lines.append(t("validate.changed.skipped", folders=shown))
    not_judged = scope.not_judged() if hasattr(scope, "not_judged") else []
    if not_judged:
        lines.append(t("validate.changed.not_judged", checks=", ".join(not_judged)))
    return "\n".join(lines) + "\n"


def _is_ref(cwd: Path, ref: str) -> bool:
    from .. import git

    return git.run(cwd, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False).returncode == 0
