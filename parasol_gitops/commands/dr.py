"""``parasol-gitops dr record``: write a disaster-recovery drill record into the repository."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("dr")
def dr() -> None:
    """Disaster-recovery drills: evidence for the VMS5 DR gate."""


@dr.command("record")
@click.argument("path", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--backup", required=True, help="Name of the (Velero) backup that was restored.")
@click.option("--result", type=click.Choice(["succeeded", "failed"]), required=True, help="Outcome of the restore.")
@click.option("--rto-minutes", type=click.IntRange(min=0), required=True, help="Restore time achieved, in minutes.")
@click.option("--rpo-minutes", type=click.IntRange(min=0), required=True, help="Data-loss window achieved, in minutes.")
@click.option("--date", "date", default=None, help="When the drill ran (ISO date/time, default: today, UTC).")
def record(path: Path, backup: str, result: str, rto_minutes: int, rpo_minutes: int, date: str | None) -> None:
    """Write dr/drills/<date>-<backup>.yaml (date, backup, result, RTO/RPO achieved)."""
    from .. import drill
    from ..messages import t
    from ..repo import require_gitops_repo

    require_gitops_repo(path)

    written = drill.record(path, backup=backup, result=result, rto_minutes=rto_minutes, rpo_minutes=rpo_minutes,
                           date=date)
    click.echo(t("written", path=written))
