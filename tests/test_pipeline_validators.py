"""Every bundled spec, both targets, proven by the real consumers and by our own graph check."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from parasol_gitops import versions
from parasol_gitops.pipeline import GITLAB_FILES, PIPELINES_DIR, load_spec, synthesize
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
    else:  # the parent and every child pipeline
        files = [str(root / rel) for rel in GITLAB_FILES]
        args = ["--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci", *files]
    result = run_tool([find_tool("check-jsonschema"), *args])
    assert result.returncode == 0, result.stdout + result.stderr


RESERVED = {"workflow", "stages", "default", "variables", "include"}


def _gitlab_jobs(doc: dict) -> dict[str, dict]:
    return {k: v for k, v in doc.items() if k not in RESERVED and not k.startswith(".")}


def _graphs(root: Path, target: str) -> list[tuple[dict[str, list[str]], dict[str, str], list[str]]]:
    """One job graph per pipeline: the GitHub workflows together; the GitLab parent and each child."""
    yaml = YAML(typ="safe")
    if target == "github":
        needs: dict[str, list[str]] = {}
        for wf in sorted((root / ".github/workflows").glob("*.yml")):
            for job_id, job in yaml.load(wf.read_text())["jobs"].items():
                raw = job.get("needs", [])
                needs[job_id] = [raw] if isinstance(raw, str) else list(raw)
        return [(needs, {j: "jobs" for j in needs}, ["jobs"])]
    out = []
    for rel in GITLAB_FILES:
        doc = yaml.load((root / rel).read_text())
        jobs = _gitlab_jobs(doc)
        needs = {k: [n if isinstance(n, str) else n["job"] for n in v.get("needs", [])] for k, v in jobs.items()}
        stage_of = {k: _stage(doc, v) for k, v in jobs.items()}
        out.append((needs, stage_of, list(doc["stages"])))
    return out


def _stage(doc: dict, job: dict) -> str:
    while "stage" not in job:
        job = doc[job["extends"]]
    return job["stage"]


@pytest.mark.parametrize("name", EXAMPLES)
@pytest.mark.parametrize("target", ["github", "gitlab"])
def test_own_graph_check_on_emitted_yaml(rendered: dict, name: str, target: str) -> None:
    for needs, stage_of, stages in _graphs(rendered[(name, target)], target):
        assert needs
        assert check_graph(needs, stage_of, stages) == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_gitlab_triggers_include_existing_children(rendered: dict, name: str) -> None:
    """Across files: every trigger job of the parent includes a child that was written, and every
    service of the spec has exactly one trigger."""
    root = rendered[(name, "gitlab")]
    yaml = YAML(typ="safe")
    doc = yaml.load((root / ".gitlab-ci.yml").read_text())
    spec = load_spec(PIPELINES_DIR / "examples" / f"{name}.yaml")
    triggers = {}
    for job_name, job in _gitlab_jobs(doc).items():
        body = job
        while "trigger" not in body and "extends" in body:
            body = doc[body["extends"]]
        if "trigger" in body:
            triggers[job_name] = body["trigger"]
            assert _stage(doc, job) in doc["stages"]
    assert sorted(triggers) == sorted(f"service:{s['name']}" for s in spec["services"])
    for trigger in triggers.values():
        assert trigger["strategy"] == "depend"
        assert (root / trigger["include"]).is_file(), trigger["include"]
        assert trigger["include"] in GITLAB_FILES


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
    local = [line for line in uses if line.split("uses: ", 1)[1].startswith("./")]
    # deploy_staging and deploy_production call the reusable deploy workflow of this repository
    assert local == ["uses: ./.github/workflows/deploy.yml  # zizmor: ignore[self-repository]"] * 2
    for line in (line for line in uses if line not in local):
        ref, _, comment = line.split("uses: ", 1)[1].partition("#")
        ref, comment = ref.strip(), comment.strip()
        repo, _, sha = ref.partition("@")
        assert len(sha) == 40 and all(c in "0123456789abcdef" for c in sha), line
        assert versions.Action(repo, sha, comment) in versions.get().actions.values(), line


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
    # every environment's deploy calls the one reusable deploy workflow, bound to its GitHub environment
    production = wf["jobs"]["deploy_production"]
    assert production["uses"] == "./.github/workflows/deploy.yml"
    assert production["with"]["environment"] == "production" and production["permissions"] == {"contents": "read"}
    deploy = yaml.load((rendered[("monorepo", "github")] / ".github/workflows/deploy.yml").read_text())
    assert list(deploy["on"]) == ["workflow_call"] and deploy["permissions"] == {}
    job = deploy["jobs"]["deploy"]
    assert job["environment"]["name"] == "${{ inputs.environment }}"
    assert job["concurrency"]["cancel-in-progress"] is False
    assert all("${{" not in step.get("run", "") for step in job["steps"])
    runs = "".join(step.get("run", "") for step in job["steps"])
    for command in ("parasol-gitops deploy", "parasol-gitops verify", "parasol-gitops rollback"):
        assert command in runs
    assert "ci-passed" in wf["jobs"] and wf["jobs"]["ci-passed"]["if"] == "${{ always() }}"


def test_gitlab_shape(rendered: dict) -> None:
    yaml = YAML(typ="safe")
    root = rendered[("mixed-strategies", "gitlab")]
    parent = yaml.load((root / ".gitlab-ci.yml").read_text())
    assert "include" not in parent and parent["default"]["interruptible"] is True
    template = parent[".parasol-service"]
    assert template["rules"][0] == {"if": "$CI_COMMIT_TAG"}
    assert template["rules"][2]["changes"]["compare_to"] == "refs/heads/main"
    assert "$SERVICE_CHANGES" in template["rules"][1]["changes"]
    checkout = parent["service:checkout"]
    assert checkout["extends"] == ".parasol-service-canary"
    assert checkout["variables"]["SERVICE_CHANGES"] == "{services/checkout,services/checkout/**/*}"
    # commands stay in pipeline.yaml: the child's jobs ask the tool, nothing forwards them
    assert not any(k.endswith("_COMMAND") for k in checkout["variables"])
    fraud = parent["service:fraud"]["variables"]
    assert [fraud[f"PRODUCTION_STEP_{i}"] for i in range(1, 5)] == ["5", "25", "50", "100"]
    assert parent["service:ledger"]["extends"] == ".parasol-service-blue-green"
    assert parent["service:reports"]["extends"] == ".parasol-service-rolling"

    canary = yaml.load((root / ".gitlab/ci/service-canary.yml").read_text())
    prod = canary["deploy_production"]
    assert prod["resource_group"] == "production/$SERVICE"
    assert prod["environment"] == {"name": "production/$SERVICE", "deployment_tier": "production",
                                   "url": "https://$SERVICE.payments.example.com"}
    assert all(r["when"] == "manual" and r["allow_failure"] is False for r in prod["rules"])
    assert canary[".parasol-deploy"]["interruptible"] is False
    steps = sorted(k for k in canary if k.startswith("deploy_production-canary-step-"))
    assert steps == [f"deploy_production-canary-step-{i}" for i in range(1, 5)]  # the longest list: fraud's
    step = canary["deploy_production-canary-step-4"]
    assert step["rules"][0]["when"] == "delayed"
    assert step["rules"][0]["if"].startswith("$PRODUCTION_STEP_4 && ")
    auto = canary["deploy_production-auto-rollback"]["needs"]
    assert auto[0] == "deploy_production" and {"job": "deploy_production-canary-step-4", "optional": True} in auto
    assert canary[".parasol-sign"]["id_tokens"]["SIGSTORE_ID_TOKEN"]["aud"] == "sigstore"
    assert "rules" not in canary["build"]  # the trigger already decided; CI jobs always run in the child
    blue_green = yaml.load((root / ".gitlab/ci/service-blue-green.yml").read_text())
    assert "deploy_production-blue-green-100" in blue_green
    assert not any("canary" in k for k in blue_green)
    rolling = yaml.load((root / ".gitlab/ci/service-rolling.yml").read_text())
    assert not any("canary" in k or "blue-green" in k for k in rolling)


def test_gitlab_children_do_not_grow_with_services() -> None:
    def spec(n: int) -> dict:
        return {"version": 1, "project": "p", "services": [
            {"name": f"s{i}", "path": f"services/s{i}", "image": f"ghcr.io/e/s{i}",
             "strategy": ("rolling", "canary", "blue-green")[i % 3], "commands": {"unit": "make test"}}
            for i in range(n)]}
    small, big = synthesize(spec(3), "gitlab"), synthesize(spec(60), "gitlab")
    for rel in GITLAB_FILES[1:]:
        assert small[rel] == big[rel], rel
    parent = YAML(typ="safe").load(big[".gitlab-ci.yml"])
    assert len(_gitlab_jobs(parent)) == 60  # one trigger per service (this spec has no repository checks)
    per_service = len(big[".gitlab-ci.yml"]) - len(small[".gitlab-ci.yml"])
    assert per_service / 57 < 400  # bytes per extra service: a few lines each


def test_gitlab_mixed_production_strategies_need_a_service_strategy() -> None:
    from parasol_gitops.errors import SpecError

    spec = {"version": 1, "services": [{"name": "a", "path": "a", "image": "ghcr.io/e/a"}],
            "environments": [{"name": "prod-eu", "tier": "production", "strategy": "canary"},
                             {"name": "prod-us", "tier": "production", "strategy": "blue-green"}],
            "stages": [{"name": "build", "type": "build"},
                       {"name": "eu", "type": "deploy", "environment": "prod-eu", "needs": ["build"]},
                       {"name": "us", "type": "deploy", "environment": "prod-us", "needs": ["build"]}]}
    with pytest.raises(SpecError, match=r"^spec.yaml: services\[0\].strategy: 'a' has none .*\(blue-green, canary\)"):
        synthesize(spec, "gitlab", source="spec.yaml")
    assert synthesize(spec, "github")  # a matrix job per environment handles it
    spec["services"][0]["strategy"] = "canary"
    assert synthesize(spec, "gitlab")


def test_byte_identical_for_equal_input() -> None:
    spec_path = PIPELINES_DIR / "examples" / "mixed-strategies.yaml"
    for target in ("github", "gitlab"):
        first = synthesize(load_spec(spec_path), target)
        second = synthesize(load_spec(spec_path), target)
        assert first == second
        assert all(text.endswith("\n") and "Do not edit by hand" in text.splitlines()[0] for text in first.values())


def test_gitlab_changes_glob_keeps_paths_whole() -> None:
    from parasol_gitops.pipeline.gitlab import changes_glob
    from parasol_gitops.pipeline.spectypes import Service

    def service(path: str, dockerfile: str, watch: tuple[str, ...]) -> Service:
        return Service(name="a", path=path, image="ghcr.io/e/a", dockerfile=dockerfile, context=path, watch=watch,
                       commands={}, skip={}, language="", strategy="", canary_steps=(), ci_image="")

    svc = service("svc/a,b", "svc/a,b/Dockerfile", ("lib/{x}",))
    assert changes_glob(svc) == r"{lib/\{x\},lib/\{x\}/**/*,svc/a\,b,svc/a\,b/**/*}"
    assert changes_glob(service(".", "Dockerfile", ())) == "**/*"
