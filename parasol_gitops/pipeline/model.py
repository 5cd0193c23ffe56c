"""The target-neutral pipeline: jobs, needs, gates and environments as data.

Built from a normalized spec (:mod:`.specfile`); the GitHub and GitLab emitters only translate it.
Per-service jobs become a matrix on GitHub and, on GitLab, one child pipeline per changed service
(a trigger job with ``rules:changes`` in the parent).
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

from ..errors import ParasolGitopsError


@dataclass
class Job:
    id: str
    stage: str
    # lint_and_test | build | image_scan | dependency_scan | sast | deploy | e2e | performance | dast | checks
    kind: str
    per_service: bool = True
    needs: list[str] = field(default_factory=list)
    environment: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Pipeline:
    spec: dict[str, Any]
    stages: list[str]  # topological order of the spec's stages
    jobs: list[Job]

    def job(self, job_id: str) -> Job:
        for job in self.jobs:
            if job.id == job_id:
                return job
        raise KeyError(job_id)

    def environment(self, name: str) -> dict[str, Any]:
        for env in self.spec["environments"]:
            if env["name"] == name:
                return env
        raise KeyError(name)


REPOSITORY_CHECKS_STAGE = "repository_checks"


def strategy_for(spec: dict[str, Any], service: dict[str, Any], env: dict[str, Any]) -> tuple[str, list[int]]:
    """The rollout strategy and canary steps of ``service`` in ``env``: a service's own strategy
    applies to production-tier environments, every other environment uses its own."""
    if env["tier"] == "production" and service["strategy"]:
        return service["strategy"], service["canary_steps"] or env["canary_steps"]
    return env["strategy"], env["canary_steps"]


def watch_paths(service: dict[str, Any]) -> list[str]:
    """Files and folders whose change means this service must be rebuilt (entries inside another dropped)."""
    everything = {service["path"], service["context"], service["dockerfile"], *service["watch"]}
    if everything & {"", "."}:  # a service at the repository root changes with every file
        return ["."]
    paths = sorted(everything)
    return [p for p in paths if not any(p.startswith(q + "/") for q in paths if q != p)]


def build_model(spec: dict[str, Any]) -> Pipeline:
    stages = _topological([s["name"] for s in spec["stages"]], {s["name"]: s["needs"] for s in spec["stages"]})
    by_name = {s["name"]: s for s in spec["stages"]}
    stage_jobs: dict[str, list[Job]] = {}
    for name in stages:
        stage = by_name[name]
        stage_jobs[name] = _jobs_for_stage(spec, stage)

    def resolved_needs(stage_name: str) -> list[str]:
        out: list[str] = []
        for need in by_name[stage_name]["needs"]:
            jobs = stage_jobs[need]
            out.extend(j.id for j in jobs) if jobs else out.extend(resolved_needs(need))
        return sorted(set(out))

    jobs: list[Job] = []
    if spec["repository_checks"]:
        jobs.append(Job(id="repository-checks", stage=REPOSITORY_CHECKS_STAGE, kind="checks", per_service=False))
    for name in stages:
        needs = resolved_needs(name)
        for job in stage_jobs[name]:
            job.needs = needs
            jobs.append(job)
    all_stages = ([REPOSITORY_CHECKS_STAGE] if spec["repository_checks"] else []) + stages
    pipeline = Pipeline(spec=spec, stages=all_stages, jobs=jobs)
    problems = check_graph({j.id: j.needs for j in jobs}, {j.id: j.stage for j in jobs}, all_stages)
    if problems:  # the spec checks make this unreachable; refusing beats emitting a broken pipeline
        raise ParasolGitopsError("internal: pipeline graph invalid: " + "; ".join(problems))
    return pipeline


def _jobs_for_stage(spec: dict[str, Any], stage: dict[str, Any]) -> list[Job]:
    name, kind = stage["name"], stage["type"]
    if kind == "lint_and_test":
        return [Job(name, name, "lint_and_test", params={"coverage_threshold": stage["coverage_threshold"]})]
    if kind == "build":
        settings = spec["settings"]
        return [Job(name, name, "build", params={"sbom": settings["sbom"], "provenance": settings["provenance"]})]
    if kind == "security_scan":
        severity = _severities(stage["fail_on"])
        return [
            Job(f"{name}-{short}", name, job_kind, params={"severity": severity})
            for short, job_kind in (("image", "image_scan"), ("deps", "dependency_scan"), ("sast", "sast"))
            if stage[job_kind]
        ]
    if kind == "deploy":
        return [Job(name, name, "deploy", environment=stage["environment"])]
    if kind == "integration_test":
        env = next(e for e in spec["environments"] if e["name"] == stage["environment"])
        if not env["url"]:  # every check needs a target URL; without one the stage is a pass-through
            return []
        return [
            Job(f"{name}-{check}", name, check, environment=stage["environment"])
            for check in ("e2e", "performance", "dast")
            if stage[check]
        ]
    raise ValueError(kind)


def _severities(lowest: str) -> str:
    order = ("LOW", "MEDIUM", "HIGH", "CRITICAL")
    return ",".join(order[order.index(lowest):])


def _topological(names: list[str], needs: dict[str, list[str]]) -> list[str]:
    """Stable topological order: spec order, except that a stage always follows what it needs.

    graphlib, not recursion or repeated scans: a long ``needs`` chain costs linear time and no stack."""
    from graphlib import CycleError, TopologicalSorter

    position = {name: i for i, name in enumerate(names)}
    sorter = TopologicalSorter({name: needs[name] for name in names})
    try:
        sorter.prepare()
    except CycleError:
        raise ParasolGitopsError("internal: cycle in stages") from None
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
