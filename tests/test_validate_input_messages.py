"""validate's bad-input errors (exit 2, one line) come from the catalogue: Japanese under ``--lang ja``."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from conftest import run_cli

from parasol_gitops import messages
from parasol_gitops.messages import CATALOGUE

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _detected_language():  # type: ignore[no-untyped-def]
    yield
    messages.set_language(None)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_folder_without_kustomization_is_refused_in_the_chosen_language(tmp_path: Path, lang: str) -> None:
    (tmp_path / "notes.md").write_text("# not a GitOps repository\n")
    result = run_cli("--lang", lang, "validate", str(tmp_path))
    assert result.exit_code == 2
    [line] = [ln for ln in result.stderr.splitlines() if str(tmp_path) in ln]
    if lang == "ja":
        assert "kustomization.yaml も Helm チャートも見つかりません" in line
    else:
        assert line.endswith("no kustomization.yaml or Helm chart found: is this a GitOps repository?")
        assert not JAPANESE.search(line)


def test_a_bad_kube_version_is_refused_in_japanese(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources: []\n")
    result = run_cli("validate", str(tmp_path), "--kube-version", "latest", "--lang", "ja")
    assert result.exit_code == 2
    assert "--kube-version 'latest' は 1.31.0 のようなバージョンではありません" in result.stderr


def test_every_validate_input_message_has_both_languages_with_the_same_fields() -> None:
    keys = [k for k in CATALOGUE if k.startswith("validate.input.")]
    assert len(keys) >= 9
    for key in keys:
        en, ja = CATALOGUE[key]["en"], CATALOGUE[key]["ja"]
        assert JAPANESE.search(ja) and not JAPANESE.search(en), key
        assert set(re.findall(r"{(\w+)}", en)) == set(re.findall(r"{(\w+)}", ja)), key


def test_a_refused_file_is_said_in_japanese_in_text_and_stays_english_in_json(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (repo / "app" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    (repo / "loose").mkdir()
    os.mkfifo(repo / "loose" / "pipe.yaml")  # a loose manifest validate must not open
    ja = run_cli("--lang", "ja", "validate", str(repo))
    assert "通常ファイルではありません（FIFO・ソケット・デバイス）: 読み込みません" in ja.stdout
    js = run_cli("--lang", "ja", "validate", str(repo), "--format", "json")
    [found] = [f for f in json.loads(js.stdout)["findings"] if f["id"] == "PGO-INPUT-LIMIT"]
    assert (found["where"], found["message"]) == ("loose/pipe.yaml",
                                                  "not a regular file (FIFO, socket or device): not read")


def test_a_refused_kustomization_file_is_said_in_japanese_in_text_and_stays_english_in_json(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "app").mkdir(parents=True)
    os.mkfifo(repo / "app" / "kustomization.yaml")  # the kustomization file itself must not be opened
    ja = run_cli("--lang", "ja", "validate", str(repo))
    lines = [line for line in ja.stdout.splitlines() if "app/kustomization.yaml" in line and "PGO-INPUT-LIMIT" in line]
    assert lines and "通常ファイルではありません（FIFO・ソケット・デバイス）: 読み込みません" in lines[0], ja.stdout
    js = run_cli("--lang", "ja", "validate", str(repo), "--format", "json")
    found = [f for f in json.loads(js.stdout)["findings"] if f["id"] == "PGO-INPUT-LIMIT"]
    assert [(f["where"], f["message"]) for f in found] == [
        ("app/kustomization.yaml", "not a regular file (FIFO, socket or device): not read")]
