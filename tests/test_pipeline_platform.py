"""The pipeline a generated platform gets (the template's own pipeline.yaml, as `new` writes it), and the pinned
tool requirement."""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from _scaffold_renders import _TMP
from ruamel.yaml import YAML

from parasol_gitops import resources
from parasol_gitops.pipeline import GITHUB_FILES, GITLAB_FILES, language_of, load_spec, synthesize, validate_spec
from parasol_gitops.pipeline.specfile import TOOL_PACKAGE
from tests.conftest import find_tool, run_tool

SERVICES = [{"name": "orders"}, {"name": "payments", "strategy": "canary"}]


@cache
def _rendered(answers_json: str) -> Path:
    """The repository `new` renders for these answers (JSON, so the cache can key on it), once per process."""
    from parasol_gitops import scaffold

    dest = _TMP / f"pipeline-platform-{len(list(_TMP.glob('pipeline-platform-*')))}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scaffold.render(dest, json.loads(answers_json))
    return dest


def _pipeline(**extra: object) -> tuple[Path, dict[str, Any]]:
    """The rendered pipeline.yaml's path and its data as written (before the synthesizer's defaults)."""
    answers = {"project_name": "shop", "base_domain": "shop.example.org", "services": SERVICES, **extra}
    path = _rendered(json.dumps(answers, sort_keys=True)) / "pipeline.yaml"
    return path, yaml.safe_load(path.read_text(encoding="utf-8"))


def test_tool_package_pins_this_version() -> None:
    name, _, version = TOOL_PACKAGE.partition("==")
    assert name == "parasol-gitops"
    assert version == resources.version()  # pyproject.toml in a checkout, the metadata when installed
    spec = load_spec(_pipeline()[0])
    assert spec["settings"]["tool_package"] == TOOL_PACKAGE
    text = synthesize(spec, "gitlab")[".gitlab-ci.yml"]
    assert f"TOOL_PACKAGE: {TOOL_PACKAGE}" in text


def test_platform_spec_has_integration_tests_before_production() -> None:
    _, data = _pipeline()
    envs = {e["name"]: e for e in data["environments"]}
    assert envs["staging"]["url"] == "https://staging.shop.example.org/{service}"
    assert [s["name"] for s in data["stages"]] == [
        "lint_and_test", "build", "security_scan", "deploy_dev", "deploy_staging", "integration_test",
        "deploy_production"]
    integration = next(s for s in data["stages"] if s["type"] == "integration_test")
    assert integration["environment"] == "staging" and integration["needs"] == ["deploy_staging"]
    assert next(s for s in data["stages"] if s["name"] == "deploy_production")["needs"] == ["integration_test"]
    spec = validate_spec(data, source="platform")
    child = YAML(typ="safe").load(synthesize(spec, "gitlab")[".gitlab/ci/service-canary.yml"])
    for check in ("e2e", "performance", "dast"):
        job = child[f"integration_test-{check}"]
        assert job["variables"]["BASE_URL"] == "https://staging.shop.example.org/$SERVICE"
    ci = YAML(typ="safe").load(synthesize(spec, "github")[".github/workflows/ci.yml"])
    assert {"integration_test-e2e", "integration_test-performance", "integration_test-dast"} <= set(ci["jobs"])


def test_platform_without_an_environment_before_production_has_no_integration_stage() -> None:
    _, data = _pipeline(environments=[{"name": "production"}])
    assert [s["type"] for s in data["stages"]] == ["lint_and_test", "build", "security_scan", "deploy"]
    assert [(e["name"], e["tier"], e["approval"]) for e in data["environments"]] == [("production", "production", True)]
    assert synthesize(validate_spec(data, source="platform"), "gitlab")


def test_platform_pipelines_pass_the_vendor_schemas(tmp_path: Path) -> None:
    spec = load_spec(_pipeline()[0])
    for target in ("github", "gitlab"):
        for rel, text in synthesize(spec, target).items():
            (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / rel).write_text(text)
    checker = find_tool("check-jsonschema")
    gitlab = run_tool([checker, "--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci",
                       *(str(tmp_path / rel) for rel in GITLAB_FILES)])
    assert gitlab.returncode == 0, gitlab.stdout + gitlab.stderr
    github = run_tool([checker, "--builtin-schema", "vendor.github-workflows",
                       *(str(tmp_path / rel) for rel in GITHUB_FILES)])
    assert github.returncode == 0, github.stdout + github.stderr


def test_tech_stack_language_reaches_pipeline_yaml_as_language_of_maps_it() -> None:
    """services[].language (what `parasol-gitops test` falls back on) from the Parasol tech stack: the
    template's pipeline.yaml and parasol_gitops.pipeline.language_of map it alike."""
    stacks = {"orders": "Java 21 / Spring Boot", "payments": "Go 1.22", "web": "TypeScript (Node.js 20)",
              "ledger": "Kotlin", "search": "Python 3.12 / FastAPI", "audit": "Rust", "legacy": "COBOL"}
    path, _ = _pipeline(services=[{"name": n, "tech_stack": {"language": s}} for n, s in stacks.items()])
    rendered = {s["name"]: s["language"] for s in load_spec(path)["services"]}
    assert rendered == {name: language_of(stack) for name, stack in stacks.items()} == {
        "orders": "java-maven", "payments": "go", "web": "node", "ledger": "java-gradle", "search": "python",
        "audit": "rust", "legacy": ""}
    assert language_of("Django") == "python" and language_of("MongoDB") == ""
