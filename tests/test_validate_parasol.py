"""`parasol-gitops validate platform` inside a Parasol project writes outputs/validation-report.md with the score."""

from __future__ import annotations

from pathlib import Path

from conftest import CRD_SCHEMAS, find_tool, run_cli
from repo_builders import write_repo


def _project(root: Path, language: str) -> Path:
    root.mkdir(parents=True)
    (root / "parasol.yaml").write_text(
        f"project:\n  name: demo\n  display_name: デモ\nsettings:\n  language: {language}\n"
        "phases:\n  phase6:\n    status: completed\n", encoding="utf-8")
    write_repo(root / "outputs/7-platform", envs=("dev", "production"))
    return root


def test_validate_platform_writes_the_report_with_the_score(tmp_path: Path) -> None:
    find_tool("kubectl")
    project = _project(tmp_path / "proj", "en")
    res = run_cli("validate", "platform", "--schema-location", str(CRD_SCHEMAS), cwd=project)
    assert res.exit_code == 0, res.stdout + res.stderr
    report = (project / "outputs/validation-report.md").read_text(encoding="utf-8")
    assert report.startswith("# Platform validation report: demo")
    assert "**Score: " in report and "/100 " in report
    assert "`7-platform/`" in report and "No error or warning findings." in report
    # run from inside outputs/7-platform too: the project is found two folders up
    again = run_cli("validate", "platform", "--schema-location", str(CRD_SCHEMAS),
                    cwd=project / "outputs/7-platform")
    assert again.exit_code == 0
    assert (project / "outputs/validation-report.md").read_text(encoding="utf-8") == report


def test_validate_platform_speaks_the_project_language_and_reports_errors(tmp_path: Path) -> None:
    find_tool("kubectl")
    project = _project(tmp_path / "proj", "ja")
    proj_file = project / "outputs/7-platform/projects/dev.yaml"
    proj_file.write_text(proj_file.read_text(encoding="utf-8").replace(
        "- https://github.com/example/platform-gitops.git", "- '*'"), encoding="utf-8")
    res = run_cli("validate", "platform", "--schema-location", str(CRD_SCHEMAS), cwd=project)
    assert res.exit_code == 1
    report = (project / "outputs/validation-report.md").read_text(encoding="utf-8")
    assert report.startswith("# プラットフォーム検証レポート: demo")
    assert "PGO-PROJECT-WILDCARD" in report and "スコア" in report


def test_validate_platform_without_generated_platform_is_exit_2(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    (project / "outputs").mkdir(parents=True)
    (project / "parasol.yaml").write_text("project:\n  name: demo\n", encoding="utf-8")
    res = run_cli("validate", "platform", cwd=project)
    assert res.exit_code == 2 and "parasol-gitops platform" in res.stderr
    assert not (project / "outputs/validation-report.md").exists()


def test_outside_a_parasol_project_platform_is_just_a_folder(tmp_path: Path) -> None:
    find_tool("kubectl")
    repo = write_repo(tmp_path / "repo", envs=("dev",))
    res = run_cli("validate", "platform", "--format", "json", cwd=repo)
    assert res.exit_code in (0, 1)
    assert '"kustomizations_built": 1' in res.stdout  # only platform/overlays/dev
    assert not list(tmp_path.rglob("validation-report.md"))


def test_status_markdown_lands_in_outputs_7_platform(tmp_path: Path) -> None:
    find_tool("kubectl")
    project = _project(tmp_path / "proj", "en")
    platform = project / "outputs/7-platform"
    res = run_cli("status", "vms5", str(platform), "--format", "markdown")
    assert res.exit_code == 0, res.stderr
    assert (platform / "vms5-report.md").read_text(encoding="utf-8") == res.stdout  # no docs/: top level
    # a GitOps repository of its own elsewhere inside the project: graded as given, its report stays in it
    other = write_repo(project / "gitops", envs=("dev",))
    (other / "docs").mkdir()
    before = (platform / "vms5-report.md").read_bytes()
    res = run_cli("status", "vms5", str(other), "--format", "markdown")
    assert (other / "docs/vms5-report.md").read_text(encoding="utf-8") == res.stdout
    assert (platform / "vms5-report.md").read_bytes() == before
