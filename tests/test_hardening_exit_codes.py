"""Issue 11, items 6 and 10: paths that lead outside what the user named are refused, and input problems that
used to end in a traceback (exit 3) are one line with exit 2 — each case with what is on disk afterwards."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from hostile_inputs import SERVICE

from parasol_gitops.pipeline.model import _topological, check_graph

# --- item 6: nothing written or read outside what the user named ---------------------------------------------


def test_out_with_a_symlinked_folder_inside_is_refused(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / ".github").symlink_to(elsewhere)
    result = run_cli("pipeline", "--target", "github", "--spec", "example:monorepo", "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"error: {out / '.github'} is a symbolic link: refusing to write through it (it could lead outside {out})"]
    assert list(elsewhere.iterdir()) == []
    assert sorted(p.name for p in out.iterdir()) == [".github"]


def test_out_with_a_deeper_symlinked_folder_is_refused(tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    (out / ".github").mkdir(parents=True)
    elsewhere.mkdir()
    (out / ".github" / "workflows").symlink_to(elsewhere)
    result = run_cli("pipeline", "--target", "github", "--spec", "example:monorepo", "--out", str(out))
    assert result.exit_code == 2 and "is a symbolic link" in result.stderr
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("name", ["../../tests/answers/one-service", "/etc/hosts", "monorepo/../monorepo", ""])
def test_spec_example_takes_only_names_of_shipped_examples(name: str) -> None:
    result = run_cli("pipeline", "--target", "github", "--spec", f"example:{name}", "--out", "-")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1
    assert "(choose one of: mixed-strategies, monorepo, single-service)" in result.stderr
    assert result.stdout == ""


# --- item 10: exit 2, one line ----------------------------------------------------------------------------


def test_out_under_proc_is_an_input_error(tmp_path: Path) -> None:
    result = run_cli("pipeline", "--target", "github", "--spec", "example:monorepo", "--out", "/proc/x")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: cannot write /proc/x: No such file or directory"]


def test_long_needs_chain_and_deep_nesting_are_exit_2(tmp_path: Path) -> None:
    spec = tmp_path / "pipeline.yaml"
    stages = "".join(f"  - {{name: s{i}, type: lint_and_test{f', needs: [s{i - 1}]' if i else ''}}}\n"
                     for i in range(101))
    spec.write_text("version: 1\n" + SERVICE + "stages:\n" + stages, encoding="utf-8")
    result = run_cli("pipeline", "--target", "github", "--spec", str(spec), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {spec}: stages: 101 stages, above the limit of 100"]


def test_graph_ordering_and_cycles_need_no_recursion() -> None:
    """The model's ordering and cycle check on a 5,000-long chain (far beyond the spec limit): graphlib, no
    RecursionError, and the order the former algorithm gave (spec order unless a need comes later)."""
    names = [f"s{i}" for i in range(5000)]
    chain = {name: ([names[i - 1]] if i else []) for i, name in enumerate(names)}
    assert _topological(list(reversed(names)), chain) == names
    assert _topological(["c", "a", "b"], {"a": [], "b": ["c"], "c": []}) == ["c", "a", "b"]
    assert _topological(["b", "a", "c"], {"a": [], "b": ["a"], "c": []}) == ["a", "b", "c"]
    cyclic = {**chain, "s0": ["s4999"]}
    problems = check_graph(cyclic, dict.fromkeys(names, "st"), ["st"])
    assert len(problems) == 1 and problems[0].startswith("cycle: ")
    assert check_graph(chain, dict.fromkeys(names, "st"), ["st"]) == []


def test_a_service_name_the_template_cannot_render_is_exit_2(tmp_path: Path) -> None:
    result = run_cli("new", str(tmp_path / "repo"), "--defaults", "--data", "services=[{name: 123}]")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "error: the template failed to render: UndefinedError: list object has no element Undefined"]
    assert list(tmp_path.iterdir()) == []


def _template_copy(tmp_path: Path) -> Path:
    template = tmp_path / "template-src"
    template.mkdir()
    shutil.copy2(ROOT / "copier.yml", template / "copier.yml")
    shutil.copytree(ROOT / "template", template / "template")
    return template


@pytest.mark.parametrize(("include", "fragment"), [
    ("/etc/passwd", "/etc/passwd"),
    ("../../outside.txt", "../../outside.txt"),
])
def test_an_untrusted_template_including_outside_files_is_exit_2(tmp_path: Path, include: str,
                                                                  fragment: str) -> None:
    template = _template_copy(tmp_path)
    (tmp_path / "outside.txt").write_text("secret\n")
    readme = next(template.glob("template/README.md*"))
    readme.write_text(readme.read_text() + f"\n{{% include '{include}' %}}\n")
    work = tmp_path / "work"
    work.mkdir()
    result = run_cli("new", str(work / "repo"), "--template", str(template), "--defaults")
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the template refers to a file outside itself: ")
    assert fragment in lines[0] and "secret" not in result.stderr
    assert list(work.iterdir()) == []


def test_an_untrusted_template_escaping_the_sandbox_is_exit_2(tmp_path: Path) -> None:
    template = _template_copy(tmp_path)
    readme = next(template.glob("template/README.md*"))
    readme.write_text(readme.read_text() + "\n{{ cycler.__init__.__globals__.os.popen('id').read() }}\n")
    work = tmp_path / "work"
    work.mkdir()
    result = run_cli("new", str(work / "repo"), "--template", str(template), "--defaults")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == ["error: the template did something its sandbox forbids: access to "
                                          "attribute '__init__' of 'type' object is unsafe."]
    assert list(work.iterdir()) == []


def test_errors_in_the_rendered_pipeline_yaml_name_the_users_folder(tmp_path: Path) -> None:
    template = _template_copy(tmp_path)
    spec = next(template.glob("template/pipeline.yaml*"))
    spec.write_text(spec.read_text() + "\nnot_a_key: 1\n")
    work = tmp_path / "work"
    work.mkdir()
    dest = work / "repo"
    result = run_cli("new", str(dest), "--template", str(template), "--defaults")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [f"error: {dest / 'pipeline.yaml'}: unknown key 'not_a_key'"]
    assert ".render-" not in result.stderr
    assert list(work.iterdir()) == []


# --- a full disk --------------------------------------------------------------------------------------------


@pytest.fixture()
def full_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A folder on a real 64 KiB tmpfs: ``mount`` as root (the project's machines), else ``sudo -n mount`` (CI
    runners). Never simulated: the kernel's own ENOSPC is what must come out as one line."""
    disk = tmp_path / "disk"
    disk.mkdir()
    options = f"size=64k,uid={os.getuid()},gid={os.getgid()}"
    for prefix in ([], ["sudo", "-n"]):
        if subprocess.run([*prefix, "mount", "-t", "tmpfs", "-o", options, "tmpfs", str(disk)],
                          capture_output=True, check=False).returncode == 0:
            try:
                yield disk
            finally:
                subprocess.run([*prefix, "umount", str(disk)], capture_output=True, check=False)
            return
    pytest.fail("the full-disk test needs a 64 KiB tmpfs: run it as root or with passwordless sudo")


def test_a_full_disk_is_no_space_left_on_dest(full_disk: Path) -> None:
    dest = full_disk / "repo"
    result = run_cli("new", str(dest), "--defaults")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines() == [f"error: no space left on {dest}"]
    assert list(full_disk.iterdir()) == []  # the staging folder went with the failure


def test_a_full_disk_during_pipeline_output_is_no_space_left(full_disk: Path) -> None:
    with (full_disk / "filler").open("wb") as fh:  # leave about 4 KiB: less than the CI files need
        fh.write(b"x" * (60 * 1024))
    out = full_disk / "ci"
    result = run_cli("pipeline", "--target", "gitlab", "--spec", "example:monorepo", "--out", str(out))
    assert result.exit_code == 2, result.stderr
    assert result.stderr.splitlines() == [f"error: no space left on {out}"]
    assert [p.relative_to(out) for p in out.rglob("*")] == []  # nothing half-written
