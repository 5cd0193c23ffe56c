"""`parasol-gitops update` across two tagged versions of the template, like Copier's own tests/test_updatediff.py.

A temporary git repository holds this repository's copier.yml and template/ (tag v1). A GitOps repository is
created from v1 with `parasol-gitops new`, committed, and edited as a user would. The template then changes and is
tagged v2; `parasol-gitops update` must bring the template change without losing the user's edits, and a real
conflict must make it exit 1 naming the file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test User",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test User",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, f"git {' '.join(args)} failed: {result.stderr}"
    return result.stdout


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


def make_template_repo(path: Path) -> Path:
    """This repository's template (as on disk now) in its own git repository, tagged v1."""
    path.mkdir(parents=True)
    shutil.copy2(ROOT / "copier.yml", path / "copier.yml")
    shutil.copytree(ROOT / "template", path / "template")
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "template v1")
    git(path, "tag", "v1")
    return path


def release(path: Path, tag: str, message: str) -> None:
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)
    git(path, "tag", tag)


def new_repo(template: Path, dest: Path, *extra: str) -> None:
    result = run_cli("new", str(dest), "--template", str(template), "--vcs-ref", "v1", "--defaults", *extra)
    assert result.exit_code == 0, result.stderr
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "generated from template v1")


def set_production_replicas(dest: Path, replicas: int) -> Path:
    """Edit the production overlay of the first service the way a user would: the replicas patch value."""
    overlay = dest / "services" / "orders" / "overlays" / "production" / "kustomization.yaml"
    text = overlay.read_text()
    new, count = re.subn(r"(path: /spec/replicas\n\s+value: )\d+", rf"\g<1>{replicas}", text, count=1)
    assert count == 1, "the production overlay has no replicas patch to edit"
    overlay.write_text(new)
    return overlay


@pytest.fixture()
def template_repo(tmp_path: Path) -> Path:
    return make_template_repo(tmp_path / "template-src")


def test_update_keeps_user_edits_and_brings_template_changes(template_repo: Path, tmp_path: Path) -> None:
    dest = tmp_path / "gitops"
    new_repo(template_repo, dest)

    # The user's edits: an overlay's replicas, a new file, a README section.
    overlay = set_production_replicas(dest, 7)
    (dest / "platform" / "team-notes.md").write_text("# On-call\nAsk #shop-oncall.\n")
    readme = dest / "README.md"
    readme.write_text(readme.read_text() + "\n## Team notes\n\nDeploys freeze on Fridays.\n")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "user edits")

    # The template's change: a new file, a new line in the generated README, a new ignore rule.
    (template_repo / "template" / "SECURITY.md.jinja").write_text("# Security of {{ project_name }}\n")
    readme_tpl = template_repo / "template" / "README.md.jinja"
    lines = readme_tpl.read_text().splitlines(keepends=True)
    heading = next(i for i, line in enumerate(lines) if line.startswith("# "))
    lines.insert(heading + 1, "\n> Template v2: security contacts are in SECURITY.md.\n")
    readme_tpl.write_text("".join(lines))
    gitignore_tpl = template_repo / "template" / ".gitignore.jinja"
    gitignore_tpl.write_text(gitignore_tpl.read_text() + "# v2\n/tmp/\n")
    release(template_repo, "v2", "template v2")

    result = run_cli("update", str(dest))
    assert result.exit_code == 0, result.stdout + result.stderr

    # user edits survived
    assert re.search(r"path: /spec/replicas\n\s+value: 7", overlay.read_text())
    assert (dest / "platform" / "team-notes.md").read_text() == "# On-call\nAsk #shop-oncall.\n"
    readme_text = readme.read_text()
    assert "## Team notes\n\nDeploys freeze on Fridays.\n" in readme_text
    # template changes arrived
    assert (dest / "SECURITY.md").read_text() == "# Security of shop\n"
    assert "> Template v2: security contacts are in SECURITY.md." in readme_text
    assert "/tmp/" in (dest / ".gitignore").read_text()
    assert "_commit: v2" in (dest / ".copier-answers.yml").read_text()
    # nothing conflicted
    assert not list(dest.rglob("*.rej"))
    assert git(dest, "ls-files", "-u") == ""


def test_update_with_one_more_service_and_another_ci_target(template_repo: Path, tmp_path: Path) -> None:
    dest = tmp_path / "gitops"
    new_repo(template_repo, dest)
    assert not (dest / "services" / "payments").exists()

    import json

    import yaml

    current = yaml.safe_load((dest / ".copier-answers.yml").read_text())["services"]
    more = [*current, {"name": "payments", "port": 8080, "strategy": "canary", "database": "postgresql"}]
    services = json.dumps(more)  # JSON is YAML: the --data value of a list answer
    assert (dest / ".github" / "workflows" / "ci.yml").is_file()
    result = run_cli("update", str(dest), "--vcs-ref", "v1", "--data", f"services={services}",
                     "--data", "ci_target=gitlab")
    assert result.exit_code == 0, result.stdout + result.stderr

    answers = (dest / ".copier-answers.yml").read_text()
    assert "name: payments" in answers
    assert (dest / "services" / "payments" / "base" / "kustomization.yaml").is_file()
    for env in ("dev", "staging", "production"):
        assert (dest / "services" / "payments" / "overlays" / env / "kustomization.yaml").is_file()
        assert (dest / "apps" / env / "payments.yaml").is_file()
    assert "payments" in (dest / "docs" / "infrastructure-design.md").read_text()
    # the CI files follow the re-answered ci_target: GitLab written, the stale GitHub workflows removed
    from parasol_gitops.pipeline import GITHUB_FILES, load_spec, synthesize

    gitlab = synthesize(load_spec(dest / "pipeline.yaml"), "gitlab")
    assert all((dest / rel).read_text() == text for rel, text in gitlab.items())
    assert "payments" in (dest / ".gitlab-ci.yml").read_text()
    assert not any((dest / rel).exists() for rel in GITHUB_FILES)
    # the existing services are untouched
    assert git(dest, "status", "--porcelain", "--", "services/orders") == ""


def test_real_conflict_makes_update_exit_1_naming_the_file(template_repo: Path, tmp_path: Path) -> None:
    dest = tmp_path / "gitops"
    new_repo(template_repo, dest)

    # user and template both change the README's first line
    readme = dest / "README.md"
    lines = readme.read_text().splitlines(keepends=True)
    lines[0] = "# Our shop platform (edited by the team)\n"
    readme.write_text("".join(lines))
    git(dest, "commit", "-q", "-am", "user retitles the README")

    readme_tpl = template_repo / "template" / "README.md.jinja"
    text = readme_tpl.read_text()
    new_text, count = re.subn(r"^# .*$", "# {{ project_name }}: GitOps repository (template v2 title)", text,
                              count=1, flags=re.MULTILINE)
    assert count == 1
    readme_tpl.write_text(new_text)
    release(template_repo, "v2", "template v2 retitles the README")

    result = run_cli("update", str(dest))
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "README.md" in result.stdout
    assert "README.md" in result.stderr  # the one-line error names it too
    assert "<<<<<<< before updating" in readme.read_text()
    assert "README.md" in git(dest, "ls-files", "-u")
    # files without conflicts were updated normally and are not listed
    listed = [line.strip() for line in result.stdout.splitlines() if line.startswith("  ")]
    assert [line.split(":", 1)[0] for line in listed] == ["README.md"]
    assert "git add README.md" in listed[0]  # each file with the command that resolves it


def minimal_generated_folder(dest: Path) -> Path:
    """What update checks before running Copier: an answers file (the refusals must come first and cost nothing)."""
    dest.mkdir()
    (dest / ".copier-answers.yml").write_text("_src_path: /nowhere\n_commit: v1\nproject_name: shop\n")
    (dest / "README.md").write_text("# shop\n")
    return dest


def test_update_refuses_a_dirty_repository(tmp_path: Path) -> None:
    dest = minimal_generated_folder(tmp_path / "gitops")
    git(dest, "init", "-q", "-b", "main")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "generated")
    (dest / "README.md").write_text("uncommitted\n")
    result = run_cli("update", str(dest))
    assert result.exit_code == 2
    assert "uncommitted changes" in result.stderr and "README.md" in result.stderr
    assert "commit (or stash)" in result.stderr
    assert "Traceback" not in result.stderr
    assert (dest / "README.md").read_text() == "uncommitted\n"


def test_update_refuses_a_folder_that_is_not_a_git_repository(tmp_path: Path) -> None:
    dest = minimal_generated_folder(tmp_path / "gitops")
    result = run_cli("update", str(dest))
    assert result.exit_code == 2
    assert "not in a git repository" in result.stderr
    assert "git init" in result.stderr  # the hint says what to do
    assert sorted(p.name for p in dest.iterdir()) == [".copier-answers.yml", "README.md"]


def test_update_refuses_a_folder_without_answers(tmp_path: Path) -> None:
    result = run_cli("update", str(tmp_path))
    assert result.exit_code == 2
    assert ".copier-answers.yml" in result.stderr


def test_update_explains_a_recorded_commit_the_template_does_not_have(template_repo: Path, tmp_path: Path) -> None:
    dest = tmp_path / "gitops"
    new_repo(template_repo, dest)
    answers = dest / ".copier-answers.yml"
    answers.write_text(re.sub(r"^_commit: .*$", "_commit: 0badc0ffee", answers.read_text(), flags=re.MULTILINE))
    git(dest, "commit", "-q", "-am", "answers point at a commit that does not exist")
    result = run_cli("update", str(dest))
    assert result.exit_code == 2
    assert "0badc0ffee" in result.stderr
    assert "uncommitted template changes" in result.stderr  # the hint says why and what to do
    assert git(dest, "status", "--porcelain") == ""  # nothing touched
