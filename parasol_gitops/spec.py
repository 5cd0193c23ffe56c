"""The platform spec: the single source that feeds the template, the pipeline model and the docs.

Copier answers (``.copier-answers.yml``) are its persisted form, so ``copier update`` replays it; a
Parasol project is just another way to produce it (``parasol/discovery.py``). The answer keys below are
the question names of ``copier.yml``; keep the two in step.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .errors import SpecError
from .names import is_dns1123_label, slugify, unsafe_content

Strategy = Literal["rolling", "blue-green", "canary"]
STRATEGIES: tuple[str, ...] = ("rolling", "blue-green", "canary")
CRITICALITIES: tuple[str, ...] = ("core", "supporting", "generic")
SCALING_LEVELS: tuple[str, ...] = ("high", "medium", "low")
DEFAULT_ENVIRONMENTS: tuple[str, ...] = ("dev", "staging", "production")

# HPA bounds per scaling level (min, max) in production; other tiers take the minimum as their floor.
HPA_BOUNDS: dict[str, tuple[int, int]] = {"high": (3, 20), "medium": (2, 10), "low": (2, 4)}


@dataclass
class Events:
    publishes: list[str] = field(default_factory=list)
    subscribes: list[str] = field(default_factory=list)


@dataclass
class Service:
    name: str
    display_name: str = ""
    port: int = 8080
    image: str = ""  # repository without tag; empty → "<registry>/<name>"
    ingress_path: str = ""  # empty → "/<name>"
    grpc_port: int | None = None
    database: str = "none"  # "postgresql" | "none"
    cache: str = "none"  # "redis" | "none"
    events: Events = field(default_factory=Events)
    strategy: str = "rolling"
    replicas: dict[str, int] = field(default_factory=lambda: {"dev": 1, "staging": 2, "production": 3})
    criticality: str = "supporting"
    scaling: str = "medium"
    calls: list[str] = field(default_factory=list)  # services this one calls (network allows)
    source_path: str = ""  # empty → "services/<name>" in the application repository
    bounded_contexts: list[str] = field(default_factory=list)
    tech_stack: dict[str, str] = field(default_factory=dict)
    japanese_name: str = ""  # the design's 日本語名 when it differs from display_name (Parasol service definitions)
    # Performance and data (issue 12): SLO as availability % or {availability, latency_p95_ms}; expected load in
    # requests per second (the capacity plan sizes production for 10x); migration Job command (PreSync hook).
    slo: float | dict[str, float] | None = None
    expected_rps: float | None = None
    rps_per_pod: float | None = None
    migration_command: list[str] = field(default_factory=list)
    autoscaling: dict[str, int] = field(default_factory=dict)  # declared range {min, max}: its max wins over the plan
    metrics_prefix: str = ""  # empty → the name with '_' for '-' (the business-metrics dashboard reads <prefix>_*)

    @property
    def hpa_min(self) -> int:
        return HPA_BOUNDS.get(self.scaling, HPA_BOUNDS["medium"])[0]

    @property
    def hpa_max(self) -> int:
        return HPA_BOUNDS.get(self.scaling, HPA_BOUNDS["medium"])[1]


@dataclass
class Environment:
    name: str
    tier: str = ""  # development | staging | production; empty → derived from the name
    cluster: str = "https://kubernetes.default.svc"
    namespace: str = "{project}-{env}"  # pattern; {project} and {env} are replaced
    sync: str = "auto"  # "auto" (prune + self-heal) | "manual"

    def namespace_for(self, project: str) -> str:
        return self.namespace.format(project=project, env=self.name)


@dataclass
class PlatformSpec:
    project_name: str
    services: list[Service]
    environments: list[Environment] = field(
        default_factory=lambda: [
            Environment("dev", "development"),
            Environment("staging", "staging"),
            Environment("production", "production", sync="manual"),
        ]
    )
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
    argocd_version: str = "v2.14.11"
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
                else cls.__dataclass_fields__["environments"].default_factory()  # type: ignore[misc]
            )
        except (TypeError, AttributeError) as exc:
            raise SpecError(source, "services", f"malformed entry: {exc}") from None
        scalar_keys = [f for f in cls.__dataclass_fields__ if f not in ("services", "environments")]
        kwargs = {k: answers[k] for k in scalar_keys if k in answers and answers[k] is not None}
        if "project_name" not in kwargs:
            raise SpecError(source, "project_name", "missing")
        spec = cls(services=services, environments=environments, **kwargs)
        spec.validate(source)
        return spec

    def validate(self, source: str = "spec") -> None:
        if not is_dns1123_label(self.project_name):
            raise SpecError(
                source, "project_name",
                f"'{self.project_name}' is not a DNS-1123 label; try '{slugify(self.project_name)}'",
            )
        if not self.services:
            raise SpecError(source, "services", "no services: the platform needs at least one")
        seen: set[str] = set()
        for i, svc in enumerate(self.services):
            where = f"services[{i}].name"
            if not is_dns1123_label(svc.name):
                raise SpecError(
                    source, where, f"'{svc.name}' is not a DNS-1123 label; try '{slugify(svc.name)}'"
                )
            if svc.name in seen:
                raise SpecError(source, where, f"duplicate service name '{svc.name}'")
            seen.add(svc.name)
            if svc.strategy not in STRATEGIES:
                raise SpecError(
                    source, f"services[{i}].strategy",
                    f"unknown strategy '{svc.strategy}' (choose {', '.join(STRATEGIES)})",
                )
            for key in ("image", "ingress_path", "source_path", "display_name", "japanese_name"):
                bad = unsafe_content(str(getattr(svc, key)))
                if bad:
                    raise SpecError(source, f"services[{i}].{key}", f"value contains {bad}")
        env_seen: set[str] = set()
        for i, env in enumerate(self.environments):
            if not is_dns1123_label(env.name) or env.name in env_seen:
                raise SpecError(source, f"environments[{i}].name", f"invalid or duplicate '{env.name}'")
            env_seen.add(env.name)
        for i, svc in enumerate(self.services):
            for j, callee in enumerate(svc.calls):
                if callee not in seen:
                    raise SpecError(source, f"services[{i}].calls[{j}]", f"unknown service '{callee}'")
                if callee == svc.name:
                    raise SpecError(source, f"services[{i}].calls[{j}]", "a service does not call itself")
                if callee in svc.calls[:j]:
                    raise SpecError(source, f"services[{i}].calls[{j}]", f"'{callee}' is listed twice")


def _service(raw: dict[str, Any], index: int, source: str) -> Service:
    if not isinstance(raw, dict) or "name" not in raw:
        raise SpecError(source, f"services[{index}]", "each service needs at least a name")
    data = dict(raw)
    events = data.pop("events", None) or {}
    known = set(Service.__dataclass_fields__)
    unknown = sorted(set(data) - known)
    if unknown:
        raise SpecError(source, f"services[{index}].{unknown[0]}", "unknown key")
    svc = Service(**data)
    svc.name = str(svc.name)
    svc.events = Events(
        publishes=list(events.get("publishes") or []), subscribes=list(events.get("subscribes") or [])
    )
    return svc


def _environment(raw: dict[str, Any], index: int, source: str) -> Environment:
    if not isinstance(raw, dict) or "name" not in raw:
        raise SpecError(source, f"environments[{index}]", "each environment needs at least a name")
    unknown = sorted(set(raw) - set(Environment.__dataclass_fields__))
    if unknown:
        raise SpecError(source, f"environments[{index}].{unknown[0]}", "unknown key")
    env = Environment(**raw)
    if not env.tier:
        env.tier = {"dev": "development", "prod": "production"}.get(env.name, env.name)
    return env
