"""The target-neutral pipeline: jobs, needs, gates and environments as data.

Built from the typed spec (:mod:`.spectypes`); the GitHub and GitLab emitters only translate it, each
through :func:`dispatch` over its :class:`JobBuilders`.
Per-service jobs become a matrix on GitHub and, on GitLab, one child pipeline per changed service
(a trigger job with ``rules:changes`` in the parent).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Generic, TypeVar, assert_never

from ..errors import ParasolGitopsError
from ..messages import t
from .spectypes import Environment, PipelineSpec, Stage


class JobKind(StrEnum):
    LINT_AND_TEST = "lint_and_test"
    BUILD = "build"
    IMAGE_SCAN = "image_scan"
    DEPENDENCY_SCAN = "dependency_scan"
    SAST = "sast"
    DEPLOY = "deploy"
    E2E = "e2e"
    PERFORMANCE = "performance"
    DAST = "dast"
    CHECKS = "checks"  # repository-checks: once per pipeline, not per service


# Jobs that run against a deployed environment: only on the refs that deploy.
DEPLOY_SIDE = frozenset({JobKind.DEPLOY, JobKind.E2E, JobKind.PERFORMANCE, JobKind.DAST})


@dataclass(frozen=True)
class Job:
    id: str
    stage: str
    kind: JobKind
    per_service: bool = True
    needs: tuple[str, ...] = ()
    environment: str = ""  # deploy and integration-test jobs
    coverage_threshold: float = 0  # lint_and_test
    sbom: bool = False  # build
    provenance: bool = False
    severity: str = ""  # scans: the severities that fail the job, lowest first (LOW,MEDIUM,...)


@dataclass(frozen=True)
class Pipeline:
    spec: PipelineSpec
    stages: tuple[str, ...]  # topological order of the spec's stages
    jobs: tuple[Job, ...]

    def environment(self, name: str) -> Environment:
        return self.spec.environment(name)

    def has(self, kind: JobKind) -> bool:
        return any(j.kind == kind for j in self.jobs)


T = TypeVar("T")


@dataclass(frozen=True)
class JobBuilders(Generic[T]):
    """What an emitter makes of each per-service job kind (one field per :class:`JobKind` but CHECKS, named
    like its value); :func:`dispatch` picks one. A new kind is a missing argument in each emitter until
    it is handled."""

    lint_and_test: Callable[[Job], T]
    build: Callable[[Job], T]
    image_scan: Callable[[Job], T]
    dependency_scan: Callable[[Job], T]
    sast: Callable[[Job], T]
    deploy: Callable[[Job], T]
    e2e: Callable[[Job], T]
    performance: Callable[[Job], T]
    dast: Callable[[Job], T]


def dispatch(builders: JobBuilders[T], job: Job) -> T:
    """The one job-kind dispatch of the GitHub and GitLab emitters: the builder named like the kind."""
    if job.kind == JobKind.CHECKS:  # emitted once per pipeline by each emitter, never per service
        raise ValueError(job.kind)
    builder: Callable[[Job], T] = getattr(builders, job.kind.value)
    return builder(job)


REPOSITORY_CHECKS_STAGE = "repository_checks"


def build_model(spec: PipelineSpec) -> Pipeline:
    stages = _topological([s.name for s in spec.stages], {s.name: s.needs for s in spec.stages})
    by_name = {s.name: s for s in spec.stages}
    stage_jobs: dict[str, list[Job]] = {name: _jobs_for_stage(spec, by_name[name]) for name in stages}

    def resolved_needs(stage_name: str) -> list[str]:
        out: list[str] = []
        for need in by_name[stage_name].needs:
            jobs = stage_jobs[need]
            out.extend(j.id for j in jobs) if jobs else out.extend(resolved_needs(need))
        return sorted(set(out))

    jobs: list[Job] = []
    if spec.repository_checks:
        jobs.append(Job(id="repository-checks", stage=REPOSITORY_CHECKS_STAGE, kind=JobKind.CHECKS,
                        per_service=False))
    for name in stages:
        needs = tuple(resolved_needs(name))
        jobs.extend(replace(job, needs=needs) for job in stage_jobs[name])
    all_stages = ([REPOSITORY_CHECKS_STAGE] if spec.repository_checks else []) + stages
    pipeline = Pipeline(spec=spec, stages=tuple(all_stages), jobs=tuple(jobs))
    problems = check_graph({j.id: list(j.needs) for j in jobs}, {j.id: j.stage for j in jobs}, all_stages)
    if problems:  # the spec checks make this unreachable; refusing beats emitting a broken pipeline
        raise ParasolGitopsError(t("pipeline.spec.internal_graph", problems="; ".join(problems)))
    return pipeline


def _jobs_for_stage(spec: PipelineSpec, stage: Stage) -> list[Job]:
    name = stage.name
    match stage.type:
        case "lint_and_test":
            return [Job(name, name, JobKind.LINT_AND_TEST, coverage_threshold=stage.coverage_threshold)]
        case "build":
            return [Job(name, name, JobKind.BUILD, sbom=spec.settings.sbom, provenance=spec.settings.provenance)]
        case "security_scan":
            severity = _severities(stage.fail_on)
            scans = (("image", JobKind.IMAGE_SCAN, stage.image_scan),
                     ("deps", JobKind.DEPENDENCY_SCAN, stage.dependency_scan), ("sast", JobKind.SAST, stage.sast))
            return [Job(f"{name}-{short}", name, kind, severity=severity) for short, kind, on in scans if on]
        case "deploy":
            return [Job(name, name, JobKind.DEPLOY, environment=stage.environment)]
        case "integration_test":
            if not spec.environment(stage.environment).url:  # every check needs a target URL: a pass-through
                return []
            checks = ((JobKind.E2E, stage.e2e), (JobKind.PERFORMANCE, stage.performance), (JobKind.DAST, stage.dast))
            return [Job(f"{name}-{kind.value}", name, kind, environment=stage.environment) for kind, on in checks if on]
        case _:
            assert_never(stage.type)


def semgrep_severity(job: Job) -> str:
    """Semgrep knows ERROR and WARNING: a gate at HIGH or above fails on ERROR only."""
    return "ERROR" if job.severity.startswith(("HIGH", "CRITICAL")) else "WARNING"


def _severities(lowest: str) -> str:
    order = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
    return ",".join(order[order.index(lowest):])


def _topological(names: list[str], needs: Mapping[str, Sequence[str]]) -> list[str]:
    """Stable topological order: spec order, except that a stage always follows what it needs.

    graphlib, not recursion or repeated scans: a long ``needs`` chain costs linear time and no stack."""
    from graphlib import CycleError, TopologicalSorter

    position = {name: i for i, name in enumerate(names)}
    sorter = TopologicalSorter({name: needs[name] for name in names})
    try:
        sorter.prepare()
    except CycleError:
        raise ParasolGitopsError(t("pipeline.spec.internal_cycle")) from None
    out: list[str] = []
    ready: list[tuple[int, str]] = []
    while sorter.is_active():
        ready.extend((position[n], n) for n in sorter.get_ready())
        heapq.heapify(ready)
        _, name = heapq.heappop(ready)  # the earliest stage in spec order among those whose needs are placed
        out.append(name)
        sorter.done(name)
    return out


def check_graph(needs: dict[str, list[str]], stage_of: dict[str, str], stages: list[str]) -> list[str]:
    """Problems of a job graph: a need on a missing job, an undefined stage, a need on a later stage,
    a cycle. Used on the model before emitting and on the emitted YAML in the tests."""
    problems: list[str] = []
    order = {s: i for i, s in enumerate(stages)}
    for job, deps in sorted(needs.items()):
        stage = stage_of.get(job)
        if stage not in order:
            problems.append(f"job '{job}' is in undefined stage '{stage}'")
        for dep in deps:
            if dep not in needs:
                problems.append(f"job '{job}' needs missing job '{dep}'")
            elif stage in order and stage_of.get(dep) in order and order[stage_of[dep]] > order[stage]:
                problems.append(f"job '{job}' needs '{dep}' from a later stage")
    from graphlib import CycleError, TopologicalSorter

    known = {job: [dep for dep in deps if dep in needs] for job, deps in sorted(needs.items())}
    try:
        TopologicalSorter(known).prepare()
    except CycleError as exc:
        problems.append("cycle: " + " -> ".join(reversed(exc.args[1])))
    return problems
