"""repository-checks keeps validate's caches between CI runs: the folders it keeps are the folders validate
writes, the generated GitHub and GitLab jobs restore them before validating, and on GitLab (where the caches live
inside the project) they are ignored by git, so `validate --changed` never counts them as changed files."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import find_tool, run_cli
from repo_builders import write_repo

from parasol_gitops import yamlio
from parasol_gitops.pipeline.targets import VALIDATE_CACHES
from parasol_gitops.validate import schemas

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]


def _git(cwd: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def test_the_kept_folders_are_the_ones_validate_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    find_tool("kubectl")
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    root = write_repo(tmp_path / "gitops", services=("orders",))
    assert run_cli("validate", str(root), "--quiet").exit_code in (0, 1)

    class Response(io.BytesIO):
        def __enter__(self) -> Response:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    # a remote schema location: the download is kept too (the network is replaced, the cache is real)
    monkeypatch.setattr("urllib.request.urlopen", lambda url, timeout: Response(b'{"type": "object"}'))
    assert schemas.CustomSchemas(["https://schemas.example/{{.Group}}/{{.ResourceKind}}.json"])._fetch(
        "https://schemas.example/a/b.json") == {"type": "object"}
    written = {p.name for p in (cache / "parasol-gitops").iterdir() if any(p.rglob("*"))}
    assert written == set(VALIDATE_CACHES), written


def _answers_repo(tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    res = run_cli("new", str(dest), "--defaults", "--data", "ci_target=both",
                  "--data", "services=[{name: orders, port: 8080}]")
    assert res.exit_code == 0, res.stderr
    return dest


def test_generated_jobs_restore_the_caches_before_validating(tmp_path: Path) -> None:
    dest = _answers_repo(tmp_path)
    workflow: Any = yamlio.load_data_file(dest / ".github/workflows/repository-checks.yml")
    steps = workflow["jobs"]["repository-checks"]["steps"]
    names = [s["name"] for s in steps]
    restore = steps[names.index("Restore validate's cache")]
    assert names.index("Restore validate's cache") < next(i for i, n in enumerate(names) if n.startswith("Validate"))
    assert restore["uses"].startswith("actions/cache@")
    assert restore["with"]["path"].split() == [f"~/.cache/parasol-gitops/{n}" for n in VALIDATE_CACHES]
    assert restore["with"]["key"] == "parasol-gitops-validate-${{ github.sha }}"
    assert restore["with"]["restore-keys"] == "parasol-gitops-validate-"

    job = yamlio.load_data_file(dest / ".gitlab-ci.yml")["repository-checks"]
    assert job["variables"]["XDG_CACHE_HOME"] == "$CI_PROJECT_DIR/.cache"
    (kept,) = [c for c in job["cache"] if c["key"].startswith("parasol-gitops-validate-")]
    assert kept["paths"] == [f".cache/parasol-gitops/{n}" for n in VALIDATE_CACHES]
    assert kept["fallback_keys"] == ["parasol-gitops-validate-$CI_DEFAULT_BRANCH"]


def test_caches_inside_the_project_are_not_changed_files(tmp_path: Path) -> None:
    find_tool("kubectl")
    dest = _answers_repo(tmp_path)
    _git(dest, "init", "-q", "-b", "main")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-qm", "main")
    _git(dest, "checkout", "-qb", "feature")
    for rel in (".cache/pip/http/a", ".cache/parasol-gitops/validate/kustomizations-x.json"):
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        (dest / rel).write_bytes(b"{}")
    res = run_cli("validate", str(dest), "--changed=main", "--format", "json", "--quiet")
    assert res.exit_code in (0, 1), res.stderr
    assert json.loads(res.stdout)["stats"]["changed"]["changed_files"] == []
