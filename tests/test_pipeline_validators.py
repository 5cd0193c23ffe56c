"""Every bundled spec, both targets, proven by the real consumers and by our own graph check."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from parasol_gitops.pipeline import PIPELINES_DIR, load_spec, synthesize
from parasol_gitops.pipeline.actions import ACTIONS
from parasol_gitops.pipeline.model import check_graph
from tests.conftest import find_tool, run_tool

EXAMPLES = sorted(p.stem for p in (PIPELINES_DIR / "examples").glob("*.yaml"))


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    out = {}
    for name in EXAMPLES:
        spec = load_spec(PIPELINES_DIR / "examples" / f"{name}.yaml")
        for target in ("github", "gitlab"):
            root = tmp_path_factory.mktemp(f"{name}-{target}")
            _write(root, synthesize(spec, target))
            out[(name, target)] = root
    return out


def test_at_least_three_examples() -> None:
    assert {"single-service", "monorepo", "mixed-strategies"} <= set(EXAMPLES)


@pytest.mark.parametrize("name", EXAMPLES)
def test_actionlint_with_shellcheck(rendered: dict, name: str) -> None:
    actionlint = find_tool("actionlint")
    find_tool("shellcheck")  # without it actionlint silently skips the run: scripts
    root = rendered[(name, "github")]
    workflows = sorted(str(p) for p in (root / ".github/workflows").glob("*.yml"))
    assert workflows
    result = run_tool([actionlint, "-shellcheck", find_tool("shellcheck"), *workflows], cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", EXAMPLES)
def test_zizmor_offline_no_findings(rendered: dict, name: str) -> None:
    root = rendered[(name, "github")]
    result = run_tool([find_tool("zizmor"), "--offline", "--no-progress", ".github/workflows"], cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("target", ["github", "gitlab"])
def test_check_jsonschema_vendor_schemas(rendered: dict, name: str, target: str) -> None:
    root = rendered[(name, target)]
    if target == "github":
        files = sorted(str(p) for p in (root / ".github/workflows").glob("*.yml"))
        args = ["--builtin-schema", "vendor.github-workflows", *files]
    else:
        args = ["--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci", str(root / ".gitlab-ci.yml")]
    result = run_tool([find_tool("check-jsonschema"), *args])
    assert result.returncode == 0, result.stdout + result.stderr


def _graph(root: Path, target: str) -> tuple[dict[str, list[str]], dict[str, str], list[str]]:
    yaml = YAML(typ="safe")
    if target == "github":
        needs: dict[str, list[str]] = {}
        for wf in sorted((root / ".github/workflows").glob("*.yml")):
            for job_id, job in yaml.load(wf.read_text())["jobs"].items():
                raw = job.get("needs", [])
                needs[job_id] = [raw] if isinstance(raw, str) else list(raw)
        return needs, {j: "jobs" for j in needs}, ["jobs"]
    doc = yaml.load((root / ".gitlab-ci.yml").read_text())
    reserved = {"workflow", "stages", "default", "variables", "include"}
    jobs = {k: v for k, v in doc.items() if k not in reserved and not k.startswith(".")}
    needs = {k: [n if isinstance(n, str) else n["job"] for n in v.get("needs", [])] for k, v in jobs.items()}
    return needs, {k: v["stage"] for k, v in jobs.items()}, list(doc["stages"])


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("target", ["github", "gitlab"])
def test_own_graph_check_on_emitted_yaml(rendered: dict, name: str, target: str) -> None:
    needs, stage_of, stages = _graph(rendered[(name, target)], target)
    assert len(needs) > 3
    assert check_graph(needs, stage_of, stages) == []


def test_graph_check_catches_what_the_schemas_accept() -> None:
    problems = check_graph({"a": ["missing"], "b": ["c"], "c": ["b"], "d": []},
                           {"a": "s1", "b": "s1", "c": "s1", "d": "nowhere"}, ["s1"])
    text = "\n".join(problems)
    assert "needs missing job 'missing'" in text
    assert "undefined stage 'nowhere'" in text
    assert "cycle" in text


def test_actions_pinned_by_sha_with_version_comment(rendered: dict) -> None:
    text = (rendered[("mixed-strategies", "github")] / ".github/workflows/ci.yml").read_text()
    uses = [line.strip() for line in text.splitlines() if line.strip().startswith(("uses:", "- uses:"))]
    assert uses
    for line in uses:
        ref, _, comment = line.split("uses: ", 1)[1].partition("#")
        ref, comment = ref.strip(), comment.strip()
        repo, _, sha = ref.partition("@")
        assert len(sha) == 40 and all(c in "0123456789abcdef" for c in sha), line
        assert (repo, sha, comment) in set(ACTIONS.values()), line


def test_github_security_shape(rendered: dict) -> None:
    yaml = YAML(typ="safe")
    wf = yaml.load((rendered[("monorepo", "github")] / ".github/workflows/ci.yml").read_text())
    assert wf["permissions"] == {}
    for job_id, job in wf["jobs"].items():
        assert "permissions" in job, job_id
        has_id_token = job["permissions"].get("id-token") == "write"
        assert has_id_token == (job_id == "build"), job_id
        for step in job.get("steps", []):
            assert "${{" not in step.get("run", ""), (job_id, step["name"])
    assert wf["jobs"]["deploy_production"]["environment"]["name"] == "production"
    assert wf["jobs"]["deploy_production"]["concurrency"]["cancel-in-progress"] is False
    assert "ci-passed" in wf["jobs"] and wf["jobs"]["ci-passed"]["if"] == "${{ always() }}"


def test_gitlab_shape(rendered: dict) -> None:
    yaml = YAML(typ="safe")
    doc = yaml.load((rendered[("mixed-strategies", "gitlab")] / ".gitlab-ci.yml").read_text())
    assert "include" not in doc and doc["default"]["interruptible"] is True
    prod = doc["deploy_production:checkout"]
    assert prod["resource_group"] == "production/checkout"
    assert prod["environment"]["deployment_tier"] == "production"
    assert all(r["when"] == "manual" and r["allow_failure"] is False for r in prod["rules"])
    assert doc[".parasol-deploy"]["interruptible"] is False
    canary = [k for k in doc if k.startswith("deploy_production-canary-") and k.endswith(":fraud")]
    assert sorted(canary) == sorted(f"deploy_production-canary-{w}:fraud" for w in (5, 25, 50, 100))
    assert doc["deploy_production-canary-25:fraud"]["rules"][0]["when"] == "delayed"
    assert "deploy_production-blue-green-100:ledger" in doc
    assert doc[".parasol-sign"]["id_tokens"]["SIGSTORE_ID_TOKEN"]["aud"] == "sigstore"
    rules = doc["build:checkout"]["rules"]
    assert rules[2]["changes"]["compare_to"] == "refs/heads/main"


def test_byte_identical_for_equal_input() -> None:
    spec_path = PIPELINES_DIR / "examples" / "mixed-strategies.yaml"
    for target in ("github", "gitlab"):
        first = synthesize(load_spec(spec_path), target)
        second = synthesize(load_spec(spec_path), target)
        assert first == second
        assert all(text.endswith("\n") and "Do not edit by hand" in text.splitlines()[0] for text in first.values())
