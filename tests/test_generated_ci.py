"""The generated repository's own CI really runs its repository checks (validate, status vms5, pipeline drift)
and fails on error findings: GitLab's job under gitlab-ci-local's shell executor, GitHub's job by running the
workflow's `run:` steps exactly as written with their `env:`."""

from __future__ import annotations

import os
import re
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


def _gitlab_checks(repo: Path, mr_base: str = "") -> subprocess.CompletedProcess[str]:
    """The job as a push pipeline runs it, or (``mr_base``) as a merge request pipeline with that diff base."""
    find_tool("rsync")
    args = [find_tool("gitlab-ci-local"), "--force-shell-executor"]
    for key, value in OVERRIDES.items():
        args += ["--variable", f"{key}={value}"]
    if mr_base:
        args += ["--ignore-predefined-vars", "CI_PIPELINE_SOURCE",
                 "--variable", "CI_PIPELINE_SOURCE=merge_request_event",
                 "--variable", f"CI_MERGE_REQUEST_DIFF_BASE_SHA={mr_base}"]
    return run_tool([*args, "repository-checks"], cwd=repo, timeout=900)


def _github_value(value: object, event: dict[str, str]) -> str:
    """An ``env:`` value with its ``${{ … }}`` expressions evaluated the way the runner does for ``event``."""
    return re.sub(r"\$\{\{\s*([^}]+?)\s*\}\}", lambda m: event[m.group(1)], str(value))


def _github_checks(repo: Path, pr_base: str = "") -> subprocess.CompletedProcess[str]:
    """The job's ``run:`` steps on a push, or (``pr_base``) on a pull request whose base commit that is."""
    workflow = YAML(typ="safe").load((repo / ".github" / "workflows" / "repository-checks.yml").read_text())
    steps = [s for s in workflow["jobs"]["repository-checks"]["steps"] if "run" in s]
    assert [s["name"] for s in steps] == [
        "Install parasol-gitops", "Validate, VMS5 status, pipeline drift, alert tests"]
    checkout = workflow["jobs"]["repository-checks"]["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0  # the diff base must be in the clone
    event = {"github.event.pull_request.base.sha": pr_base}  # empty on pushes, as GitHub evaluates it
    output = ""
    for step in steps:
        env = {**os.environ, **{k: _github_value(v, event) for k, v in (step.get("env") or {}).items()}, **OVERRIDES}
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


def _change_one_overlay(repo: Path, tag: str) -> str:
    """Commit a new tag for orders in production; returns the commit before it (the request's base)."""
    base = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, check=True, capture_output=True,
                          text=True).stdout.strip()
    overlay = repo / "services" / "orders" / "overlays" / "production" / "kustomization.yaml"
    text = overlay.read_text(encoding="utf-8")
    overlay.write_text(text.replace('newTag: "0.1.0"', f'newTag: "{tag}"').replace("newTag: 0.1.0", f"newTag: {tag}"))
    git(repo, "commit", "-qam", f"orders {tag} in production")
    return base


def test_pull_and_merge_requests_validate_only_what_changed_and_test_the_alerts(tmp_path: Path) -> None:
    if not (shutil.which("kubectl") or shutil.which("kustomize")):
        pytest.fail("kubectl or kustomize must be on PATH (GitHub's ubuntu runners ship both)")
    repo = _generated(tmp_path, "both")
    base = _change_one_overlay(repo, "0.2.0")

    github = _github_checks(repo, pr_base=base)
    assert github.returncode == 0, github.stdout[-3000:]
    assert f"changed: 1 file(s) against {base}" in github.stdout
    assert "folder(s) skipped" in github.stdout and "VMS5" not in github.stdout  # status vms5: pushes only
    assert "unit-test file(s) passed" in github.stdout  # alerts test (promtool) ran

    gitlab = _gitlab_checks(repo, mr_base=base)
    assert gitlab.returncode == 0, gitlab.stdout[-3000:] + gitlab.stderr[-2000:]
    # gitlab-ci-local's own untracked .gitlab-ci-local/ folder counts as changed too: not "1 file(s)" here
    assert re.search(rf"changed: \d+ file\(s\) against {base}; \d+ kustomization", gitlab.stdout)
    assert "PASS  repository-checks" in gitlab.stdout
    assert "unit-test file(s) passed" in gitlab.stdout

    # the changed overlay is judged: a latest tag there fails the request
    overlay = repo / "services" / "orders" / "overlays" / "production" / "kustomization.yaml"
    overlay.write_text(overlay.read_text(encoding="utf-8").replace("0.2.0", "latest"))
    git(repo, "commit", "-qam", "orders latest")
    github = _github_checks(repo, pr_base=base)
    assert github.returncode == 1 and "PGO-IMAGE-TAG" in github.stdout
