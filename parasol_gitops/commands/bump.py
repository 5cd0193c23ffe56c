"""``parasol-gitops bump``: parse, call :mod:`parasol_gitops.bump`, print."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("bump")
@click.option("--overlay", "overlay", required=True, type=click.Path(path_type=Path),
              help="Overlay folder holding kustomization.yaml, or a Helm values-<env>.yaml file.")
@click.option("--image", "image", required=True, metavar="NAME=REF[@DIGEST]",
              help="Image name as in images[].name, its new [name:]tag, and optionally @sha256:digest.")
def bump(overlay: Path, image: str) -> None:
    """Set a service image in an overlay's kustomization.yaml or a Helm values file (the deploy step). Idempotent."""
    from .. import bump as bump_module
    from ..messages import t

    name, _, rest = image.partition("=")
    bump_module.parse_image_arg(image)
    ref, _, digest = rest.partition("@")
    changed = bump_module.bump(overlay, name, ref, digest or None)
    target = overlay if overlay.is_file() else bump_module.kustomization_path(overlay)
    click.echo(t("pipeline.bump.changed" if changed else "pipeline.bump.unchanged", name=name, overlay=str(target)))
