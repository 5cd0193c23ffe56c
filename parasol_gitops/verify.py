"""Post-deploy verification: is the service healthy, and do its metrics stay within the rollback thresholds?

``parasol-gitops verify`` runs right after a GitOps deploy; a non-zero exit makes the job call
``parasol-gitops rollback``. It observes the service for one window that starts when verify starts:

- **health**: ``GET <url>/healthz`` must answer 2xx, retried every few seconds until it does (a fresh rollout
  takes a moment), and once more at the end of the window;
- **error rate**: ``sum(rate(http_requests_total{service=S,code=~"5.."}[W]))`` over
  ``sum(rate(http_requests_total{service=S}[W]))``, evaluated at the end of the window, at most
  ``settings.rollback.error_rate_percent``;
- **p95 latency**: ``histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{service=S}[W])))``
  at the end of the window, at most ``latency_p95_factor`` × the **baseline**: the same query evaluated when
  verify started, i.e. over the window just before it. That window served the previous version (the deploy
  commit was pushed a moment earlier), so the comparison is "new version vs the one it replaced", the same for
  rolling, blue-green and canary, and it needs no version label on the series.

No false green: a check that cannot be measured (no URL, no Prometheus URL, Prometheus unreachable, no
requests in the window) fails and says "not measured" and why. The one exception is a missing baseline (no
traffic before verify started, as on a first deploy): the p95 line says "not compared" and the check passes,
because there is nothing to compare with; the error-rate check still guards that deploy.

Only the standard library talks HTTP here, every request has a timeout, and the whole run is bounded by
``timeout`` seconds.
"""

from __future__ import annotations

import json
import math
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import InputError
from .messages import t

if TYPE_CHECKING:
    from .pipeline.spectypes import PipelineSpec

HEALTH_RETRY_SECONDS = 2.0
REQUEST_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Check:
    ok: bool
    line: str


@dataclass
class Result:
    service: str
    env: str
    checks: list[Check] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.ok]


@dataclass(frozen=True)
class Target:
    """What to verify, resolved from the spec and the options."""

    service: str
    env: str
    health_url: str | None  # None: health checks off
    prometheus: str | None
    error_rate_percent: float
    latency_p95_factor: float
    health_checks: bool
    spec_name: str = "pipeline.yaml"


def resolve_target(spec: Mapping[str, Any] | PipelineSpec, *, service: str, env: str, url: str | None,
                   prometheus: str | None, spec_name: str = "pipeline.yaml") -> Target:
    """Check the service and environment against the spec (typed, or as :func:`~.pipeline.load_spec` returned
    it); pick the URLs and thresholds."""
    from .pipeline import typed_spec

    typed = typed_spec(spec, spec_name)
    names = [s.name for s in typed.services]
    if service not in names:
        raise InputError(t("verify.unknown_service", name=service, spec=spec_name, names=", ".join(names)))
    environments = {e.name: e for e in typed.environments}
    if env not in environments:
        raise InputError(t("verify.unknown_env", name=env, spec=spec_name, names=", ".join(environments)))
    for option, value in (("--url", url), ("--prometheus", prometheus)):
        if value is not None and not _is_http_url(value):
            raise InputError(t("verify.bad_url", option=option, url=value))
    base = url or environments[env].service_url(service) or None
    if base is not None and not _is_http_url(base):
        raise InputError(t("verify.bad_url", option=f"environments[{env}].url", url=base))
    rollback = typed.settings.rollback
    return Target(
        service=service,
        env=env,
        health_url=base.rstrip("/") + "/healthz" if base else None,
        prometheus=prometheus.rstrip("/") if prometheus else None,
        error_rate_percent=float(rollback.error_rate_percent),
        latency_p95_factor=float(rollback.latency_p95_factor),
        health_checks=bool(rollback.health_checks),
        spec_name=spec_name,
    )


def _is_http_url(value: str) -> bool:
    parts = urllib.parse.urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


class _Clock:
    """Wall clock and sleep, injectable so that tests need not wait for a window to pass."""

    def __init__(self, now: Callable[[], float] = time.time, sleep: Callable[[float], None] = time.sleep) -> None:
        self.now = now
        self.sleep = sleep


def verify(target: Target, *, window: int, timeout: int, clock: _Clock | None = None) -> Result:
    """Observe ``target`` for ``window`` seconds; never run longer than ``timeout`` seconds (plus one request)."""
    if timeout <= window:
        raise InputError(t("verify.window_timeout", timeout=timeout, window=window))
    clock = clock or _Clock()
    started = clock.now()
    window_end = started + window
    deadline = started + timeout
    result = Result(target.service, target.env)

    health_index: int | None = None
    if target.health_checks:
        if target.health_url is None:
            result.checks.append(Check(False, t("verify.health.no_url", service=target.service, env=target.env,
                                                spec=target.spec_name)))
        else:
            health_index = len(result.checks)
            result.checks.append(_health_until_ok(target.health_url, until=min(window_end, deadline),
                                                  deadline=deadline, clock=clock))
    if target.prometheus is None:
        result.checks.append(Check(False, t("verify.metrics.no_prometheus")))
    if health_index is None and target.prometheus is None:
        return result  # nothing can be measured: fail now rather than wait for a window

    # the window is the observation: wait for it to pass even when the first health check was instant
    remaining = window_end - clock.now()
    if remaining > 0:
        clock.sleep(remaining)

    if health_index is not None and result.checks[health_index].ok:
        assert target.health_url is not None
        _, problem = _get_status(target.health_url, _request_timeout(deadline, clock))
        if problem is not None:
            result.checks[health_index] = Check(False, t("verify.health.fail_after", url=target.health_url,
                                                         window=window, problem=problem))
    if target.prometheus is not None:
        result.checks.extend(_metric_checks(target, window=window, evaluated_at=window_end, baseline_at=started,
                                            deadline=deadline, clock=clock))
    return result


def _request_timeout(deadline: float, clock: _Clock) -> float:
    return max(1.0, min(REQUEST_TIMEOUT_SECONDS, deadline - clock.now()))


def _get_status(url: str, timeout: float) -> tuple[int | None, str | None]:
    """(HTTP status, None) for a 2xx answer, else (status or None, what went wrong)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, f"unreachable ({reason})"
    if 200 <= status < 300:
        return status, None
    return status, f"HTTP {status}"


def _health_until_ok(url: str, *, until: float, deadline: float, clock: _Clock) -> Check:
    started = clock.now()
    attempts = 0
    while True:
        attempts += 1
        status, problem = _get_status(url, _request_timeout(deadline, clock))
        if problem is None:
            return Check(True, t("verify.health.ok", url=url, status=status))
        if clock.now() + HEALTH_RETRY_SECONDS > until:
            seconds = round(clock.now() - started)
            return Check(False, t("verify.health.fail", url=url, problem=problem, attempts=attempts, seconds=seconds))
        clock.sleep(HEALTH_RETRY_SECONDS)


class _PrometheusError(Exception):
    pass


def query(prometheus: str, promql: str, *, at: float, timeout: float) -> float | None:
    """One instant query through the HTTP API; the value of its single series, or None without one (or NaN)."""
    params = urllib.parse.urlencode({"query": promql, "time": f"{at:.3f}"})
    url = f"{prometheus}/api/v1/query?{params}"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        try:
            detail = json.loads(exc.read()).get("error") or f"HTTP {exc.code}"
        except (ValueError, AttributeError):
            detail = f"HTTP {exc.code}"
        raise _PrometheusError(str(detail)) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise _PrometheusError(t("prometheus.unreachable", reason=getattr(exc, "reason", exc))) from exc
    except ValueError as exc:
        raise _PrometheusError(t("prometheus.not_json")) from exc
    if not isinstance(body, dict) or body.get("status") != "success":
        raise _PrometheusError(str(body.get("error") if isinstance(body, dict) else "unexpected answer"))
    data = body.get("data") or {}
    result = data.get("result") or []
    if data.get("resultType") == "scalar":
        result = [{"value": result}] if result else []
    if not result:
        return None
    try:
        value = float(result[0]["value"][1])
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise _PrometheusError(t("prometheus.bad_shape")) from exc
    return None if math.isnan(value) or math.isinf(value) else value


def _selector(service: str, extra: str = "") -> str:
    escaped = service.replace("\\", "\\\\").replace('"', '\\"')
    return "{" + f'service="{escaped}"' + (f",{extra}" if extra else "") + "}"


def promql(service: str, window: int) -> dict[str, str]:
    """The three queries verify asks, by name (shown in the README; the field test runs them for real)."""
    rng = f"[{window}s]"
    all_codes, server_errors = _selector(service), _selector(service, 'code=~"5.."')
    return {
        "total": f"sum(rate(http_requests_total{all_codes}{rng}))",
        "errors": f"sum(rate(http_requests_total{server_errors}{rng}))",
        "p95": "histogram_quantile(0.95, sum by (le) "
               f"(rate(http_request_duration_seconds_bucket{_selector(service)}{rng})))",
    }


def _fmt(value: float, digits: int = 4) -> str:
    return f"{value:.{digits}g}"


def _metric_checks(target: Target, *, window: int, evaluated_at: float, baseline_at: float, deadline: float,
                   clock: _Clock) -> list[Check]:
    assert target.prometheus is not None
    queries = promql(target.service, window)
    try:
        def ask(name: str, at: float) -> float | None:
            return query(target.prometheus or "", queries[name], at=at, timeout=_request_timeout(deadline, clock))

        total = ask("total", evaluated_at)
        errors = ask("errors", evaluated_at) if total else None
        p95 = ask("p95", evaluated_at) if total else None
        baseline = ask("p95", baseline_at) if total else None
    except _PrometheusError as exc:
        return [Check(False, t("verify.metrics.unavailable", url=target.prometheus, problem=str(exc)))]
    if not total:
        return [Check(False, t("verify.metrics.no_traffic", service=target.service, window=window))]

    checks: list[Check] = []
    rate = 100.0 * (errors or 0.0) / total
    limit = target.error_rate_percent
    key = "verify.error_rate.ok" if rate <= limit else "verify.error_rate.fail"
    checks.append(Check(rate <= limit, t(key, value=f"{rate:.2f}", limit=_fmt(limit), service=target.service,
                                         window=window, errors=_fmt(errors or 0.0), total=_fmt(total))))

    factor = target.latency_p95_factor
    if p95 is None:
        checks.append(Check(False, t("verify.p95.not_measured", service=target.service, window=window)))
    elif not baseline:
        checks.append(Check(True, t("verify.p95.no_baseline", value=_fmt(p95), service=target.service,
                                    window=window)))
    else:
        bound = factor * baseline
        key = "verify.p95.ok" if p95 <= bound else "verify.p95.fail"
        checks.append(Check(p95 <= bound, t(key, value=_fmt(p95), factor=_fmt(factor), baseline=_fmt(baseline),
                                            limit=_fmt(bound))))
    return checks
