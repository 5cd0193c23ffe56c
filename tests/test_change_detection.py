"""Real runs: gitlab-ci-local lists, previews and runs the GitLab pipeline; the GitHub change-detection
step runs on a real git change. Per-service work must follow the change, not the repository size."""

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
    lines += ["shared_paths: [libs/common]", "gitops: {repository: self}"]
    return "\n".join(lines) + "\n", names


def _listed_jobs(app: Path) -> list[str]:
    result = _gcl(app, "--list")
    assert result.returncode == 0, result.stderr
    return [line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip()]


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
    per_service = [j for j in jobs if ":" in j]
    shared = [j for j in jobs if ":" not in j]
    assert {j.split(":")[1] for j in per_service} == {"svc-07"}
    one_service_jobs = len(per_service)
    assert one_service_jobs == 6  # lint_and_test, build, sign, 3 scans (deploys run on the default branch)
    assert _github_matrix(app, base, head) == ["svc-07"]

    (app / "libs" / "common" / "util.py").write_text("X = 2\n")
    git(app, "commit", "-qam", "shared library")
    head = git(app, "rev-parse", "HEAD").strip()
    jobs = _listed_jobs(app)
    per_service = [j for j in jobs if ":" in j]
    assert len(per_service) == 50 * one_service_jobs
    assert len([j for j in jobs if ":" not in j]) == len(shared)
    assert len(_github_matrix(app, base, head)) == 50


def test_gitlab_ci_local_graph_equals_the_spec(tmp_path: Path) -> None:
    spec_text = (PIPELINES_DIR / "examples" / "mixed-strategies.yaml").read_text()
    spec = load_spec(PIPELINES_DIR / "examples" / "mixed-strategies.yaml")
    app = _app_repo(tmp_path, spec_text, [s["name"] for s in spec["services"]])
    listed = _gcl(app, "--list-json")
    assert listed.returncode == 0, listed.stderr
    jobs = {j["name"]: j for j in json.loads(listed.stdout)}
    doc = YAML(typ="safe").load((app / ".gitlab-ci.yml").read_text())
    ours = {k: v for k, v in doc.items() if k not in ("workflow", "stages", "default", "variables")
            and not k.startswith(".")}
    assert set(jobs) == set(ours)
    for name, job in jobs.items():
        assert job["stage"] == ours[name]["stage"], name
        assert sorted(n if isinstance(n, str) else n["job"] for n in job["needs"] or []) == sorted(
            ours[name].get("needs", [])), name
    # the spec's stage list, in order, is the pipeline's
    assert doc["stages"] == ["repository_checks"] + [s["name"] for s in spec["stages"]]
    for stage in spec["stages"]:
        for svc in spec["services"]:
            assert any(n.endswith(f":{svc['name']}") and jobs[n]["stage"] == stage["name"] for n in jobs)
    preview = _gcl(app, "--preview")
    assert preview.returncode == 0, preview.stderr
    assert "deploy_production:checkout" in preview.stdout


def test_deploy_job_really_runs_against_a_bare_gitops_repo(tmp_path: Path) -> None:
    find_tool("rsync")
    gitops_bare = tmp_path / "gitops.git"
    git(tmp_path, "init", "-q", "--bare", str(gitops_bare))
    work = tmp_path / "gitops-work"
    git(tmp_path, "clone", "-q", str(gitops_bare), str(work))
    overlay = work / "services" / "hello" / "overlays" / "staging"
    overlay.mkdir(parents=True)
    original = ("# staging overlay\nresources:\n  - ../../base\nimages:\n"
                "  - name: ghcr.io/example/hello   # bumped by CI\n    newTag: \"0.1.0\"\n")
    (overlay / "kustomization.yaml").write_text(original)
    git(work, "add", "-A")
    git(work, "commit", "-qm", "init")
    git(work, "push", "-q", "origin", "HEAD:main")

    spec_text = (PIPELINES_DIR / "examples" / "single-service.yaml").read_text()
    spec_text = spec_text.replace("repository: self", f"repository: file://{gitops_bare}")
    spec_text = spec_text.replace(
        'smoke: curl --fail --silent --show-error "https://hello.staging.example.com/healthz"', "smoke: echo smoke-ok")
    app = _app_repo(tmp_path, spec_text.replace("path: services/hello/src", "path: services/hello"), ["hello"])
    (app / "services" / "hello" / "main.py").write_text("print('v2')\n")
    git(app, "commit", "-qam", "change hello")
    result = _gcl(app, "--force-shell-executor", "--variable", f"IMAGE_DIGEST={DIGEST}",
                  "--variable", "IMAGE_TAG=abc123", "deploy_staging:hello")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "smoke-ok" in result.stdout
    log = git(gitops_bare, "log", "-n", "1", "--format=%s%n%b", "main")
    assert log.startswith("deploy(staging): hello abc123")
    assert "Parasol-Deploy: staging/hello" in log
    text = git(gitops_bare, "show", "main:services/hello/overlays/staging/kustomization.yaml")
    assert text == original.replace('    newTag: "0.1.0"\n', f'    newTag: "abc123"\n    digest: {DIGEST}\n')
