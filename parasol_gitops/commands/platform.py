"""``parasol-gitops platform [infra|cicd|monitoring]``: Parasol phase 7 inside a Parasol project.

Parses options and prints; detection, discovery, progress and generation live in ``parasol_gitops.parasol``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .. import messages
from ..errors import InputError
from ..messages import t
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
    from ..parasol.project import detect

    opts = ctx.obj["platform"]
    project = detect(opts["project_dir"] or Path.cwd())
    if ctx.find_root().obj.get("lang_explicit"):  # --lang first, then settings.language, the prose, the locale
        project.language, project.language_source = messages.detect_language(), "--lang"
    else:
        messages.set_language(project.language)
    click.echo(t("parasol.detected", name=project.name))
    click.echo(t("parasol.detected.dir", path=str(project.root)))
    click.echo(t("parasol.detected.outputs", path=str(project.output_dir)))
    if project.contaminated and project.cleaned is not None:
        click.echo(t("parasol.cleaned", file=project.yaml_path.name, what=", ".join(project.cleaned.what),
                     backup=progress.backup_path(project).name), err=True)
    if not project.output_dir.is_dir():
        raise InputError(t("parasol.not_initialised", path=str(project.output_dir)))
    missing = _phase6_missing(project, disc.guides_present(project))
    if missing and not (opts["force"] or plan):
        raise InputError(t("parasol.phase6_incomplete", missing="; ".join(missing)))
    if missing:
        key = "parasol.force_warning" if opts["force"] else "parasol.plan_phase6_warning"
        click.echo(t(key, missing="; ".join(missing)), err=True)

    found = disc.discover(project)
    spec = gen.build_spec(project, found)
    if plan:
        _print_plan(found)
        _print_decisions(project, found)
        return

    dest = gen.platform_dir(project)
    if part is not None:
        with progress.run_lock(project), interruptible():
            written = gen.regenerate_part(dest, spec, part, src=opts["src"], vcs_ref=opts["vcs_ref"])
        click.echo(t("parasol.partial.written", part=part, files=", ".join(written) or "-"))
        return

    with progress.run_lock(project), interruptible():
        result, keep_backup, bak = _generate(project, dest, spec, opts)
    if result.hand_edits_committed:
        click.echo(t("parasol.hand_edits_committed", path=str(dest)))
    if result.mode == "created":  # a new repository: one line per top-level entry, not one per file
        for top in _artifacts(result.files):
            count = sum(1 for rel in result.files if rel == top or rel.startswith(top))
            click.echo(t("written", path=f"{gen.PLATFORM_DIR}/{top}") + (f" ({count})" if top.endswith("/") else ""))
    else:
        for rel in result.changed:
            click.echo(t("written", path=f"{gen.PLATFORM_DIR}/{rel}"))
    click.echo(t("parasol.summary.title", path=str(dest)))
    click.echo(t("parasol.summary.counts", services=len(spec.services), files=len(result.changed),
                 unchanged=len(result.files) - len(result.changed)))
    if keep_backup:
        click.echo(t("parasol.summary.backup", path=str(bak)))
    click.echo(t("parasol.summary.next", path=str(dest)))


def _generate(project: Any, dest: Path, spec: Any, opts: dict[str, Any]) -> tuple[Any, bool, Path]:
    """Generate under the run lock, with phase 7 marked in progress meanwhile and restored on any failure."""
    from ..fsutil import sweep_stale
    from ..parasol import generate as gen
    from ..parasol import progress

    interrupted = progress.interrupted_run(project)
    if interrupted is not None:
        click.echo(t("run.phase7_interrupted", started=interrupted), err=True)
    removed = sweep_stale(dest.parent)
    if removed:
        click.echo(t("run.interrupted_tmp", count=len(removed)), err=True)
    started = progress.now_iso()
    bak = progress.backup_path(project)
    previous_backup = bak.read_bytes() if bak.is_file() else None
    keep_backup = bool(project.setting("auto_backup", False)) or project.contaminated
    marked = progress.mark_started(project, started)
    progress.write(project, marked, backup=keep_backup, redo=lambda fresh: progress.mark_started(fresh, started))
    try:
        result = gen.generate(dest, spec, src=opts["src"], vcs_ref=opts["vcs_ref"])
        artifacts = _artifacts(result.files)
        done = progress.now_iso()
        progress.write(project, progress.mark_completed(project, started, done, artifacts), backup=False,
                       redo=lambda fresh: progress.mark_completed(fresh, started, done, artifacts))
    except BaseException:
        progress.restore(project, previous_backup, written=marked)
        raise
    return result, keep_backup, bak


def _phase6_missing(project: Any, guides: bool) -> list[str]:
    status = str(project.phase("phase6").get("status") or "pending")
    if status == "completed" or guides:
        return []
    return [t("parasol.phase6_missing.status", status=status),
            t("parasol.phase6_missing.guides",
              pattern="outputs/6-implementation/services/<Service>/<BC>/implementation-guide.md")]


def _artifacts(files: list[str]) -> list[str]:
    """Top-level entries of the repository: the documents by name, folders with a trailing slash."""
    tops = {rel.split("/", 1)[0] + ("/" if "/" in rel else "") for rel in files}
    return sorted(x for x in tops if not x.startswith("."))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _print_plan(found: Any) -> None:
    header = ["SERVICE", "NAME", "TYPE", "BOUNDED CONTEXTS", "INGRESS", "GRPC", "DB", "CACHE", "SCALING", "HPA",
              "REPLICAS", "STRATEGY", "PUB/SUB"]
    rows = [header]
    for item in found.services:
        s = item.service
        rows.append([
            s.name, s.display_name + (f"（{s.japanese_name}）" if s.japanese_name else ""), s.criticality,
            ", ".join(s.bounded_contexts) or "-", s.ingress_path or f"/{s.name}",
            str(s.grpc_port or "-"), s.database, s.cache, s.scaling, f"{s.hpa_min}-{s.hpa_max}",
            "/".join(str(s.replicas[e]) for e in sorted(s.replicas, key=_env_order)),
            s.strategy, f"{len(s.events.publishes)}/{len(s.events.subscribes)}",
        ])
    widths = [max(_width(row[i]) for row in rows) for i in range(len(header))]
    click.echo(t("parasol.plan.title", count=len(found.services)))
    for row in rows:
        click.echo("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
    click.echo("")
    click.echo(t("parasol.plan.provenance"))
    for item in found.services:
        click.echo(f"  {item.service.name}:")
        for line in item.provenance:
            click.echo(f"    {line}")
    notes = [(item.service.name, note) for item in found.services for note in item.notes] + [
        ("", note) for note in found.notes]
    if notes:
        click.echo("")
        click.echo(t("parasol.plan.warnings"))
        for name, note in notes:
            click.echo(f"  {name + ': ' if name else ''}{note}")


def _print_decisions(project: Any, found: Any) -> None:
    """Project-level values and where they came from (file:line → value), then every ADR and its fate."""
    from ..parasol.decisions_map import answers

    _, provenance = answers(project, found.decisions)
    click.echo("")
    click.echo(t("parasol.plan.decisions"))
    click.echo("  " + t("parasol.plan.language", lang=project.language, source=project.language_source))
    for key, value, source in provenance:
        click.echo(f"  {key}: {value} ← {source}")
    for decision in found.decisions:
        state = t("parasol.plan.applied" if decision.applied and decision.kind != "other" else "parasol.plan.recorded")
        click.echo(f"  [{state}] {decision.title} ← {decision.source}")


def _env_order(name: str) -> tuple[int, str]:
    order = ("dev", "staging", "production")
    return (order.index(name) if name in order else len(order), name)
