"""``parasol-gitops changes``: the services a change must run, as a GitHub matrix or JSON.
Logic in :mod:`parasol_gitops.pipeline.changes`."""

from __future__ import annotations

import click


@click.command("changes")
@click.option("--spec", "spec", default="pipeline.yaml", show_default=True, metavar="FILE", help="Pipeline spec.")
@click.option("--base", "base", default="", metavar="SHA", help="Commit to compare with (empty or zeros: everything).")
@click.option("--head", "head", required=True, metavar="SHA", help="Commit being built.")
@click.option("--event", "event", default="", metavar="NAME",
              help="CI event; workflow_dispatch and schedule run every service.")
@click.option("--ref-type", "ref_type", default="", metavar="branch|tag", help="A tag runs every service.")
@click.option("--format", "fmt", type=click.Choice(["github", "json"]), default="github", show_default=True,
              help="github: services=<matrix> and any=true|false appended to $GITHUB_OUTPUT; "
                   "json: the matrix on stdout.")
def changes(spec: str, base: str, head: str, event: str, ref_type: str, fmt: str) -> None:
    """Select the services whose paths (or a shared path) changed between BASE and HEAD.

    Exit codes: 0 success (also when nothing changed), 2 bad input.
    """
    import json
    import os

    from ..errors import InputError
    from ..messages import t
    from ..pipeline import changes as logic
    from ..pipeline import runtime

    data = runtime.load(spec)
    selection = logic.select(data, base=base, head=head, event=event, ref_type=ref_type)
    matrix = json.dumps(selection.services, separators=(",", ":"), sort_keys=True)
    names = ", ".join(s["name"] for s in selection.services) or t("ci.changes.none")
    if selection.reason:
        summary = t("ci.changes.everything", reason=selection.reason, services=names)
    else:
        summary = t("ci.changes.summary", count=len(selection.changed_files), services=names)
    if fmt == "json":
        click.echo(matrix)
        click.echo(summary, err=True)
        return
    if not os.environ.get("GITHUB_OUTPUT"):
        raise InputError(t("ci.changes.no_output"))
    runtime.write_outputs(runtime.output_file(None), {
        "services": matrix, "any": "true" if selection.services else "false"})
    click.echo(summary)
