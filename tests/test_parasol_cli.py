"""``parasol-gitops platform``: detection, languages, preconditions, --plan, and bad input (exit 2, one line,
nothing written)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import run_cli
from parasol_builders import SvcDef, copy_fixture, make_project, tree_hashes


def test_detects_the_project_from_two_levels_below(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    result = run_cli("platform", "--plan", cwd=root / "outputs" / "4-architecture")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "✅ Project detected: demo-shop"
    assert lines[1].strip() == f"project directory: {root.resolve()}"
    assert lines[2].strip() == f"output directory: {(root / 'outputs').resolve()}"


def test_three_levels_below_is_not_a_project(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    deep = root / "outputs" / "4-architecture" / "vs1-commerce"
    result = run_cli("platform", "--plan", cwd=deep)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == "error: Parasol project not found (no parasol.yaml here, in .. or in ../..)"
    hint = result.stderr.splitlines()[1]
    assert "1) create a project" in hint and "2) cd into an existing project" in hint and "3) list projects" in hint


def test_project_option(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    result = run_cli("platform", "--plan", "--project", str(root / "outputs"), cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "order-service" in result.stdout


def test_japanese_from_project_setting_and_lang_override(tmp_path: Path) -> None:
    root = copy_fixture("suntory", tmp_path)
    ja = run_cli("platform", "--plan", cwd=root, env={"LANG": "en_US.UTF-8"})
    assert ja.exit_code == 0, ja.stderr
    assert ja.stdout.splitlines()[0] == "✅ プロジェクト検出: suntory"
    assert "検出したサービス（19件）" in ja.stdout
    en = run_cli("--lang", "en", "platform", "--plan", cwd=root)
    assert en.stdout.splitlines()[0] == "✅ Project detected: suntory"


def test_japanese_from_locale_when_the_project_does_not_say(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop", language=None)
    result = run_cli("platform", "--plan", cwd=root, env={"LANG": "ja_JP.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""})
    assert result.stdout.splitlines()[0] == "✅ プロジェクト検出: demo-shop"


def test_not_initialised_without_outputs(tmp_path: Path) -> None:
    root = copy_fixture("contaminated", tmp_path)
    before = tree_hashes(root)
    result = run_cli("--lang", "en", "platform", cwd=root)
    assert result.exit_code == 2
    err = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(err) == 1 and "not initialised" in err[0] and "phase 1 (context)" in err[0]
    assert "captured from a terminal (ANSI colour codes, line-number border)" in result.stderr
    assert tree_hashes(root) == before
    ja = run_cli("--lang", "ja", "platform", cwd=root)
    assert ja.exit_code == 2
    assert "端末出力のキャプチャです（ANSI カラーコードと行番号の枠）" in ja.stderr  # no English word left in it
    assert tree_hashes(root) == before


def test_phase6_incomplete_stops_and_writes_nothing(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop", phase6_status="pending", with_guides=False)
    before = tree_hashes(root)
    result = run_cli("platform", cwd=root)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: phase 6 (implementation) is not complete: phases.phase6.status is "
                                    "'pending'")
    assert "--force" in result.stderr and "Traceback" not in result.stderr
    assert tree_hashes(root) == before


def test_guides_count_as_phase6_even_if_the_status_lags(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop", phase6_status="in_progress")
    result = run_cli("platform", "--plan", cwd=root)
    assert result.exit_code == 0 and "phase 6" not in result.stderr


def test_plan_prints_the_model_and_writes_nothing(tmp_path: Path) -> None:
    root = copy_fixture("asashi", tmp_path)
    before = tree_hashes(root)
    result = run_cli("--lang", "en", "platform", "--plan", cwd=root)  # asashi is Japanese, without a setting
    assert result.exit_code == 0, result.stderr
    assert "phase 6 (implementation) is incomplete" in result.stderr  # a warning: --plan writes nothing
    table = result.stdout.split("Discovered services (7)")[1].split("Sources (which one won):")[0]
    rows = [line.split() for line in table.strip().splitlines()[1:]]
    assert rows[0][:3] == ["SERVICE", "NAME", "TYPE"]
    assert [r[0] for r in rows[1:]] == sorted([
        "beer-development-service", "beverage-development-service", "fermentation-research-service",
        "ingredient-research-service", "process-engineering-service", "rnd-support-service",
        "spirits-development-service"])
    assert "criticality: core ← outputs/4-architecture/" in result.stdout
    beer = next(line for line in table.splitlines() if line.startswith("beer-development-service "))
    assert "Beer Development Service（ビール開発サービス）" in beer
    assert "japanese_name: ビール開発サービス ← outputs/4-architecture/" in result.stdout
    assert tree_hashes(root) == before


def _bad(tmp_path: Path, root: Path, *args: str) -> str:
    before = tree_hashes(root)
    result = run_cli("--lang", "en", "platform", *args, cwd=root)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert tree_hashes(root) == before  # nothing written, parasol.yaml included
    assert not (root / "outputs" / "7-platform").exists()
    return errors[0]


def test_malformed_parasol_yaml_names_the_line(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    path = root / "parasol.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = "  display_name: [unclosed"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "malformed YAML at line 5" in _bad(tmp_path, root)


def test_malformed_capture_reports_the_line_the_user_sees(tmp_path: Path) -> None:
    root = copy_fixture("contaminated", tmp_path)
    path = root / "parasol.yaml"
    text = path.read_text(encoding="utf-8").replace("status: pending", "status: [pending", 1)
    path.write_text(text, encoding="utf-8")
    # The broken flow list is on bordered line 22 (file line 25); YAML notices at the next line, 23 in the
    # border's numbering (the cleaned text), not 26 (the capture file's own numbering).
    assert "malformed YAML at line 23:" in _bad(tmp_path, root)


def test_no_services(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop", services=[])
    assert "no services found" in _bad(tmp_path, root)


def test_duplicate_slug(tmp_path: Path) -> None:
    services = [SvcDef("R&D Support", None, stack=None), SvcDef("R and D Support", None, stack=None)]
    root = make_project(tmp_path / "shop", services, with_guides=False)
    assert "both become 'r-and-d-support'" in _bad(tmp_path, root)


def test_reserved_slug(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop", [SvcDef("Platform", None, stack=None)], with_guides=False)
    assert "would be named 'platform', which the platform layer uses" in _bad(tmp_path, root)


def _bc_folder(root: Path) -> Path:
    folder = root / "outputs" / "4-architecture" / "vs1-commerce" / "services" / "order-service" / "bounded-contexts"
    folder.mkdir()
    return folder


def test_dangling_symlink(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    os.symlink("../../../../3-capabilities/missing-bc.md", _bc_folder(root) / "order-taking-bc.md")
    assert "is a link to ../../../../3-capabilities/missing-bc.md, which does not exist" in _bad(tmp_path, root)


def test_dangling_git_symlink_file(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    (_bc_folder(root) / "order-taking-bc.md").write_text("../../../../../3-capabilities/gone-bc.md")
    assert "which does not exist" in _bad(tmp_path, root)


def test_symlink_out_of_the_project(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    secret = tmp_path / "secret.md"
    secret.write_text("outside\n")
    os.symlink(secret, _bc_folder(root) / "order-taking-bc.md")
    assert "points outside the project" in _bad(tmp_path, root)


def test_git_symlink_file_out_of_the_project(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    (tmp_path / "x.md").write_text("outside\n")
    (_bc_folder(root) / "order-taking-bc.md").write_text("../../../../../../../x.md")
    assert "points outside the project" in _bad(tmp_path, root)


def test_linked_phase6_folder_out_of_the_project(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    elsewhere = tmp_path / "elsewhere" / "main"
    elsewhere.mkdir(parents=True)
    (elsewhere / "implementation-guide.md").write_text("## 技術スタック\n\n- 言語: Go\n", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", root / "outputs" / "6-implementation" / "services" / "stolen")
    assert "points outside the project" in _bad(tmp_path, root)


def test_unreadable_definition(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    path = root / "outputs" / "4-architecture" / "vs1-commerce" / "services" / "order-service" / "service-definition.md"
    path.write_bytes(b"# Order\n\xff\xfe broken \x80\n")
    message = _bad(tmp_path, root)
    assert "cannot read outputs/4-architecture/vs1-commerce/services/order-service/service-definition.md" in message


def test_unreadable_guide(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    guide = root / "outputs" / "6-implementation" / "services" / "order-service" / "order-taking"
    (guide / "implementation-guide.md").unlink()
    (guide / "implementation-guide.md").mkdir()  # a folder where a file should be
    assert "cannot read" in _bad(tmp_path, root)


@pytest.mark.parametrize("name", ["../../etc/passwd", "..", "/etc/cron.d/x"])
def test_path_traversal_in_a_service_name(tmp_path: Path, name: str) -> None:
    root = make_project(tmp_path / "shop", [SvcDef(name, None, stack=None)], with_guides=False)
    assert "points outside the project" in _bad(tmp_path, root)


@pytest.mark.parametrize("name", ["Order $(rm -rf ~) Service", "Pay`id`", "Ship; reboot", "Cart | tee",
                                  "Order {{ x }}", "Bad ${{ github.token }}", "A #comment", "Star *alias"])
def test_metacharacters_in_a_service_name(tmp_path: Path, name: str) -> None:
    root = make_project(tmp_path / "shop", [SvcDef(name, None, stack=None)], with_guides=False)
    assert "contains" in _bad(tmp_path, root)


def test_metacharacters_in_a_phase6_folder(tmp_path: Path) -> None:
    svc = SvcDef("Order Service", "order-service", stack={"言語": "Go"}, guide_folder="order$(id)")
    root = make_project(tmp_path / "shop", [svc])
    assert "contains" in _bad(tmp_path, root)


def test_settings_platform_overrides_are_checked(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop", extra_settings="  platform:\n    replicas: 3\n")
    assert "settings.platform.replicas: unknown or not overridable" in _bad(tmp_path, root)
