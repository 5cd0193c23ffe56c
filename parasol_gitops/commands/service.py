"""``parasol-gitops service add|remove``: thin wrappers over :mod:`parasol_gitops.services`."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("service")
def service() -> None:
    """Add or remove a service by re-answering `services` through Copier (kept by later updates)."""


@service.command("add")
@click.argument("name")
@click.option("--path", "dest", default=".", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="The GitOps repository.")
@click.option("--data", "data_pairs", multiple=True, metavar="KEY=VALUE",
              help="A field of the new service (port, strategy, database, replicas …; VALUE is YAML). Repeatable.")
def add(name: str, dest: Path, data_pairs: tuple[str, ...]) -> None:
    """Add service NAME to the repository (copier update with the longer services list)."""
    from .. import services
    from ..messages import t
    from .scaffold import parse_data, report_conflicts

    conflicts = services.add(dest, name, parse_data(data_pairs))
    report_conflicts(conflicts)
    click.echo(t("service.added", name=name, path=str(dest)))


@service.command("remove")
@click.argument("name")
@click.option("--path", "dest", default=".", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="The GitOps repository.")
def remove(name: str, dest: Path) -> None:
    """Remove service NAME: its answers entry, folders, Applications and pipeline entries, nothing else."""
    from .. import services
    from ..messages import t
    from .scaffold import report_conflicts

    conflicts = services.remove(dest, name)
    report_conflicts(conflicts)
    click.echo(t("service.removed", name=name, path=str(dest)))
