"""``parasol-gitops verify``: parse, call :mod:`parasol_gitops.verify`, print one line per check, set the exit code."""

from __future__ import annotations

import os
from pathlib import Path

import click


@click.command("verify")
@click.option("--service", required=True, help="Service name as in pipeline.yaml services[].name.")
@click.option("--env", "env", required=True, help="Environment name as in pipeline.yaml environments[].name.")
@click.option("--spec", "spec_path", default="pipeline.yaml", show_default=True, type=click.Path(path_type=Path),
              help="The pipeline spec: thresholds (settings.rollback) and the environment's URL pattern.")
@click.option("--url", default=None, help="Base URL of the service; /healthz is appended. "
                                          "Default: the environment's url pattern with {service} replaced.")
@click.option("--prometheus", default=None, help="Prometheus base URL. Default: $PROMETHEUS_URL.")
@click.option("--window", default=None, type=click.IntRange(min=2), envvar="VERIFY_WINDOW_SECONDS",
              help="Seconds to observe the service after verify starts; also the PromQL range and the baseline "
                   "window before it. Default: $VERIFY_WINDOW_SECONDS, else settings.canary_interval_minutes x 60.")
@click.option("--timeout", default=None, type=click.IntRange(min=3), envvar="VERIFY_TIMEOUT_SECONDS",
              help="Upper bound of the whole run in seconds; must exceed --window. "
                   "Default: $VERIFY_TIMEOUT_SECONDS, else the window + 120.")
def verify(service: str, env: str, spec_path: Path, url: str | None, prometheus: str | None, window: int | None,
           timeout: int | None) -> None:
    """Verify a deploy: health URL, then Prometheus error rate and p95 latency against the rollback thresholds.

    Exit 0 healthy, 1 unhealthy or not measurable (one line per failed check), 2 bad input.
    """
    from .. import verify as verify_module
    from ..errors import CheckFailed, InputError
    from ..messages import t
    from ..pipeline import load_spec

    if not spec_path.exists():
        raise InputError(t("verify.no_spec", path=str(spec_path)))
    spec = load_spec(spec_path, display=str(spec_path)).typed
    target = verify_module.resolve_target(spec, service=service, env=env, url=url,
                                          prometheus=prometheus or os.environ.get("PROMETHEUS_URL") or None,
                                          spec_name=str(spec_path))
    if window is None:
        window = int(spec.settings.canary_interval_minutes) * 60
    result = verify_module.verify(target, window=window, timeout=timeout if timeout is not None else window + 120)
    for check in result.checks:
        click.echo(("ok    " if check.ok else "FAIL  ") + check.line)
    if not result.healthy:
        raise CheckFailed(t("verify.summary.fail", service=service, env=env, failed=len(result.failed),
                            count=len(result.checks)))
    click.echo(t("verify.summary.ok", service=service, env=env, count=len(result.checks)))
