"""The platform spec: the single source that feeds the template, the pipeline model and the docs.

Copier answers (``.copier-answers.yml``) are its persisted form, so ``copier update`` replays it; a
Parasol project is just another way to produce it (``parasol/discovery.py``). The answer keys below are
the question names of ``copier.yml``; keep the two in step.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from . import rules, versions
from .errors import SpecError
from .messages import t
from .names import is_dns1123_label, slugify, unsafe_content

# The tables and defaults (tiers, replicas, HPA bounds, sizes, capacity) are template/_lib/rules.yaml's, which the
# template reads too.
RULES = rules.get()
_SERVICE_DEFAULTS = RULES.service_defaults
_ENV_DEFAULTS = RULES.environment_defaults

STRATEGIES: tuple[str, ...] = RULES.choices["strategy"]
CRITICALITIES: tuple[str, ...] = RULES.choices["criticality"]
SCALING_LEVELS: tuple[str, ...] = RULES.choices["scaling"]
DEFAULT_ENVIRONMENTS: tuple[str, ...] = tuple(e["name"] for e in RULES.default_environments)

# Every answer that reaches a file name, a YAML value or a URL is matched as a WHOLE string (fullmatch: "$" would
# also match before a trailing newline), with the same patterns as the validators of copier.yml; keep them in step.
URL_CHARS = r"[A-Za-z0-9._~:/?#@!&+,;=%-]+"
# What each pattern accepts, in words, is the message template.spec.what.<kind>.
PATTERNS: dict[str, re.Pattern[str]] = {
    "image": re.compile(r"[a-z0-9.:-]+(/[a-z0-9._-]+)*"),
    "registry": re.compile(r"[a-z0-9.:-]+(/[a-z0-9._-]+)*"),
    "ingress_path": re.compile(r"/[A-Za-z0-9._~/-]*"),
    "source_path": re.compile(r"[A-Za-z0-9._][A-Za-z0-9._/-]*"),
    "event": re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,248}"),
    "gitops_repo_url": re.compile(rf"(https://|ssh://|git@){URL_CHARS}"),
    "cluster": re.compile(rf"https://{URL_CHARS}"),
    "base_domain": re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+"),
    "ingress_class": re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?"),
    "argocd_version": re.compile(r"v[0-9]+\.[0-9]+\.[0-9]+"),
}
# Free text (display names, bounded contexts, tech stack) lands in documents and YAML comments: no control
# characters (a newline would start a new line of YAML), nor what a shell or a GitHub expression would expand.
FREE_TEXT_BAD = re.compile(r"[\x00-\x1f\x7f`]|\$\{\{|\$\(")
CHOICES: dict[str, tuple[str, ...]] = {
    key: RULES.choices[key] for key in ("database", "cache", "criticality", "scaling")}


def _check(source: str, where: str, value: object, kind: str) -> None:
    if not isinstance(value, str) or not PATTERNS[kind].fullmatch(value):
        raise SpecError(source, where, t("template.spec.not_pattern", value=_show(value),
                                         what=t(f"template.spec.what.{kind}")))


def _show(value: object) -> str:
    """The value as one line (a newline shows as \\n), so the error stays one line too."""
    return repr(value)[:120]


# HPA bounds per scaling level (min, max) in production; other tiers take the minimum as their floor.
HPA_BOUNDS: dict[str, tuple[int, int]] = dict(RULES.hpa_bounds)


@dataclass
class Events:
    publishes: list[str] = field(default_factory=list)
    subscribes: list[str] = field(default_factory=list)


@dataclass
class Service:
    name: str
    display_name: str = ""
    port: int = int(_SERVICE_DEFAULTS["port"])
    image: str = ""  # repository without tag; empty → "<registry>/<name>"
    ingress_path: str = ""  # empty → "/<name>"
    grpc_port: int | None = None
    database: str = str(_SERVICE_DEFAULTS["database"])  # "postgresql" | "none"
    cache: str = str(_SERVICE_DEFAULTS["cache"])  # "redis" | "none"
    events: Events = field(default_factory=Events)
    strategy: str = str(_SERVICE_DEFAULTS["strategy"])
    # environment name → replicas; an environment not named takes its tier's default (rules.yaml)
    replicas: dict[str, int] = field(default_factory=dict)
    criticality: str = str(_SERVICE_DEFAULTS["criticality"])
    scaling: str = str(_SERVICE_DEFAULTS["scaling"])
    calls: list[str] = field(default_factory=list)  # services this one calls (network allows)
    source_path: str = ""  # empty → "services/<name>" in the application repository
    bounded_contexts: list[str] = field(default_factory=list)
    tech_stack: dict[str, str] = field(default_factory=dict)
    japanese_name: str = ""  # the design's 日本語名 when it differs from display_name (Parasol service definitions)
    domain_type: str = ""  # the design's domain type as written ("VCI (Value-Critical Infrastructure)")
    # Performance and data (issue 12): SLO as availability % or {availability, latency_p95_ms}; expected load in
    # requests per second (the capacity plan sizes production for 10x); migration Job command (PreSync hook).
    slo: float | dict[str, float] | None = None
    expected_rps: float | None = None
    rps_per_pod: float | None = None
    migration_command: list[str] = field(default_factory=list)
    autoscaling: dict[str, int] = field(default_factory=dict)  # declared range {min, max}: its max wins over the plan
    metrics_prefix: str = ""  # empty → the name with '_' for '-' (the business-metrics dashboard reads <prefix>_*)

    @property
    def _bounds(self) -> tuple[int, int]:
        return HPA_BOUNDS.get(self.scaling, HPA_BOUNDS[str(_SERVICE_DEFAULTS["scaling"])])

    @property
    def hpa_min(self) -> int:
        """The scaling level's production floor, or the declared minimum (what discovery and `platform` show)."""
        return int(self.autoscaling.get("min") or self._bounds[0])

    @property
    def hpa_max(self) -> int:
        declared = self.autoscaling.get("max")
        return max(int(declared), self.hpa_min) if declared else max(self._bounds[1], self.hpa_min)

    @property
    def capacity_max(self) -> int:
        """Production's HPA maximum from the capacity plan (expected load x peak factor over one pod's share)."""
        rps, per_pod = _number(self.expected_rps), _number(self.rps_per_pod)
        return RULES.capacity_max(RULES.expected_rps[self.scaling] if rps is None else rps,
                                  per_pod if per_pod is not None and per_pod > 0 else RULES.rps_per_pod)

    def replicas_in(self, env: Environment) -> int:
        """The replicas the template renders for this service in ``env`` (the HPA's minimum where it has one)."""
        return self.hpa_range(env)[0]

    def hpa_range(self, env: Environment) -> tuple[int, int]:
        """(min, max) of the service's HorizontalPodAutoscaler in ``env``, as template/_lib/platform.json.jinja
        computes it: production from the declared range, the replicas, the scaling level and the capacity plan;
        other tiers from the replicas."""
        replicas = int(self.replicas.get(env.name) or RULES.default_replicas(env.tier))
        low_bound = self._bounds[0]
        if env.tier == "production":
            declared_min, declared_max = self.autoscaling.get("min"), self.autoscaling.get("max")
            low = int(declared_min) if declared_min else max(replicas, low_bound)
            return low, max(int(declared_max) if declared_max else self.capacity_max, low)
        low = max(replicas, 1)
        return low, max(low + 1, low_bound)


@dataclass
class Environment:
    name: str
    tier: str = ""  # development | staging | production; empty → derived from the name
    cluster: str = _ENV_DEFAULTS["cluster"]
    namespace: str = _ENV_DEFAULTS["namespace"]  # pattern; {project} and {env} are replaced
    sync: str = _ENV_DEFAULTS["sync"]  # "auto" (prune + self-heal) | "manual"

    def namespace_for(self, project: str) -> str:
        return self.namespace.format(project=project, env=self.name)

    @property
    def pipeline_tier(self) -> str:
        """The tier pipeline.yaml gives this environment."""
        return RULES.pipeline_tier(self.tier)


@dataclass
class PlatformSpec:
    project_name: str
    services: list[Service]
    environments: list[Environment] = field(default_factory=lambda: default_environments())
    gitops_repo_url: str = "https://github.com/example/platform-gitops.git"
    registry: str = "ghcr.io/example"
    ci_target: str = "github"  # github | gitlab | both
    secrets_backend: str = "external-secrets"  # external-secrets | sealed-secrets
    ingress_class: str = "nginx"
    base_domain: str = "example.com"
    packaging: str = "kustomize"  # kustomize | helm
    layout: str = "standard"  # standard | parasol (adds the Parasol phase-7 views)
    rpo_hours: int = 1
    rto_hours: int = 4
    docs_language: str = "en"  # en | ja
    argocd_version: str = field(default_factory=lambda: versions.get().argocd)
    # Decisions a Parasol project made (parasol/decisions_map.py); empty outside Parasol projects.
    event_bus: dict[str, Any] = field(default_factory=dict)  # {type: kafka|nats|rabbitmq|managed, managed_service}
    gateway: dict[str, Any] = field(default_factory=dict)  # {type: gateway-api, bff}
    organization: dict[str, Any] = field(default_factory=dict)  # {display_name, company, context, industry}
    decisions: list[dict[str, Any]] = field(default_factory=list)  # [{title, source, applied, effect}]
    database_provider: str = "cloudnative-pg"  # cloudnative-pg | external
    backup_bucket: str = ""  # empty → s3://<project>-db-backups (the template's default)

    def to_answers(self) -> dict[str, Any]:
        """The spec as Copier answers (plain data, stable key order); an empty backup bucket takes the template's
        default (it derives from the project name)."""
        answers = asdict(self)
        if not answers["backup_bucket"]:
            del answers["backup_bucket"]
        return answers

    @classmethod
    def from_answers(cls, answers: dict[str, Any], *, source: str = "answers") -> PlatformSpec:
        """Build and validate a spec from Copier answers; unknown keys (Copier's own ``_src_path`` …) are ignored."""
        try:
            services = [_service(s, i, source) for i, s in enumerate(answers.get("services") or [])]
            envs_raw = answers.get("environments")
            environments = (
                [_environment(e, i, source) for i, e in enumerate(envs_raw)]
                if envs_raw
                else default_environments()
            )
        except (TypeError, AttributeError) as exc:
            raise SpecError(source, "services", t("template.spec.malformed", error=exc)) from None
        scalar_keys = [f for f in cls.__dataclass_fields__ if f not in ("services", "environments")]
        kwargs = {k: answers[k] for k in scalar_keys if k in answers and answers[k] is not None}
        if "project_name" not in kwargs:
            raise SpecError(source, "project_name", t("template.spec.missing"))
        spec = cls(services=services, environments=environments, **kwargs)
        spec.validate(source)
        return spec

    def validate(self, source: str = "spec") -> None:
        if not is_dns1123_label(self.project_name):
            raise SpecError(source, "project_name", t("template.spec.not_label_try", value=_show(self.project_name),
                                                      slug=slugify(str(self.project_name))))
        if not self.services:
            raise SpecError(source, "services", t("template.spec.no_services"))
        seen: set[str] = set()
        for i, svc in enumerate(self.services):
            where = f"services[{i}].name"
            if not is_dns1123_label(svc.name):
                raise SpecError(source, where, t("template.spec.not_label_try", value=_show(svc.name),
                                                 slug=slugify(str(svc.name))))
            if svc.name in seen:
                raise SpecError(source, where, t("template.spec.duplicate_service", name=svc.name))
            seen.add(svc.name)
            if svc.strategy not in STRATEGIES:
                raise SpecError(source, f"services[{i}].strategy", t(
                    "template.spec.unknown_strategy", strategy=svc.strategy, choices=", ".join(STRATEGIES)))
            availability = svc.slo.get("availability") if isinstance(svc.slo, dict) else svc.slo
            if svc.slo is not None and not (
                    isinstance(availability, int | float) and not isinstance(availability, bool)
                    and 0 < availability < 100):
                raise SpecError(source, f"services[{i}].slo", t("template.spec.slo_not_percentage", value=availability))
            latency = svc.slo.get("latency_p95_ms") if isinstance(svc.slo, dict) else None
            if latency is not None and not (isinstance(latency, int | float) and latency > 0):
                raise SpecError(source, f"services[{i}].slo.latency_p95_ms",
                                t("template.spec.not_positive", value=latency))
            scale = svc.autoscaling
            if not isinstance(scale, dict) or set(scale) - {"min", "max"} or any(
                    not isinstance(v, int) or v < 1 for v in scale.values()) or scale.get("max", 10**9) < scale.get(
                    "min", 1):
                raise SpecError(source, f"services[{i}].autoscaling", t("template.spec.autoscaling_range"))
            for key in ("image", "ingress_path", "source_path"):
                if getattr(svc, key):
                    _check(source, f"services[{i}].{key}", getattr(svc, key), key)
            for key, allowed in CHOICES.items():
                if getattr(svc, key) not in allowed:
                    raise SpecError(source, f"services[{i}].{key}", t(
                        "template.spec.not_choice", value=_show(getattr(svc, key)), choices=", ".join(allowed)))
            for key in ("port", "grpc_port"):
                port = getattr(svc, key)
                if port is not None and (not isinstance(port, int) or not 0 < port < 65536):
                    raise SpecError(source, f"services[{i}].{key}", t("template.spec.not_port", value=_show(port)))
            if not isinstance(svc.replicas, dict) or not all(
                    isinstance(k, str) and isinstance(v, int) for k, v in svc.replicas.items()):
                raise SpecError(source, f"services[{i}].replicas", t("template.spec.replicas_map"))
            for key in ("publishes", "subscribes"):
                for j, event in enumerate(getattr(svc.events, key)):
                    _check(source, f"services[{i}].events.{key}[{j}]", event, "event")
            texts = [("display_name", svc.display_name), ("japanese_name", svc.japanese_name),
                     *((f"bounded_contexts[{j}]", b) for j, b in enumerate(svc.bounded_contexts)),
                     *((f"tech_stack.{k}", f"{k} {v}") for k, v in svc.tech_stack.items()),
                     ("domain_type", svc.domain_type)]
            for key, text in texts:
                bad = unsafe_content(str(text)) or (
                    t("template.spec.control_character") if FREE_TEXT_BAD.search(str(text)) else None)
                if bad:
                    raise SpecError(source, f"services[{i}].{key}", t("template.spec.unsafe_text", what=bad))
            for j, callee in enumerate(svc.calls):
                if not isinstance(callee, str):
                    raise SpecError(source, f"services[{i}].calls[{j}]",
                                    t("template.spec.not_service_name", value=_show(callee)))
        env_seen: set[str] = set()
        for i, env in enumerate(self.environments):
            if not is_dns1123_label(env.name) or env.name in env_seen:
                raise SpecError(source, f"environments[{i}].name",
                                t("template.spec.bad_environment_name", value=_show(env.name)))
            env_seen.add(env.name)
            _check(source, f"environments[{i}].cluster", env.cluster, "cluster")
            if not is_dns1123_label(env.tier):
                raise SpecError(source, f"environments[{i}].tier",
                                t("template.spec.tier_not_label", value=_show(env.tier)))
            if not isinstance(env.namespace, str) or not is_dns1123_label(env.namespace_for(self.project_name)):
                raise SpecError(source, f"environments[{i}].namespace",
                                t("template.spec.namespace_not_label", value=_show(env.namespace)))
            if env.sync not in RULES.choices["sync"]:
                sync = RULES.choices["sync"]
                raise SpecError(source, f"environments[{i}].sync", t(
                    "template.spec.bad_sync", value=_show(env.sync), choices=" or ".join(sync), listed="、".join(sync)))
        for key in ("gitops_repo_url", "registry", "base_domain", "ingress_class", "argocd_version"):
            _check(source, key, getattr(self, key), key)
        for i, svc in enumerate(self.services):
            for j, callee in enumerate(svc.calls):
                if callee not in seen:
                    raise SpecError(source, f"services[{i}].calls[{j}]", t("template.spec.unknown_callee", name=callee))
                if callee == svc.name:
                    raise SpecError(source, f"services[{i}].calls[{j}]", t("template.spec.calls_itself"))
                if callee in svc.calls[:j]:
                    raise SpecError(source, f"services[{i}].calls[{j}]", t("template.spec.callee_twice", name=callee))


def _service(raw: dict[str, Any], index: int, source: str) -> Service:
    if not isinstance(raw, dict) or "name" not in raw:
        raise SpecError(source, f"services[{index}]", t("template.spec.service_needs_name"))
    data = dict(raw)
    events = data.pop("events", None) or {}
    known = set(Service.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise SpecError(source, f"services[{index}].{unknown[0]}", t("template.spec.unknown_key"))
    svc = Service(**data)
    svc.name = str(svc.name)
    svc.events = Events(
        publishes=list(events.get("publishes") or []), subscribes=list(events.get("subscribes") or [])
    )
    return svc


def _environment(raw: dict[str, Any], index: int, source: str) -> Environment:
    if not isinstance(raw, dict) or "name" not in raw:
        raise SpecError(source, f"environments[{index}]", t("template.spec.environment_needs_name"))
    unknown = sorted(set(raw) - set(Environment.__dataclass_fields__))
    if unknown:
        raise SpecError(source, f"environments[{index}].{unknown[0]}", t("template.spec.unknown_key"))
    env = Environment(**raw)
    if not env.tier:
        env.tier = RULES.tier_for(env.name)
    return env


def default_environments() -> list[Environment]:
    """The environments of a platform whose answers list none (rules.yaml, also copier.yml's default answer)."""
    return [Environment(**e) for e in RULES.default_environments]


def _number(value: object) -> float | None:
    """``value`` as a float when Jinja's `is number` holds for it (the template's test; true and false too), else
    None."""
    return float(value) if isinstance(value, int | float) else None
