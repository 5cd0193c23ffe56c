"""``parasol-gitops test``: lint, tests and coverage gate of one service, or its smoke test after a deploy.
Logic in :mod:`parasol_gitops.pipeline.testplan` and :mod:`parasol_gitops.pipeline.testrun`."""

from __future__ import annotations

import click


@click.command("test")
@click.argument("service")
@click.option("--spec", "spec", default="pipeline.yaml", show_default=True, metavar="FILE", help="Pipeline spec.")
@click.option("--coverage-threshold", "threshold", type=click.FloatRange(0, 100), default=None,
              help="Percent; default: the lint_and_test stage's coverage_threshold.")
@click.option("--smoke", is_flag=True, help="Run the service's smoke command instead (after a deploy; needs --env).")
@click.option("--env", "env_name", default="", metavar="ENV", help="Environment of the smoke test.")
@click.option("--attempts", type=click.IntRange(1, 100), default=10, show_default=True, hidden=True)
@click.option("--interval", type=click.FloatRange(0, 600), default=15, show_default=True, hidden=True)
@click.option("--dry-run", is_flag=True, help="Print what would run and run nothing.")
def test(service: str, spec: str, threshold: float | None, smoke: bool, env_name: str, attempts: int,
         interval: float, dry_run: bool) -> None:
    """Lint, unit and integration tests and the coverage gate of SERVICE, from its path.

    Commands come from services[].commands, else from the build files in the service's path, else from its
    recorded language. Exit codes: 0 passed, 1 a step failed or coverage is below the threshold, 2 bad input.
    """
    from pathlib import Path

    from .. import messages
    from ..errors import InputError
    from ..pipeline import runtime, testplan, testrun

    data = runtime.load(spec)
    svc = runtime.service(data, service)
    root = Path.cwd()
    if smoke:
        if not env_name:
            raise InputError(messages.t("ci.test.smoke_needs_env"))
        env = runtime.environment(data, env_name)
        testrun.run_smoke(svc, env, root, click.echo, attempts=attempts, interval=interval, dry_run=dry_run)
        return
    if threshold is None:
        stage = next((s for s in data.stages if s.type == "lint_and_test"), None)
        threshold = float(stage.coverage_threshold if stage else data.settings.coverage_threshold)
    plan = testplan.build_plan(svc, root)
    testrun.run_plan(plan, root, threshold, click.echo, dry_run=dry_run)
