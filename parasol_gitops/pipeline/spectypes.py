"""The validated pipeline spec as frozen dataclasses: what the model builder and the emitters read.

:mod:`.specfile` validates the raw YAML and fills every default; :func:`from_normalized` then turns the
normalized mapping into these types, so a ``PipelineSpec`` is normalized by construction and no reader
looks for a missing key. Values keep the type the YAML gave them (an ``int`` coverage threshold stays an
``int``): the generated files print them, and they must come out byte for byte as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, cast

StageType = Literal["lint_and_test", "build", "security_scan", "deploy", "integration_test"]


@dataclass(frozen=True)
class Rollback:
    """``settings.rollback``: what ``verify`` compares after a deploy."""

    error_rate_percent: float
    latency_p95_factor: float
    health_checks: bool


@dataclass(frozen=True)
class Settings:
    coverage_threshold: float
    fail_on_severity: str
    sbom: bool
    provenance: bool
    python_version: str
    tool_package: str
    ci_image: str
    e2e_path: str
    k6_script: str
    canary_interval_minutes: int
    default_branch: str
    schema_location: str
    rollback: Rollback


@dataclass(frozen=True)
class Service:
    name: str
    path: str
    image: str
    dockerfile: str
    context: str
    watch: tuple[str, ...]
    commands: Mapping[str, str]  # step → shell command (``test`` already renamed ``unit``)
    skip: Mapping[str, str]  # skipped step → reason
    language: str
    strategy: str  # '' = the environment's
    canary_steps: tuple[int, ...]  # () = the environment's
    ci_image: str

    def watch_paths(self) -> tuple[str, ...]:
        """Files and folders whose change means this service must be rebuilt (entries inside another dropped)."""
        everything = {self.path, self.context, self.dockerfile, *self.watch}
        if everything & {"", "."}:  # a service at the repository root changes with every file
            return (".",)
        paths = sorted(everything)
        return tuple(p for p in paths if not any(p.startswith(q + "/") for q in paths if q != p))


@dataclass(frozen=True)
class Environment:
    name: str
    tier: str  # production | staging | testing | development | other
    approval: bool
    strategy: str
    canary_steps: tuple[int, ...]
    url: str  # may hold {service}; '' = no URL

    def service_url(self, service: str) -> str:
        return self.url.replace("{service}", service)


@dataclass(frozen=True)
class Stage:
    """One stage; the options of other stage types keep their neutral defaults."""

    name: str
    type: StageType
    needs: tuple[str, ...]
    environment: str = ""  # deploy, integration_test
    coverage_threshold: float = 0  # lint_and_test
    fail_on: str = ""  # security_scan
    image_scan: bool = False
    dependency_scan: bool = False
    sast: bool = False
    e2e: bool = False  # integration_test
    performance: bool = False
    dast: bool = False


@dataclass(frozen=True)
class Gitops:
    repository: str  # 'self' or a clone URL
    overlay: str  # holds {service} and {env}
    branch: str

    @property
    def is_self(self) -> bool:
        return self.repository == "self"

    def overlay_path(self, service: str, env: str) -> str:
        return self.overlay.replace("{service}", service).replace("{env}", env)


@dataclass(frozen=True)
class PipelineSpec:
    version: int
    project: str
    services: tuple[Service, ...]
    shared_paths: tuple[str, ...]
    environments: tuple[Environment, ...]
    gitops: Gitops
    stages: tuple[Stage, ...]
    settings: Settings
    repository_checks: bool

    def environment(self, name: str) -> Environment:
        for env in self.environments:
            if env.name == name:
                return env
        raise KeyError(name)

    def strategy_for(self, service: Service, env: Environment) -> tuple[str, tuple[int, ...]]:
        """The rollout strategy and canary steps of ``service`` in ``env``: a service's own strategy
        applies to production-tier environments, every other environment uses its own."""
        if env.tier == "production" and service.strategy:
            return service.strategy, service.canary_steps or env.canary_steps
        return env.strategy, env.canary_steps


def from_normalized(data: Mapping[str, Any]) -> PipelineSpec:
    """The typed form of a spec :func:`.specfile.normalize` returned (every key present)."""
    settings = data["settings"]
    rollback = settings["rollback"]
    return PipelineSpec(
        version=data["version"],
        project=data["project"],
        services=tuple(_service(s) for s in data["services"]),
        shared_paths=tuple(data["shared_paths"]),
        environments=tuple(
            Environment(e["name"], e["tier"], e["approval"], e["strategy"], tuple(e["canary_steps"]), e["url"])
            for e in data["environments"]
        ),
        gitops=Gitops(data["gitops"]["repository"], data["gitops"]["overlay"], data["gitops"]["branch"]),
        stages=tuple(_stage(s) for s in data["stages"]),
        settings=Settings(**{k: v for k, v in settings.items() if k != "rollback"},
                          rollback=Rollback(rollback["error_rate_percent"], rollback["latency_p95_factor"],
                                            rollback["health_checks"])),
        repository_checks=data["repository_checks"],
    )


def _service(svc: Mapping[str, Any]) -> Service:
    return Service(
        name=svc["name"], path=svc["path"], image=svc["image"], dockerfile=svc["dockerfile"],
        context=svc["context"], watch=tuple(svc["watch"]), commands=MappingProxyType(dict(svc["commands"])),
        skip=MappingProxyType(dict(svc["skip"])), language=svc["language"], strategy=svc["strategy"],
        canary_steps=tuple(svc["canary_steps"]), ci_image=svc["ci_image"],
    )


def _stage(stage: Mapping[str, Any]) -> Stage:
    options = {k: v for k, v in stage.items() if k not in ("name", "type", "needs")}
    return Stage(stage["name"], cast(StageType, stage["type"]), tuple(stage["needs"]), **options)
