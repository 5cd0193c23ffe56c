"""Issue #14: under ``--lang ja`` an error line is Japanese, not ``エラー:`` followed by English. Each case is a bad
input that used to raise an English-only literal; the line after the prefix must hold kana or kanji, and the
exit code is 2 (bad input)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_cli

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
PREFIX = "エラー: "


def _gitops_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "gitops"
    repo.mkdir()
    (repo / ".copier-answers.yml").write_text("project_name: shop\nservices:\n  - name: orders\n", encoding="utf-8")
    return repo


def _kustomization(tmp_path: Path, text: str) -> Path:
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(text, encoding="utf-8")
    return overlay


def _parasol(tmp_path: Path, text: str) -> Path:
    project = tmp_path / "project"
    (project / "outputs").mkdir(parents=True)
    (project / "parasol.yaml").write_text(text, encoding="utf-8")
    return project


CASES = {
    "dr: a backup name that is not one": lambda tmp: (
        "dr", "record", str(_gitops_repo(tmp)), "--backup", "bad name!", "--result", "succeeded",
        "--rto-minutes", "1", "--rpo-minutes", "1"),
    "dr: a date in the future": lambda tmp: (
        "dr", "record", str(_gitops_repo(tmp)), "--backup", "daily-1", "--result", "succeeded",
        "--rto-minutes", "1", "--rpo-minutes", "1", "--date", "2999-01-01"),
    "dr: a date that is no date": lambda tmp: (
        "dr", "record", str(_gitops_repo(tmp)), "--backup", "daily-1", "--result", "succeeded",
        "--rto-minutes", "1", "--rpo-minutes", "1", "--date", "yesterday"),
    "bump: images is not a list": lambda tmp: (
        "bump", "--overlay", str(_kustomization(tmp, "images: orders\n")), "--image", "orders=1.2.3"),
    "bump: malformed YAML": lambda tmp: (
        "bump", "--overlay", str(_kustomization(tmp, "images: [\n")), "--image", "orders=1.2.3"),
    "new: a data file with a duplicate key": lambda tmp: (
        "new", str(tmp / "out"), "--data-file", str(_write(tmp / "answers.yml", "a: 1\na: 2\n"))),
    "platform: parasol.yaml is not a mapping": lambda tmp: (
        "platform", "--project", str(_parasol(tmp, "- just\n- a list\n"))),
    "platform: output_dir outside the project": lambda tmp: (
        "platform", "--project", str(_parasol(tmp, "settings:\n  output_dir: ../elsewhere\n"))),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_under_lang_ja_is_one_japanese_error_line(case: str, tmp_path: Path) -> None:
    result = run_cli(*CASES[case](tmp_path), "--lang", "ja")
    assert result.exit_code == 2, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith(PREFIX)]
    assert len(errors) == 1, result.stderr
    assert JAPANESE.search(errors[0][len(PREFIX):]), errors[0]


def test_the_same_input_under_lang_en_stays_english(tmp_path: Path) -> None:
    result = run_cli(*CASES["dr: a date in the future"](tmp_path), "--lang", "en")
    assert result.exit_code == 2
    assert "is in the future" in result.stderr and not JAPANESE.search(result.stderr)
