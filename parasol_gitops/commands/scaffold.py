"""``parasol-gitops new`` and ``parasol-gitops update``: thin wrappers over :mod:`parasol_gitops.scaffold`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .. import messages
from ..errors import CheckFailed, InputError


def parse_data(pairs: tuple[str, ...]) -> dict[str, Any]:
    """``--data KEY=VALUE`` options as answers (shared with ``service``)."""
    from .. import yamlio

    data: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(messages.t("template.scaffold.bad_data", value=pair))
        # Values are YAML so that lists (services, environments) and numbers can be passed too.
        data[key.strip()] = yamlio.load_data_text(value, display=f"--data {key}") if value.strip() else ""
    return data


@click.command("new")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--data-file", type=click.Path(dir_okay=False, path_type=Path), help="YAML file of answers.")
@click.option("--data", "data_pairs", multiple=True, metavar="KEY=VALUE", help="An answer (VALUE is YAML); repeatable.")
@click.option("--defaults", is_flag=True, help="Use defaults for every question not answered (no prompts).")
@click.option("--vcs-ref", default=None, help="Template git ref (tag, branch, commit).")
@click.option("--template", "src", default=None, help="Template source (path or git URL); default: the bundled one.")
def new(dest: Path, data_file: Path | None, data_pairs: tuple[str, ...], defaults: bool, vcs_ref: str | None,
        src: str | None) -> None:
    """Create a GitOps repository in DEST from the template (copier copy)."""
    from .. import scaffold

    files = scaffold.copy(dest, parse_data(data_pairs), src=src, vcs_ref=vcs_ref, defaults=defaults,
                          data_file=data_file)
    for rel in files:
        click.echo(messages.t("written", path=rel))
    click.echo(messages.t("template.scaffold.created", path=str(dest), count=len(files)))
    click.echo(messages.t("template.scaffold.next_steps", path=str(dest)))


@click.command("update")
@click.argument("dest", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--vcs-ref", default=None, help="Template git ref to update to (default: the latest tag).")
@click.option("--data-file", type=click.Path(dir_okay=False, path_type=Path), help="YAML file of changed answers.")
@click.option("--data", "data_pairs", multiple=True, metavar="KEY=VALUE", help="A changed answer (VALUE is YAML).")
@click.option("--template", "src", default=None,
              help="New template source (git URL or path) holding the recorded version too; committed as _src_path.")
def update(dest: Path, vcs_ref: str | None, data_file: Path | None, data_pairs: tuple[str, ...],
           src: str | None) -> None:
    """Upgrade the GitOps repository DEST (default: .) to a newer template (copier update).

    Exits 1 and lists the files when conflicts remain.
    """
    from .. import scaffold

    conflicts = scaffold.update(dest, parse_data(data_pairs), vcs_ref=vcs_ref, data_file=data_file,
                                 template=src)
    report_conflicts(conflicts)
    click.echo(messages.t("template.scaffold.updated", path=str(dest)))


def report_conflicts(conflicts: list[str]) -> None:
    """Each conflicted file on stdout with the command that resolves it; exit 1 when there is one."""
    if not conflicts:
        return
    click.echo(messages.t("template.scaffold.conflicts", count=len(conflicts)))
    for rel in conflicts:
        if rel.endswith(".rej"):
            how = messages.t("update.resolve_rej", file=rel, target=rel[: -len(".rej")])
        else:
            how = messages.t("update.resolve_markers", file=rel)
        click.echo(f"  {rel}: {how}")
    raise CheckFailed(messages.t("update.conflicted_files", files=", ".join(conflicts)))
