"""Issue 11, item 8 (and the YAML half of item 10): hostile YAML ends in exit 2 and one line naming the file, for
every reader (``pipeline --spec``, ``new --data-file``, ``bump``), with nothing written. Time and memory of each
hostile input are asserted in ``bench/bench_hostile.py`` (child processes), not here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli
from hostile_inputs import CASES, write_all

from parasol_gitops import yamlio
from parasol_gitops.errors import SpecError


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_all(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_pipeline_spec_is_refused_in_one_line(hostile: dict[str, Path], tmp_path: Path, name: str) -> None:
    out = tmp_path / "out"
    result = run_cli("pipeline", "--target", "github", "--spec", str(hostile[name]), "--out", str(out))
    assert result.exit_code == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {hostile[name]}: ")
    assert CASES[name][1] in lines[0]
    assert not out.exists()


@pytest.mark.parametrize("name", ["billion-laughs", "depth-400-block", "1mb-comment-line"])
def test_hostile_answers_file_is_refused_before_copier_runs(hostile: dict[str, Path], tmp_path: Path,
                                                            name: str) -> None:
    result = run_cli("new", str(tmp_path / "repo"), "--defaults", "--data-file", str(hostile[name]))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and CASES[name][1] in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_hostile_kustomization_is_refused_by_bump_and_left_alone(hostile: dict[str, Path], tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    bomb = hostile["billion-laughs"].read_bytes()
    (overlay / "kustomization.yaml").write_bytes(bomb)
    result = run_cli("bump", "--overlay", str(overlay), "--image", "ghcr.io/example/orders=1.2.3")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {overlay / 'kustomization.yaml'}: {CASES['billion-laughs'][1]} (at line 11): refusing a possible "
        "alias bomb"]
    assert (overlay / "kustomization.yaml").read_bytes() == bomb
    assert sorted(p.name for p in overlay.iterdir()) == ["kustomization.yaml"]


def test_a_fifo_or_a_device_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipeline.yaml"
    os.mkfifo(fifo)  # opening it for reading would block forever without a writer
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")  # reading it would never end
    for spec in (fifo, zero):
        result = run_cli("pipeline", "--target", "github", "--spec", str(spec), "--out", "-")
        assert result.exit_code == 2
        assert result.stderr.splitlines() == [f"error: {spec}: not a regular file (a folder, a device or a pipe)"]


def test_a_key_with_a_newline_gives_one_line(tmp_path: Path) -> None:
    spec = tmp_path / "pipeline.yaml"
    spec.write_text(CASES["depth-400-flow"][0]().split("x:")[0] + '"bad\\nkey": 1\n', encoding="utf-8")
    result = run_cli("pipeline", "--target", "github", "--spec", str(spec), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "bad\\nkey" in result.stderr


def test_limits_are_at_the_documented_values() -> None:
    assert (yamlio.MAX_BYTES, yamlio.MAX_LINE, yamlio.MAX_DEPTH, yamlio.MAX_ALIAS_NODES) == (
        1024 * 1024, 16 * 1024, 100, 100_000)


def test_within_the_limits_aliases_and_nesting_still_load() -> None:
    nested = "a: " + "[" * 99 + "1" + "]" * 99 + "\n"
    anchors = "base: &b {x: 1, y: [1, 2]}\n" + "".join(f"u{i}: *b\n" for i in range(500))
    for load in (yamlio.load_text, yamlio.load_data_text):
        assert load(anchors, display="t")["u499"]["y"] == [1, 2]
        value = load(nested, display="t")["a"]
        for _ in range(98):
            value = value[0]
        assert value == [1]
        with pytest.raises(SpecError, match="nesting deeper than 100 levels"):
            load("a: " + "[" * 101 + "]" * 101 + "\n", display="t")


def test_data_loader_reads_yaml_1_2_like_ruamel() -> None:
    text = "a: yes\nb: no\nc: on\nd: 010\ne: 0o17\nf: 0x1F\ng: 1e3\nh: .inf\ni: ~\nj: 1:20\nk: 2026-01-02\n"
    data = yamlio.load_data_text(text, display="t")
    rt = yamlio.load_text(text, display="t")
    assert data == {k: rt[k] for k in rt}
    assert data["a"] == "yes" and data["d"] == 10 and data["e"] == 15 and data["j"] == "1:20"
    with pytest.raises(SpecError, match="t: malformed YAML at line 2: duplicate key 'a'"):
        yamlio.load_data_text("a: 1\na: 2\n", display="t")


def test_hostile_parasol_yaml_is_refused_by_platform(hostile: dict[str, Path], tmp_path: Path) -> None:
    from parasol_builders import make_project

    root = make_project(tmp_path / "shop")
    bomb = hostile["billion-laughs"].read_text() + "project:\n  name: shop\n"
    (root / "parasol.yaml").write_text(bomb, encoding="utf-8")
    result = run_cli("platform", "--plan", cwd=root)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert CASES["billion-laughs"][1] in result.stderr
    assert (root / "parasol.yaml").read_text(encoding="utf-8") == bomb
