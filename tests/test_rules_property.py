"""Property: the rendered repository, its pipeline.yaml and the Python spec apply template/_lib/rules.yaml alike.

Random answer sets (a seeded generator, so a failure names a case that reproduces) with environments drawn from a
pool of known and unknown names, sometimes with an explicit tier, namespace pattern or sync, and 1-6 services with
random scaling levels, replicas, declared autoscaling ranges and expected load. Each is rendered through the
product API; then for every environment and service the tier (overlay header, AppProject description,
pipeline.yaml), the namespace (overlay, Argo CD Application destination), the replicas, the container size and the
HPA range (overlay patches) must equal what ``parasol_gitops.spec`` computes from the answers Copier recorded.
"""

from __future__ import annotations

import random
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from _scaffold_renders import _TMP, final_answers, template_copy

from parasol_gitops import resources, rules
from parasol_gitops.pipeline import load_spec
from parasol_gitops.spec import Environment, PlatformSpec, Service

SEED = 20261130
CASES = 25
ENV_POOL = ("dev", "development", "stage", "staging", "prod", "production", "qa", "perf", "uat")
TIERS = ("development", "staging", "production", "testing", "perf")
PATTERNS = ("{project}-{env}", "{env}-{project}", "team-{env}", "{env}")


def _environment(rng: random.Random, name: str) -> dict[str, Any]:
    env: dict[str, Any] = {"name": name}
    if rng.random() < 0.35:
        env["tier"] = rng.choice(TIERS)
    if rng.random() < 0.5:
        env["namespace"] = rng.choice(PATTERNS)
    if rng.random() < 0.3:
        env["sync"] = rng.choice(("auto", "manual"))
    return env


def _service(rng: random.Random, index: int, env_names: list[str]) -> dict[str, Any]:
    svc: dict[str, Any] = {"name": f"svc-{index}"}
    if rng.random() < 0.8:
        svc["scaling"] = rng.choice(("high", "medium", "low"))
    if rng.random() < 0.5:
        svc["strategy"] = rng.choice(("rolling", "blue-green", "canary"))
    if rng.random() < 0.6:  # 0 replicas means "the tier's default", as in the template
        svc["replicas"] = {name: rng.randint(0, 6) for name in env_names if rng.random() < 0.6}
    declared: dict[str, int] = {}
    if rng.random() < 0.3:
        declared["min"] = rng.randint(1, 5)
    if rng.random() < 0.3:
        declared["max"] = declared.get("min", 1) + rng.randint(0, 30)
    if declared:
        svc["autoscaling"] = declared
    if rng.random() < 0.3:
        svc["expected_rps"] = rng.choice((5, 80, 333.3, 2000))
    if rng.random() < 0.2:
        svc["rps_per_pod"] = rng.choice((10, 25, 120))
    return svc


def _case(index: int) -> dict[str, Any]:
    rng = random.Random(SEED + index)
    env_names = rng.sample(ENV_POOL, rng.randint(1, 4))
    return {
        "project_name": f"prop{index}",
        "environments": [_environment(rng, name) for name in env_names],
        "services": [_service(rng, i, env_names) for i in range(rng.randint(1, 6))],
    }


def _patch_ops(overlay: dict[str, Any], kind: str) -> dict[str, Any]:
    """path → value of the JSON-patch ops the overlay applies to its object of ``kind``."""
    for patch in overlay.get("patches") or []:
        if patch["target"]["kind"] == kind:
            return {op["path"]: op["value"] for op in yaml.safe_load(patch["patch"])}
    raise AssertionError(f"the overlay patches no {kind}")


def _check_environment(root: Path, spec: PlatformSpec, env: Environment, pipeline_env: dict[str, Any]) -> None:
    project = spec.project_name
    namespace = env.namespace_for(project)
    app_project = yaml.safe_load((root / "projects" / f"{env.name}.yaml").read_text(encoding="utf-8"))
    assert app_project["spec"]["description"] == f"{project} {env.name} ({env.tier})"
    assert pipeline_env["tier"] == env.pipeline_tier == rules.get().pipeline_tier(env.tier)
    assert pipeline_env["approval"] is (env.tier == "production")
    for svc in spec.services:
        _check_service(root, env, svc, namespace)


def _check_service(root: Path, env: Environment, svc: Service, namespace: str) -> None:
    where = f"{svc.name} in {env.name}"
    text = (root / "services" / svc.name / "overlays" / env.name / "kustomization.yaml").read_text(encoding="utf-8")
    assert text.startswith(f"# {svc.name} in {env.name} ({env.tier})."), where
    overlay = yaml.safe_load(text)
    assert overlay["namespace"] == namespace, where
    app = yaml.safe_load((root / "apps" / env.name / f"{svc.name}.yaml").read_text(encoding="utf-8"))
    assert app["spec"]["destination"]["namespace"] == namespace, where
    workload = _patch_ops(overlay, "Deployment" if svc.strategy == "rolling" else "Rollout")
    assert workload["/spec/replicas"] == svc.replicas_in(env), where
    table = rules.get()
    size = table.sizes[table.development_size if env.tier == "development" else svc.scaling]
    assert workload["/spec/template/spec/containers/0/resources"] == {
        "requests": {"cpu": f"{size.req_cpu}m", "memory": f"{size.req_mem}Mi"},
        "limits": {"cpu": f"{size.lim_cpu}m", "memory": f"{size.lim_mem}Mi"}}, where
    hpa = _patch_ops(overlay, "HorizontalPodAutoscaler")
    assert (hpa["/spec/minReplicas"], hpa["/spec/maxReplicas"]) == svc.hpa_range(env), where


@pytest.fixture(scope="module")
def template_dir() -> Path:
    """The working tree's template as a plain folder (see _scaffold_renders.template_copy)."""
    return template_copy("rules-property-template")[0]


@pytest.mark.parametrize("index", range(CASES))
def test_rendered_repository_pipeline_and_spec_agree(template_dir: Path, index: int) -> None:
    from parasol_gitops import scaffold

    answers = _case(index)
    root = _TMP / f"rules-property-{index}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scaffold.render(root, answers, src=str(template_dir))
    spec = PlatformSpec.from_answers(final_answers(root))
    pipeline = load_spec(root / "pipeline.yaml")
    assert [e["name"] for e in pipeline["environments"]] == [e.name for e in spec.environments]
    for env, pipeline_env in zip(spec.environments, pipeline["environments"], strict=True):
        _check_environment(root, spec, env, pipeline_env)


def test_the_cases_cover_every_rule() -> None:
    """The generator reaches each table's rows: every tier by name and explicitly, every scaling level, declared
    ranges, tier-default and explicit replicas."""
    cases = [_case(i) for i in range(CASES)]
    envs = [e for c in cases for e in c["environments"]]
    services = [s for c in cases for s in c["services"]]
    derived = {rules.get().tier_for(e["name"]) for e in envs if "tier" not in e}
    assert {"development", "staging", "production", "testing"} <= derived and derived - set(TIERS)
    assert set(TIERS) <= {e["tier"] for e in envs if "tier" in e}
    assert {"high", "medium", "low"} <= {s.get("scaling") for s in services}
    assert any("min" in s.get("autoscaling", {}) for s in services)
    assert any("max" in s.get("autoscaling", {}) for s in services)
    assert any(0 in s.get("replicas", {}).values() for s in services)
    assert sum(len(c["services"]) * len(c["environments"]) for c in cases) >= 100


def test_copier_default_environments_are_the_rules_defaults() -> None:
    """copier.yml writes its default answer out (the prompt shows it); spec.py takes rules.yaml's."""
    copier = yaml.safe_load((resources.template_root() / "copier.yml").read_text(encoding="utf-8"))
    assert copier["environments"]["default"] == [dict(e) for e in rules.get().default_environments]
    assert [vars(e) for e in PlatformSpec(project_name="shop", services=[]).environments] == copier[
        "environments"]["default"]
