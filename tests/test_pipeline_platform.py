"""spec_from_platform: the pipeline a generated platform gets, and the pinned tool requirement."""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml import YAML

from parasol_gitops import resources
from parasol_gitops.pipeline import GITHUB_FILES, GITLAB_FILES, spec_from_platform, synthesize, validate_spec
from parasol_gitops.pipeline.specfile import TOOL_PACKAGE
from parasol_gitops.spec import PlatformSpec
from tests.conftest import find_tool, run_tool


def _platform(**extra: object) -> PlatformSpec:
    answers = {"project_name": "shop", "base_domain": "shop.example.org",
               "services": [{"name": "orders"}, {"name": "payments", "strategy": "canary"}], **extra}
    return PlatformSpec.from_answers(answers)


def test_tool_package_pins_this_version() -> None:
    name, _, version = TOOL_PACKAGE.partition("==")
    assert name == "parasol-gitops"
    assert version == resources.version()  # pyproject.toml in a checkout, the metadata when installed
    spec = validate_spec(spec_from_platform(_platform()), source="platform")
    assert spec["settings"]["tool_package"] == TOOL_PACKAGE
    text = synthesize(spec, "gitlab")[".gitlab-ci.yml"]
    assert f"TOOL_PACKAGE: {TOOL_PACKAGE}" in text


def test_platform_spec_has_integration_tests_before_production() -> None:
    data = spec_from_platform(_platform())
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
    data = spec_from_platform(_platform(environments=[{"name": "production"}]))
    assert [s["type"] for s in data["stages"]] == ["lint_and_test", "build", "security_scan", "deploy"]
    assert synthesize(validate_spec(data, source="platform"), "gitlab")


def test_platform_pipelines_pass_the_vendor_schemas(tmp_path: Path) -> None:
    spec = validate_spec(spec_from_platform(_platform()), source="platform")
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


def test_tech_stack_language_reaches_pipeline_yaml_the_same_way_from_the_template(tmp_path: Path) -> None:
    """services[].language (what `parasol-gitops test` falls back on) from the Parasol tech stack: the
    template's pipeline.yaml and spec_from_platform map it alike."""
    import warnings

    from parasol_gitops import scaffold
    from parasol_gitops.pipeline import language_of, load_spec

    stacks = {"orders": "Java 21 / Spring Boot", "payments": "Go 1.22", "web": "TypeScript (Node.js 20)",
              "ledger": "Kotlin", "search": "Python 3.12 / FastAPI", "audit": "Rust", "legacy": "COBOL"}
    answers = {"project_name": "shop", "base_domain": "shop.example.org",
               "services": [{"name": n, "tech_stack": {"language": s}} for n, s in stacks.items()]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scaffold.render(tmp_path / "repo", answers)
    rendered = {s["name"]: s["language"] for s in load_spec(tmp_path / "repo" / "pipeline.yaml")["services"]}
    platform = validate_spec(spec_from_platform(PlatformSpec.from_answers(answers)), source="platform")
    assert rendered == {s["name"]: s["language"] for s in platform["services"]} == {
        "orders": "java-maven", "payments": "go", "web": "node", "ledger": "java-gradle", "search": "python",
        "audit": "rust", "legacy": ""}
    assert language_of("Django") == "python" and language_of("MongoDB") == ""
