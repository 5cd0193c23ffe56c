"""Real runs: gitlab-ci-local lists, previews and runs the GitLab pipeline; the GitHub change-detection
step (``parasol-gitops changes``) runs as written on a real git change. Per-service work must follow the
change, not the repository size."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from parasol_gitops.pipeline import PIPELINES_DIR, load_spec, synthesize
from tests.conftest import find_tool, run_tool

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]
DIGEST = "sha256:" + "cd" * 32


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _app_repo(tmp: Path, spec_text: str, services: list[str]) -> Path:
    """An application repository with an origin (gitlab-ci-local diffs against origin/main)."""
    git(tmp, "init", "-q", "--bare", "app.git")
    app = tmp / "app"
    git(tmp, "clone", "-q", str(tmp / "app.git"), "app")
    (app / "pipeline.yaml").write_text(spec_text)
    for name in services:
        (app / "services" / name).mkdir(parents=True)
        (app / "services" / name / "main.py").write_text("print('hi')\n")
    (app / "libs" / "common").mkdir(parents=True)
    (app / "libs" / "common" / "util.py").write_text("X = 1\n")
    spec = load_spec(app / "pipeline.yaml")
    for target in ("github", "gitlab"):
        for rel, text in synthesize(spec, target).items():
            (app / rel).parent.mkdir(parents=True, exist_ok=True)
            (app / rel).write_text(text)
    git(app, "add", "-A")
    git(app, "commit", "-qm", "init")
    git(app, "push", "-q", "origin", "HEAD:main")
    return app


def _gcl(app: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_tool([find_tool("gitlab-ci-local"), *args], cwd=app, timeout=600)


def _monorepo_spec(n: int) -> tuple[str, list[str]]:
    names = [f"svc-{i:02d}" for i in range(n)]
    lines = ["version: 1", "project: big", "services:"]
    for name in names:
        lines += [f"  - name: {name}", f"    path: services/{name}", f"    image: ghcr.io/example/{name}",
                  "    commands: {unit: make test}"]
    lines += ["shared_paths: [libs/common]", "gitops: {repository: self}", "repository_checks: true"]
    return "\n".join(lines) + "\n", names


def _listed_jobs(app: Path, *args: str) -> list[str]:
    result = _gcl(app, "--list", *args)
    assert result.returncode == 0, result.stderr
    return [line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip()]


def _list_json(app: Path, *args: str) -> dict[str, dict]:
    result = _gcl(app, "--list-json", *args)
    assert result.returncode == 0, result.stderr
    return {j["name"]: j for j in json.loads(result.stdout)}


def _forwarded(app: Path, service: str) -> list[str]:
    """The variables the parent's trigger job of ``service`` forwards to its child, as --variable args."""
    parent = YAML(typ="safe").load((app / ".gitlab-ci.yml").read_text())
    out = []
    for key, value in parent[f"service:{service}"]["variables"].items():
        out += ["--variable", f"{key}={value['value'] if isinstance(value, dict) else value}"]
    return out


def _child_of(app: Path, service: str) -> str:
    parent = YAML(typ="safe").load((app / ".gitlab-ci.yml").read_text())
    return parent[parent[f"service:{service}"]["extends"]]["trigger"]["include"]


def _github_matrix(app: Path, base: str, head: str) -> list[str]:
    """Run the change-detection step of the generated ci.yml exactly as written, with its env."""
    wf = YAML(typ="safe").load((app / ".github/workflows/ci.yml").read_text())
    step = next(s for s in wf["jobs"]["changes"]["steps"] if s.get("id") == "detect")
    out = app.parent / "github_output"
    out.write_text("")
    env = {k: v for k, v in step["env"].items() if "${{" not in v}
    env |= {"BASE_SHA": base, "HEAD_SHA": head, "EVENT_NAME": "pull_request", "REF_TYPE": "branch",
            "GITHUB_OUTPUT": str(out)}
    subprocess.run(["bash", "-e", "-c", step["run"]], cwd=app, env={**os.environ, **env}, check=True,
                   capture_output=True, text=True)
    outputs = dict(line.split("=", 1) for line in out.read_text().splitlines())
    return [s["name"] for s in json.loads(outputs["services"])]


@pytest.fixture(scope="module")
def monorepo50(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    text, names = _monorepo_spec(50)
    return _app_repo(tmp_path_factory.mktemp("mono50"), text, names), names


def test_work_follows_the_change_50_services(monorepo50: tuple[Path, list[str]]) -> None:
    app, _names = monorepo50
    base = git(app, "rev-parse", "HEAD").strip()
    git(app, "checkout", "-qb", "feature")
    (app / "services" / "svc-07" / "main.py").write_text("print('changed')\n")
    git(app, "commit", "-qam", "one service")
    head = git(app, "rev-parse", "HEAD").strip()
    jobs = _listed_jobs(app)
    triggers = [j for j in jobs if j.startswith("service:")]
    shared = [j for j in jobs if not j.startswith("service:")]
    assert triggers == ["service:svc-07"]
    assert shared == ["repository-checks"]
    # the child a trigger starts holds a constant number of jobs, whatever the number of services
    child = _listed_jobs(app, "--file", _child_of(app, "svc-07"), *_forwarded(app, "svc-07"))
    assert len(child) == 6  # lint_and_test, build, sign, 3 scans (deploys run on the default branch)
    assert _github_matrix(app, base, head) == ["svc-07"]

    (app / "libs" / "common" / "util.py").write_text("X = 2\n")
    git(app, "commit", "-qam", "shared library")
    head = git(app, "rev-parse", "HEAD").strip()
    jobs = _listed_jobs(app)
    assert sorted(j for j in jobs if j.startswith("service:")) == sorted(f"service:{n}" for n in _names)
    assert [j for j in jobs if not j.startswith("service:")] == shared
    assert len(_github_matrix(app, base, head)) == 50


def _our_jobs(doc: dict) -> dict[str, dict]:
    return {k: v for k, v in doc.items() if k not in ("workflow", "stages", "default", "variables")
            and not k.startswith(".")}


def _needs_of(job: dict) -> list[str]:
    return sorted(n if isinstance(n, str) else n["job"] for n in job.get("needs") or [])


def test_gitlab_ci_local_graph_equals_the_spec(tmp_path: Path) -> None:
    spec_text = (PIPELINES_DIR / "examples" / "mixed-strategies.yaml").read_text()
    spec = load_spec(PIPELINES_DIR / "examples" / "mixed-strategies.yaml")
    app = _app_repo(tmp_path, spec_text, [s["name"] for s in spec["services"]])
    yaml = YAML(typ="safe")
    # the parent: the repository checks and one trigger per service (all listed; rules decide per push)
    parent_doc = yaml.load((app / ".gitlab-ci.yml").read_text())
    parent = _list_json(app)
    assert set(parent) == set(_our_jobs(parent_doc)) == {"repository-checks"} | {
        f"service:{s['name']}" for s in spec["services"]}
    assert parent_doc["stages"] == ["repository_checks", "services"]
    assert all(parent[f"service:{s['name']}"]["stage"] == "services" for s in spec["services"])
    # each service's child with the variables its trigger forwards; the repository is on its default
    # branch, so the deploy side is in the list too
    expected_steps = {"checkout": [10, 50, 100], "fraud": [5, 25, 50, 100], "ledger": [100], "reports": []}
    for svc in spec["services"]:
        child_file = _child_of(app, svc["name"])
        doc = yaml.load((app / child_file).read_text())
        jobs = _list_json(app, "--file", child_file, *_forwarded(app, svc["name"]))
        assert set(jobs) == set(_our_jobs(doc)), child_file
        for name, job in jobs.items():
            stage = doc[name].get("stage")
            assert job["stage"] == stage, name
            assert sorted(n["job"] for n in job["needs"] or []) == _needs_of(doc[name]), name
        # the spec's stage list, in order, is the child's; every stage has a job of this service
        assert doc["stages"] == [s["name"] for s in spec["stages"]]
        assert {j["stage"] for j in jobs.values()} == set(doc["stages"])
        # rollout steps that run for this service: the spec's, not the child's maximum
        steps = [n for n, j in jobs.items() if n.startswith("deploy_production-") and j["when"] == "delayed"]
        assert len(steps) == len(expected_steps[svc["name"]]), (svc["name"], steps)
        # production waits for a person and blocks the pipeline until then
        assert jobs["deploy_production"]["when"] == "manual"
        assert jobs["deploy_production"]["allow_failure"] is False
        assert jobs["deploy_staging"]["when"] == "on_success"
    preview = _gcl(app, "--preview")
    assert preview.returncode == 0, preview.stderr
    assert "service:checkout" in preview.stdout and ".gitlab/ci/service-canary.yml" in preview.stdout
    child_preview = _gcl(app, "--preview", "--file", ".gitlab/ci/service-canary.yml")
    assert child_preview.returncode == 0, child_preview.stderr
    assert "deploy_production-canary-step-4:" in child_preview.stdout


KUSTOMIZE_OVERLAY = ("services/hello/overlays/staging/kustomization.yaml", "services/{service}/overlays/{env}",
                     "# staging overlay\nresources:\n  - ../../base\nimages:\n"
                     "  - name: ghcr.io/example/hello   # bumped by CI\n    newTag: \"0.1.0\"\n",
                     ('    newTag: "0.1.0"\n', f'    newTag: "abc123"\n    digest: {DIGEST}\n'))
HELM_VALUES = ("helm/hello/values-staging.yaml", "helm/{service}/values-{env}.yaml",
               "# hello in staging\nimage:\n  repository: ghcr.io/example/hello\n  tag: \"0.1.0\"\n  digest: \"\"\n"
               "replicas: 2\n",
               ('  tag: "0.1.0"\n  digest: ""\n', f'  tag: "abc123"\n  digest: "{DIGEST}"\n'))


@pytest.mark.parametrize("overlay_case", [KUSTOMIZE_OVERLAY, HELM_VALUES], ids=["kustomize", "helm-values"])
def test_deploy_job_really_runs_against_a_bare_gitops_repo(tmp_path: Path, overlay_case: tuple) -> None:
    """The child's deploy job pushes the Parasol-Deploy commit; the verification after it cannot reach the
    service here, so the job fails, and the automatic rollback job reverts exactly that commit."""
    overlay_file, pattern, original, (old_line, new_line) = overlay_case
    find_tool("rsync")
    gitops_bare = tmp_path / "gitops.git"
    git(tmp_path, "init", "-q", "--bare", str(gitops_bare))
    work = tmp_path / "gitops-work"
    git(tmp_path, "clone", "-q", str(gitops_bare), str(work))
    (work / overlay_file).parent.mkdir(parents=True)
    (work / overlay_file).write_text(original)
    git(work, "add", "-A")
    git(work, "commit", "-qm", "init")
    git(work, "push", "-q", "origin", "HEAD:main")

    spec_text = (PIPELINES_DIR / "examples" / "single-service.yaml").read_text()
    spec_text = spec_text.replace("repository: self", f"repository: file://{gitops_bare}")
    assert "overlay: services/{service}/overlays/{env}" in spec_text
    spec_text = spec_text.replace("overlay: services/{service}/overlays/{env}", f"overlay: {pattern}")
    spec_text = spec_text.replace(
        'smoke: curl --fail --silent --show-error "https://hello.staging.example.com/healthz"', "smoke: echo smoke-ok")
    spec_text = spec_text.replace("url: https://{service}.staging.example.com", "url: http://127.0.0.1:9/{service}")
    app = _app_repo(tmp_path, spec_text.replace("path: services/hello/src", "path: services/hello"), ["hello"])
    (app / "services" / "hello" / "main.py").write_text("print('v2')\n")
    git(app, "commit", "-qam", "change hello")
    # the child's deploy job, run with exactly the variables the parent's trigger job forwards
    args = ["--force-shell-executor", "--file", _child_of(app, "hello"), *_forwarded(app, "hello"),
            "--variable", f"IMAGE_DIGEST={DIGEST}", "--variable", "IMAGE_TAG=abc123",
            "--variable", "VERIFY_WINDOW_SECONDS=2", "--variable", "VERIFY_TIMEOUT_SECONDS=20",
            # this checkout's tool is already installed: installing "pip" stands in for the pinned release
            "--variable", "TOOL_PACKAGE=pip"]
    # the deploy job and the automatic rollback job (when: on_failure), in one pipeline run
    result = _gcl(app, *args, "deploy_staging", "deploy_staging-auto-rollback")
    assert "smoke-ok" in result.stdout
    deployed, subject = git(gitops_bare, "log", "--format=%H %s", "main").splitlines()[1].split(" ", 1)
    assert subject == "deploy(staging): hello abc123"
    assert "Parasol-Deploy: staging/hello" in git(gitops_bare, "log", "-n", "1", "--format=%b", deployed)
    assert git(gitops_bare, "show", f"{deployed}:{overlay_file}") == original.replace(old_line, new_line)
    # the deploy job failed (its verification cannot reach the service here) and its dotenv report,
    # written also on failure, named the pushed commit: the rollback job reverted exactly that one
    assert "FAIL  deploy_staging" in result.stdout, result.stdout[-3000:]
    assert "PASS  deploy_staging-auto-rollback" in result.stdout, result.stdout[-3000:]
    reports = app / ".gitlab-ci-local" / "artifacts" / "deploy_staging" / ".gitlab-ci-reports"
    assert (reports / "dotenv" / "deploy.env").read_text() == f"DEPLOYED_COMMIT={deployed}\n"
    log = git(gitops_bare, "log", "-n", "1", "--format=%s%n%b", "main")
    assert log.startswith("rollback(staging): hello") and f"This reverts commit {deployed}." in log
    assert git(gitops_bare, "show", f"main:{overlay_file}") == original


def test_a_service_at_the_repository_root_follows_every_change(tmp_path: Path) -> None:
    spec_text = ("version: 1\nproject: mono\nservices:\n"
                 "  - {name: root, path: ., image: ghcr.io/example/root}\n"
                 "  - {name: svc-00, path: services/svc-00, image: ghcr.io/example/svc-00}\n")
    app = _app_repo(tmp_path, spec_text, ["svc-00"])
    base = git(app, "rev-parse", "HEAD").strip()
    git(app, "checkout", "-qb", "feature")
    (app / "README.md").write_text("docs\n")
    git(app, "add", "README.md")
    git(app, "commit", "-qm", "a top-level file")
    head = git(app, "rev-parse", "HEAD").strip()
    assert _github_matrix(app, base, head) == ["root"]
    assert [j for j in _listed_jobs(app) if j.startswith("service:")] == ["service:root"]
