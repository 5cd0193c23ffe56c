"""`parasol-gitops new` over Copier's Python API: the whole repository (CI files included) or nothing at all."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from _scaffold_renders import answers_for, final_answers, rendered
from conftest import run_cli, run_cli_subprocess

from parasol_gitops import scaffold
from parasol_gitops.errors import InputError


def tree_digest(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_new_with_defaults_writes_the_repository_and_its_ci(tmp_path: Path) -> None:
    dest = tmp_path / "shop-gitops"
    result = run_cli("new", str(dest), "--defaults")
    assert result.exit_code == 0, result.stderr
    for rel in ("README.md", ".copier-answers.yml", "pipeline.yaml", "renovate.json", "docs/operations-runbook.md",
                "bootstrap/kustomization.yaml", "services/orders/overlays/production/kustomization.yaml"):
        assert (dest / rel).is_file(), rel
    workflows = sorted(p.name for p in (dest / ".github" / "workflows").iterdir())
    assert workflows, "the github CI files were not synthesized"
    assert not (dest / ".gitlab-ci.yml").exists()
    assert f"wrote {workflows[0]}" not in result.stdout  # paths are printed relative to DEST
    assert f"wrote .github/workflows/{workflows[0]}" in result.stdout
    assert "next: cd" in result.stdout
    # nothing left beside DEST (the staging folder is gone)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shop-gitops"]


def test_ci_files_equal_the_synthesizer_output_for_each_target() -> None:
    from parasol_gitops.pipeline import load_spec, synthesize

    cases = (("default", ["github"]), ("one-service", ["gitlab"]), ("six-mixed-helm-ja", ["github", "gitlab"]))
    for name, targets in cases:
        root = rendered(name)
        spec = load_spec(root / "pipeline.yaml")
        expected: dict[str, str] = {}
        for target in targets:
            expected.update(synthesize(spec, target, source="pipeline.yaml"))
        for rel, text in expected.items():
            assert (root / rel).read_text() == text, (name, rel)
        has_github = (root / ".github").exists()
        assert has_github is ("github" in targets)
        assert (root / ".gitlab-ci.yml").exists() is ("gitlab" in targets)


@pytest.mark.parametrize("name", ("default", "one-service", "six-mixed-helm-ja", "parasol-helm-traefik"))
def test_pipeline_yaml_agrees_with_the_platform_spec(name: str) -> None:
    """The rendered pipeline.yaml deploys the services and environments of the Python spec of the same answers:
    same names, images, strategies, tiers (rules.yaml's table), approvals and environment URLs."""
    from parasol_gitops.pipeline import load_spec
    from parasol_gitops.spec import PlatformSpec

    root = rendered(name)
    answers = final_answers(root)
    pipeline = load_spec(root / "pipeline.yaml")
    platform = PlatformSpec.from_answers(answers)
    assert [(s["name"], s["image"], s["strategy"] or "rolling") for s in pipeline["services"]] == [
        (s.name, s.image or f"{platform.registry}/{s.name}", s.strategy) for s in platform.services]
    assert [(e["name"], e["tier"], e["approval"], e["url"]) for e in pipeline["environments"]] == [
        (e.name, e.pipeline_tier, e.tier == "production", f"https://{e.name}.{platform.base_domain}/{{service}}")
        for e in platform.environments]
    if answers["packaging"] == "helm":
        # a Helm repository has no kustomize overlays: the deploy edits the chart's values-<env>.yaml
        root_dir = "kubernetes/helm" if answers["layout"] == "parasol" else "helm"
        assert pipeline["gitops"]["overlay"] == f"{root_dir}/{{service}}/values-{{env}}.yaml"
    else:
        assert pipeline["gitops"]["overlay"] == "services/{service}/overlays/{env}"


def test_same_answers_give_byte_identical_repositories(tmp_path: Path) -> None:
    first = rendered("one-service")
    second = tmp_path / "again"
    scaffold.render(second, answers_for("one-service"))
    a, b = tree_digest(first), tree_digest(second)
    a.pop(".copier-answers.yml"), b.pop(".copier-answers.yml")  # records the template commit of this run
    assert a == b


def test_data_file_and_data_options(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    answers.write_text(yaml.safe_dump({"project_name": "tea", "services": [{"name": "brew", "port": 8000}]}))
    dest = tmp_path / "tea"
    result = run_cli("new", str(dest), "--data-file", str(answers), "--data", "docs_language=ja",
                     "--data", "rpo_hours=2", "--defaults")
    assert result.exit_code == 0, result.stderr
    recorded = final_answers(dest)
    assert recorded["project_name"] == "tea"
    assert [s["name"] for s in recorded["services"]] == ["brew"]
    assert recorded["docs_language"] == "ja" and recorded["rpo_hours"] == 2
    assert (dest / "services" / "brew" / "base" / "kustomization.yaml").is_file()
    assert (dest / "docs" / "infrastructure-design.md").read_text().startswith("# インフラストラクチャ設計")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--data", "services=[{name: Orders_Service}]"], "not a DNS-1123 label"),
        (["--data", "services=[{name: a}, {name: a}]"], "duplicate service name 'a'"),
        (["--data", "services=[]"], "service list is empty"),
        (["--data", "services=[{name: a, strategy: big-bang}]"], "unknown strategy 'big-bang'"),
        (["--data", "project_name=Shop!"], "not a DNS-1123 label"),
        (["--data", "services=[{name: a, calls: [nowhere]}]"], "unknown service 'nowhere'"),
        (["--data", "services=[{name: a, colour: red}]"], "unknown key"),
        (["--data", "nonsense"], "KEY=VALUE"),
        (["--data", "services=[{name: a"], "malformed YAML"),
    ],
)
def test_bad_answers_exit_2_with_one_line_and_write_nothing(tmp_path: Path, args: list[str], message: str) -> None:
    dest = tmp_path / "out"
    result = run_cli("new", str(dest), "--defaults", *args)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("error: ")
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == []  # no staging folder left either


def test_spec_errors_speak_japanese_under_lang_ja(tmp_path: Path) -> None:
    """An answer Copier's validators let through (an unknown service key) is refused by the spec, in the --lang
    language."""
    dest = tmp_path / "out"
    result = run_cli("new", str(dest), "--defaults", "--data", "services=[{name: a, colour: red}]", "--lang", "ja")
    assert result.exit_code == 2, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("エラー: ")
    assert line.endswith(".copier-answers.yml: services[0].colour: 不明なキーです"), line
    assert not dest.exists()


@pytest.mark.parametrize(
    ("answers", "english", "japanese"),
    [
        ({"services": [{"name": "Orders"}]}, "'Orders' is not a DNS-1123 label; try 'orders'",
         "'Orders' は DNS-1123 ラベルではありません。'orders' を試してください"),
        ({"services": [{"name": "a", "calls": ["b"]}]}, "unknown service 'b'", "サービス 'b' は存在しません"),
        ({"services": [{"name": "a", "image": "Bad Image"}]},
         "'Bad Image' is not an image repository (host[:port]/path, lower case, no tag)",
         "'Bad Image' はイメージのリポジトリ（host[:port]/path、小文字、タグなし）ではありません"),
        ({"services": [{"name": "a", "autoscaling": {"min": 3, "max": 2}}]},
         "must be {min, max} with 1 <= min <= max", "{min, max}（1 <= min <= max）で書いてください"),
        ({"services": [{"name": "a"}], "environments": [{"name": "dev", "sync": "often"}]},
         "'often' is not auto or manual", "'often' は auto、manual のいずれでもありません"),
    ],
)
def test_spec_errors_in_both_languages(answers: dict[str, object], english: str, japanese: str) -> None:
    from parasol_gitops import messages
    from parasol_gitops.errors import SpecError
    from parasol_gitops.spec import PlatformSpec

    for lang, text in (("en", english), ("ja", japanese)):
        messages.set_language(lang)
        try:
            with pytest.raises(SpecError) as raised:
                PlatformSpec.from_answers({"project_name": "shop", **answers})
        finally:
            messages.set_language(None)
        assert raised.value.problem == text


def test_bad_answers_in_a_child_process_print_no_traceback(tmp_path: Path) -> None:
    dest = tmp_path / "out"
    proc = run_cli_subprocess("new", str(dest), "--defaults", "--data", "services=[{name: UPPER}]")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1
    assert not dest.exists()


def test_new_refuses_a_non_empty_destination(tmp_path: Path) -> None:
    dest = tmp_path / "existing"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine\n")
    result = run_cli("new", str(dest), "--defaults")
    assert result.exit_code == 2
    assert "not empty" in result.stderr and "parasol-gitops update" in result.stderr
    assert sorted(p.name for p in dest.iterdir()) == ["keep.txt"]


def test_new_fills_an_empty_destination(tmp_path: Path) -> None:
    dest = tmp_path / "empty"
    dest.mkdir()
    written = scaffold.copy(dest, {"services": [{"name": "solo"}]})
    assert "services/solo/base/kustomization.yaml" in written
    assert written == sorted(written)
    assert all((dest / rel).is_file() for rel in written)


def test_a_data_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "answers.yml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(InputError, match="mapping"):
        scaffold.copy(tmp_path / "out", data_file=bad)
    result = run_cli("new", str(tmp_path / "out"), "--data-file", str(tmp_path / "missing.yml"), "--defaults")
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_bundled_template_is_this_repository() -> None:
    root = Path(scaffold.bundled_template())
    assert (root / "copier.yml").is_file() and (root / "template").is_dir()


def test_help_does_not_import_copier() -> None:
    proc = run_cli_subprocess("new", "--help")
    assert proc.returncode == 0 and "--data-file" in proc.stdout
    probe = run_cli_subprocess("--help")
    assert probe.returncode == 0
    import subprocess
    import sys

    code = "import sys, parasol_gitops.commands.scaffold; print('copier' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
