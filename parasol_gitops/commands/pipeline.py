"""``parasol-gitops pipeline``: parse options, synthesize, write / print / check. Logic lives in
:mod:`parasol_gitops.pipeline`."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("pipeline")
@click.option("--target", "target", metavar="github|gitlab", help="CI system to write for.")
@click.option("--spec", "spec", default="pipeline.yaml", show_default=True, metavar="FILE|example:NAME",
              help="Pipeline spec; example:NAME uses a bundled example (single-service, monorepo, mixed-strategies).")
@click.option("--out", "out", default=".", show_default=True, metavar="DIR|-",
              help="Repository root to write under, or - for stdout.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 naming the files that differ from the spec.")
def pipeline(target: str | None, spec: str, out: str, check: bool) -> None:
    """Synthesize GitHub Actions or GitLab CI from pipeline.yaml.

    Exit codes: 0 success (or no drift), 1 drift found by --check, 2 bad input.
    """
    from ..errors import CheckFailed, InputError
    from ..messages import t
    from ..pipeline import PIPELINES_DIR, files_for_target, load_spec, synthesize

    if not target:
        raise InputError(t("pipeline.missing_target"))
    files_for_target(target)
    spec_path, shown = _resolve_spec(spec, PIPELINES_DIR)
    data = load_spec(spec_path, display=shown)
    if check:
        from ..validate.pipeline_sync import target_drift, unified_diff

        differences = target_drift(Path(out), data, target, source=shown)
        for rel, have, want in differences:
            click.echo(unified_diff(rel, have, want), nl=False)
        if differences:
            drifted = ", ".join(rel for rel, _, _ in differences)
            raise CheckFailed(t("pipeline.check.drift", target=target, spec=shown, files=drifted))
        click.echo(t("pipeline.check.ok", target=target, spec=shown))
        return
    files = synthesize(data, target, source=shown)
    if out == "-":
        for rel in sorted(files):
            click.echo(f"# --- {rel} ---")
            click.echo(files[rel], nl=False)
        return
    from ..fsutil import write_files

    root = Path(out)
    if root.exists() and not root.is_dir():
        raise InputError(t("pipeline.out_not_folder", out=out))
    write_files(root, files)
    click.echo(t("pipeline.written", count=len(files), target=target, out=str(root)))
    for rel in sorted(files):
        click.echo(f"  {root / rel}")
    if target == "github":
        click.echo(t("pipeline.github.setup"))


def _resolve_spec(spec: str, pipelines_dir: Path) -> tuple[Path, str]:
    from ..errors import InputError
    from ..messages import t

    examples = sorted(p.stem for p in (pipelines_dir / "examples").glob("*.yaml"))
    if spec.startswith("example:"):
        name = spec.split(":", 1)[1]
        # Only the name of a shipped example: "example:../../x" would otherwise read any *.yaml on the machine.
        if name not in examples:
            key = "pipeline.unknown_example" if name.replace("-", "").replace("_", "").isalnum() \
                else "pipeline.example_name"
            raise InputError(t(key, name=name, examples=", ".join(examples)))
        return pipelines_dir / "examples" / f"{name}.yaml", f"pipelines/examples/{name}.yaml"
    path = Path(spec)
    if not path.exists():
        raise InputError(t("pipeline.no_spec", path=spec, examples=", ".join(examples)))
    return path, spec
