"""phases.phase7 in parasol.yaml: only that block changes, byte for byte; backups; failed runs change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_cli
from parasol_builders import copy_fixture, make_project, tree_hashes

from parasol_gitops.errors import InputError
from parasol_gitops.parasol import progress
from parasol_gitops.parasol.project import detect, load
from parasol_gitops.yamlio import load_text

STARTED = "2026-01-02T03:04:05Z"
DONE = "2026-01-02T03:09:00Z"


def outside_phase7(text: str) -> list[str]:
    """The lines of parasol.yaml outside the phases.phase7 block."""
    lines = text.splitlines()
    start = lines.index("  phase7:")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip() and not lines[i].startswith("    ")),
               len(lines))
    return lines[:start] + lines[end:]


@pytest.mark.parametrize("fixture", ["asashi", "suntory", "synthetic"])
def test_only_the_phase7_block_changes(tmp_path: Path, fixture: str) -> None:
    root = make_project(tmp_path / "p") if fixture == "synthetic" else copy_fixture(fixture, tmp_path)
    project = detect(root)
    original = project.raw_text
    for text in (progress.mark_started(project, STARTED),
                 progress.mark_completed(project, STARTED, DONE, ["cicd-pipeline.md", "apps/"])):
        assert outside_phase7(text) == outside_phase7(original)
        assert text.endswith("\n") and text.count("\n") >= original.count("\n")
    started = load_text(progress.mark_started(project, STARTED), display="x")["phases"]["phase7"]
    assert started["status"] == "in_progress" and str(started["started"]) == "2026-01-02T03:04:05+00:00"
    assert started["completed"] is None
    done_text = progress.mark_completed(project, STARTED, DONE, ["cicd-pipeline.md", "apps/"])
    done = load_text(done_text, display="x")["phases"]["phase7"]
    assert done["status"] == "completed" and list(done["artifacts"]) == ["apps/", "cicd-pipeline.md"]
    assert "    started: 2026-01-02T03:04:05Z\n    completed: 2026-01-02T03:09:00Z\n" in done_text
    keys = ["status", "started", "completed", "artifacts"]
    assert list(done) == (keys if fixture == "suntory" else ["name", *keys])


def test_phase7_is_added_when_missing(tmp_path: Path) -> None:
    path = tmp_path / "parasol.yaml"
    path.write_text("project:\n  name: x  # keep me\nphases:\n  phase6:\n    status: completed\n\n"
                    "settings:\n  language: en\n", encoding="utf-8")
    text = progress.mark_started(load(path), STARTED)
    assert text == ("project:\n  name: x  # keep me\nphases:\n  phase6:\n    status: completed\n"
                    "  phase7:\n    name: Platform\n    status: in_progress\n    started: 2026-01-02T03:04:05Z\n"
                    "    completed: null\n\nsettings:\n  language: en\n")


def test_phases_is_added_when_missing(tmp_path: Path) -> None:
    path = tmp_path / "parasol.yaml"
    path.write_text("project:\n  name: x\n", encoding="utf-8")
    text = progress.mark_started(load(path), STARTED)
    assert text.startswith("project:\n  name: x\n\nphases:\n  phase7:\n    name: Platform\n")


def test_clock_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(progress.NOW_ENV, "2030-05-06T07:08:09+09:00")
    assert progress.now_iso() == "2030-05-05T22:08:09Z"
    monkeypatch.setenv(progress.NOW_ENV, "yesterday")
    with pytest.raises(InputError, match="not an ISO 8601"):
        progress.now_iso()


def test_contaminated_file_is_rewritten_clean_with_the_capture_kept(tmp_path: Path) -> None:
    root = copy_fixture("contaminated", tmp_path)
    project = detect(root)
    captured = (root / "parasol.yaml").read_bytes()
    progress.write(project, progress.mark_started(project, STARTED), backup=True)
    assert (root / "parasol.yaml.bak").read_bytes() == captured
    clean = (root / "parasol.yaml").read_text(encoding="utf-8")
    assert "\x1b" not in clean and "│" not in clean
    assert clean.startswith("project:\n  name: asahi-group\n  company: アサヒグループホールディングス\n")
    again = detect(root)
    assert not again.contaminated and again.phase("phase7")["status"] == "in_progress"


def test_restore_puts_back_the_bytes_and_the_old_backup(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    project = detect(root)
    (root / "parasol.yaml.bak").write_bytes(b"older backup\n")
    before = tree_hashes(root)
    progress.write(project, progress.mark_started(project, STARTED), backup=True)
    assert tree_hashes(root) != before
    progress.restore(project, b"older backup\n")
    assert tree_hashes(root) == before


def test_a_failed_run_leaves_parasol_yaml_untouched(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p")
    foreign = root / "outputs" / "7-platform"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("not a GitOps repository\n")
    before = tree_hashes(root)
    result = run_cli("platform", cwd=root, env={progress.NOW_ENV: STARTED})
    assert result.exit_code == 2
    assert "was not written by parasol-gitops" in result.stderr
    assert tree_hashes(root) == before  # parasol.yaml byte-identical, no parasol.yaml.bak left behind
