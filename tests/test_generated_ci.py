"""The generated repository's own CI really runs its repository checks (validate, status vms5, pipeline drift)
and fails on error findings: GitLab's job under gitlab-ci-local's shell executor, GitHub's job by running the
workflow's `run:` steps exactly as written with their `env:`."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from parasol_gitops import scaffold
from tests.conftest import CRD_SCHEMAS, find_tool, run_tool

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]
# The tool is already installed here: installing "pip" is the no-op that stands in for `pip install parasol-gitops`.
OVERRIDES = {"TOOL_PACKAGE": "pip", "SCHEMA_LOCATION": str(CRD_SCHEMAS)}


def git(cwd: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True)


def _generated(tmp_path: Path, ci_target: str) -> Path:
    repo = tmp_path / "gitops"
    scaffold.copy(repo, {"ci_target": ci_target})
    git(tmp_path, "init", "-q", "--bare", "origin.git")
    git(repo, "init", "-q")
    git(repo, "remote", "add", "origin", str(tmp_path / "origin.git"))
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Initial GitOps repository")
    git(repo, "push", "-q", "origin", "HEAD:main")
    return repo


def _break_an_image(repo: Path) -> None:
    overlay = repo / "services" / "orders" / "overlays" / "production" / "kustomization.yaml"
    text = overlay.read_text(encoding="utf-8")
    assert 'newTag: "0.1.0"' in text or "newTag: 0.1.0" in text
    overlay.write_text(text.replace('newTag: "0.1.0"', "newTag: latest").replace("newTag: 0.1.0", "newTag: latest"))
    git(repo, "commit", "-qam", "use latest")


def _gitlab_checks(repo: Path) -> subprocess.CompletedProcess[str]:
    find_tool("rsync")
    args = [find_tool("gitlab-ci-local"), "--force-shell-executor"]
    for key, value in OVERRIDES.items():
        args += ["--variable", f"{key}={value}"]
    return run_tool([*args, "repository-checks"], cwd=repo, timeout=600)


def _github_checks(repo: Path) -> subprocess.CompletedProcess[str]:
    workflow = YAML(typ="safe").load((repo / ".github" / "workflows" / "repository-checks.yml").read_text())
    steps = [s for s in workflow["jobs"]["repository-checks"]["steps"] if "run" in s]
    assert [s["name"] for s in steps] == ["Install parasol-gitops", "Validate, VMS5 status, pipeline drift"]
    output = ""
    for step in steps:
        env = {**os.environ, **{k: str(v) for k, v in (step.get("env") or {}).items()}, **OVERRIDES}
        proc = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True,
                              timeout=600)
        output += proc.stdout + proc.stderr
        if proc.returncode != 0:
            return subprocess.CompletedProcess(step["run"], proc.returncode, output, "")
    return subprocess.CompletedProcess("", 0, output, "")


def test_gitlab_repository_checks_pass_on_a_fresh_repository_and_fail_on_a_latest_image(tmp_path: Path) -> None:
    repo = _generated(tmp_path, "gitlab")
    result = _gitlab_checks(repo)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "PASS  repository-checks" in result.stdout
    assert "pipeline files match pipeline.yaml" in result.stdout

    _break_an_image(repo)
    result = _gitlab_checks(repo)
    assert result.returncode != 0
    assert "PGO-IMAGE-TAG" in result.stdout
    assert "FAIL  repository-checks" in result.stdout


def test_github_repository_checks_pass_on_a_fresh_repository_and_fail_on_a_latest_image(tmp_path: Path) -> None:
    if not (shutil.which("kubectl") or shutil.which("kustomize")):
        pytest.fail("kubectl or kustomize must be on PATH (GitHub's ubuntu runners ship both)")
    repo = _generated(tmp_path, "github")
    result = _github_checks(repo)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "VMS5" in result.stdout

    _break_an_image(repo)
    result = _github_checks(repo)
    assert result.returncode == 1
    assert "PGO-IMAGE-TAG" in result.stdout
