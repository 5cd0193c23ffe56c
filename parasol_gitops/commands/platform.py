"""``parasol-gitops platform [infra|cicd|monitoring]``: Parasol phase 7 inside a Parasol project.

Parses options and prints; detection, discovery, progress and generation live in ``parasol_gitops.parasol``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import messages
from ..errors import InputError
from ..fsutil import sweep_stale
from ..messages import t
from ..parasol import PLATFORM_DIR
from ..staging import interruptible

PART_LABELS = {
    "infra": "infrastructure-design.md",
    "cicd": "cicd-pipeline.md + pipeline files",
    "monitoring": "monitoring-observability.md + monitoring manifests",
}


def _options(func: Callable[..., Any]) -> Callable[..., Any]:
    func = click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                        help="Start the parasol.yaml search here instead of the current folder.")(func)
    func = click.option("--force", is_flag=True, default=None,
                        help="Proceed although phase 6 (implementation) is incomplete (warns what is missing).")(func)
    func = click.option("--template", "src", default=None,
                        help="Template source (path or git URL); default: the bundled template.")(func)
    func = click.option("--vcs-ref", default=None, help="Template git ref (tag, branch, commit).")(func)
    return func


@click.group("platform", invoke_without_command=True)
@click.option("--plan", is_flag=True, help="Print the discovered services as a table and write nothing.")
@_options
@click.pass_context
def platform(ctx: click.Context, plan: bool, project_dir: Path | None, force: bool | None, src: str | None,
             vcs_ref: str | None) -> None:
    """Parasol phase 7: turn the services of phases 4-6 into outputs/7-platform (a GitOps repository).

    Run inside a Parasol project (parasol.yaml here, in .. or in ../..). Run again to update: hand edits in
    outputs/7-platform are committed first and kept; conflicts exit 1. Subcommands regenerate one slice.
    """
    ctx.ensure_object(dict)
    ctx.obj["platform"] = {"project_dir": project_dir, "force": force, "src": src, "vcs_ref": vcs_ref}
    if ctx.invoked_subcommand is not None:
        return
    _run(ctx, part=None, plan=plan)


def _part_command(part: str) -> click.Command:
    @click.command(part, help=f"Regenerate only {PART_LABELS[part]}; every other file stays byte-identical.")
    @_options
    @click.pass_context
    def command(ctx: click.Context, project_dir: Path | None, force: bool | None, src: str | None,
                vcs_ref: str | None) -> None:
        group = ctx.obj.get("platform", {})
        mine = {"project_dir": project_dir, "force": force, "src": src, "vcs_ref": vcs_ref}
        ctx.obj["platform"] = {k: mine[k] if mine[k] is not None else group.get(k) for k in mine}
        _run(ctx, part=part, plan=False)

    return command


for _part in ("infra", "cicd", "monitoring"):
    platform.add_command(_part_command(_part))


def _run(ctx: click.Context, *, part: str | None, plan: bool) -> None:
    from ..parasol import discovery as disc
    from ..parasol import generate as gen
    from ..parasol import progress
    from ..parasol.plan import decision_lines, plan_lines

    opts = ctx.obj["platform"]
    project = _project(ctx, opts, plan)
    found = disc.discover(project)
    spec = gen.build_spec(project, found)
    if plan:
        for line in plan_lines(found) + decision_lines(project, found):
            click.echo(line)
        return

    dest = gen.platform_dir(project)
    if part is not None:
        with progress.run_lock(project), interruptible():
            written = gen.regenerate_part(dest, spec, part, src=opts["src"], vcs_ref=opts["vcs_ref"])
        click.echo(t("parasol.partial.written", part=part, files=", ".join(written) or "-"))
        return

    with progress.run_lock(project), interruptible():
        interrupted = progress.interrupted_run(project)
        if interrupted is not None:
            click.echo(t("run.phase7_interrupted", started=interrupted), err=True)
        removed = sweep_stale(dest.parent)
        if removed:
            click.echo(t("run.interrupted_tmp", count=len(removed)), err=True)
        result, backup = progress.tracked(
            project, lambda: gen.generate(dest, spec, src=opts["src"], vcs_ref=opts["vcs_ref"]),
            lambda done: gen.artifacts(done.files))
    _print_result(result, len(spec.services), backup)


def _project(ctx: click.Context, opts: dict[str, Any], plan: bool) -> Any:
    """The Parasol project around ``--project`` (or the current folder), its language set, checked ready for
    phase 7 (``--force`` or ``--plan`` turn an unfinished phase 6 into a warning)."""
    from ..parasol import discovery as disc
    from ..parasol import progress
    from ..parasol.project import detect

    project = detect(opts["project_dir"] or Path.cwd())
    if ctx.find_root().obj.get("lang_explicit"):  # --lang first, then settings.language, the prose, the locale
        project.language, project.language_source = messages.detect_language(), "--lang"
    else:
        messages.set_language(project.language)
    click.echo(t("parasol.detected", name=project.name))
    click.echo(t("parasol.detected.dir", path=str(project.root)))
    click.echo(t("parasol.detected.outputs", path=str(project.output_dir)))
    if project.contaminated and project.cleaned is not None:
        removed = t("parasol.cleaned." + "_".join(project.cleaned.removed))
        click.echo(t("parasol.cleaned", file=project.yaml_path.name, what=removed,
                     backup=progress.backup_path(project).name), err=True)
    if not project.output_dir.is_dir():
        raise InputError(t("parasol.not_initialised", path=str(project.output_dir)))
    missing = progress.phase6_missing(project, disc.guides_present(project))
    if missing and not (opts["force"] or plan):
        raise InputError(t("parasol.phase6_incomplete", missing="; ".join(missing)))
    if missing:
        key = "parasol.force_warning" if opts["force"] else "parasol.plan_phase6_warning"
        click.echo(t(key, missing="; ".join(missing)), err=True)
    return project


def _print_result(result: Any, services: int, backup: Path | None) -> None:
    from ..parasol import generate as gen

    if result.hand_edits_committed:
        click.echo(t("parasol.hand_edits_committed", path=str(result.dest)))
    if result.mode == "created":  # a new repository: one line per top-level entry, not one per file
        for top in gen.artifacts(result.files):
            count = sum(1 for rel in result.files if rel == top or rel.startswith(top))
            click.echo(t("written", path=f"{PLATFORM_DIR}/{top}") + (f" ({count})" if top.endswith("/") else ""))
    else:
        for rel in result.changed:
            click.echo(t("written", path=f"{PLATFORM_DIR}/{rel}"))
    click.echo(t("parasol.summary.title", path=str(result.dest)))
    click.echo(t("parasol.summary.counts", services=services, files=len(result.changed),
                 unchanged=len(result.files) - len(result.changed)))
    if backup is not None:
        click.echo(t("parasol.summary.backup", path=str(backup)))
    click.echo(t("parasol.summary.next", path=str(result.dest)))
