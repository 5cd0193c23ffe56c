"""Commands that never mislead: each case of issue 14 with its exit code and its message."""

from __future__ import annotations

import json
import re
import subprocess
import warnings
from pathlib import Path

import pytest
from conftest import find_tool, run_cli
from repo_builders import write_repo

from parasol_gitops import messages
from parasol_gitops.messages import CATALOGUE

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
OVERLAY = """\
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - deployment.yaml
images:
  - name: ghcr.io/example/orders
    newTag: "1.0.0"
"""
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders}
spec:
  template:
    spec:
      containers:
        - name: app
          image: ghcr.io/example/orders:1.0.0
        - name: cache
          image: docker.io/library/redis:7.2@sha256:%s
""" % ("ab" * 32)


@pytest.fixture(autouse=True)
def _language_reset() -> None:
    yield
    messages.set_language(None)


def overlay(tmp_path: Path, text: str = OVERLAY) -> Path:
    folder = tmp_path / "overlay"
    folder.mkdir()
    (folder / "kustomization.yaml").write_text(text)
    (folder / "deployment.yaml").write_text(DEPLOYMENT)
    return folder


# ---- bump ------------------------------------------------------------------------------------------------
def test_bump_matches_the_last_path_segment_when_it_is_unambiguous(tmp_path: Path) -> None:
    folder = overlay(tmp_path)
    res = run_cli("bump", "--overlay", str(folder), "--image", "orders=1.2.3")
    assert res.exit_code == 0, res.stderr
    text = (folder / "kustomization.yaml").read_text()
    assert text == OVERLAY.replace('newTag: "1.0.0"', 'newTag: "1.2.3"')  # that entry, no dead `name: orders`
    # an image only the built resources use gets its entry, under its full name
    res = run_cli("bump", "--overlay", str(folder), "--image", "redis=7.4")
    assert res.exit_code == 0, res.stderr
    assert "  - name: docker.io/library/redis\n    newTag: \"7.4\"\n" in (folder / "kustomization.yaml").read_text() \
        or "  - name: docker.io/library/redis\n    newTag: '7.4'\n" in (folder / "kustomization.yaml").read_text()


def test_bump_fails_listing_the_images_when_nothing_matches(tmp_path: Path) -> None:
    folder = overlay(tmp_path)
    res = run_cli("bump", "--overlay", str(folder), "--image", "payments=1.2.3")
    assert res.exit_code == 1
    assert res.stderr.strip() == (f"error: no image in {folder / 'kustomization.yaml'} matches 'payments'; its images: "
                                  "docker.io/library/redis, ghcr.io/example/orders")
    assert (folder / "kustomization.yaml").read_text() == OVERLAY


def test_bump_refuses_an_ambiguous_last_segment(tmp_path: Path) -> None:
    folder = overlay(tmp_path, OVERLAY + "  - name: quay.io/mirror/orders\n    newTag: \"1.0.0\"\n")
    res = run_cli("bump", "--overlay", str(folder), "--image", "orders=2.0.0")
    assert res.exit_code == 1
    assert "'orders' matches several images" in res.stderr
    assert "ghcr.io/example/orders, quay.io/mirror/orders" in res.stderr and "give the full name" in res.stderr
    full = run_cli("bump", "--overlay", str(folder), "--image", "quay.io/mirror/orders=2.0.0")
    assert full.exit_code == 0, full.stderr


# ---- conflict markers --------------------------------------------------------------------------------------
def _git_repo(root: Path) -> None:
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "repo"]):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=root, check=True,
                       capture_output=True)


def test_conflict_markers_are_one_finding_and_hide_the_findings_they_cause(tmp_path: Path) -> None:
    find_tool("kubectl")
    root = write_repo(tmp_path / "gitops")
    _git_repo(root)
    kfile = root / "services" / "orders" / "overlays" / "production" / "kustomization.yaml"
    lines = kfile.read_text().splitlines(keepends=True)
    line_no = next(i for i, line in enumerate(lines) if "newTag" in line) + 1
    lines[line_no - 1:line_no] = ["<<<<<<< before updating\n", lines[line_no - 1], "=======\n",
                                  lines[line_no - 1].replace("0.1.0", "0.2.0"), ">>>>>>> after updating\n"]
    kfile.write_text("".join(lines))
    res = run_cli("validate", str(root), "--format", "json", "--quiet")
    assert res.exit_code == 1
    data = json.loads(res.stdout)
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert [(f["id"], f["where"]) for f in errors] == [
        ("PGO-CONFLICT-MARKERS", f"services/orders/overlays/production/kustomization.yaml:{line_no}")]
    assert "merge conflict markers at line" in errors[0]["message"]
    # the YAML error of that folder and the missing production deployment it causes are not reported
    assert not [f for f in data["findings"] if f["id"] in ("PGO-BUILD", "PGO-APP-ENV-MISSING")]
    # text: the summary once, on stdout; nothing repeated on stderr
    text = run_cli("validate", str(root), "--quiet")
    assert text.exit_code == 1
    assert text.stdout.count("FAILED: 1 error(s)") == 1 and text.stderr == ""


# ---- status vms5 ------------------------------------------------------------------------------------------
def test_vms5_next_actions_follow_the_cause_for_a_repository_made_with_bare_copier(tmp_path: Path) -> None:
    import copier

    from parasol_gitops.scaffold import bundled_template

    find_tool("kubectl")
    dest = tmp_path / "bare"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        copier.run_copy(bundled_template(), str(dest), defaults=True, quiet=True, vcs_ref="HEAD", unsafe=False)
    assert (dest / "pipeline.yaml").is_file() and not (dest / ".github").exists()
    res = run_cli("status", "vms5", str(dest), "--format", "json")
    assert res.exit_code == 0, res.stderr
    actions = json.loads(res.stdout)["next_actions"]
    synth = [a for a in actions if "parasol-gitops pipeline --target github" in a]
    assert synth and ".github/workflows/ci.yml" in synth[0]
    assert not [a for a in actions if "Add a security_scan stage" in a]  # pipeline.yaml has one
    assert not [a for a in actions if "add it to pipeline.yaml" in a]  # every service is in it


# ---- pipeline --check ------------------------------------------------------------------------------------
def test_pipeline_check_prints_a_bounded_unified_diff_per_drifted_file(tmp_path: Path) -> None:
    res = run_cli("pipeline", "--target", "github", "--spec", "example:single-service", "--out", str(tmp_path))
    assert res.exit_code == 0, res.stderr
    ci = tmp_path / ".github" / "workflows" / "ci.yml"
    ci.write_text(ci.read_text().replace("permissions: {}", "permissions: write-all", 1))
    (tmp_path / ".github" / "workflows" / "rollback.yml").unlink()
    check = run_cli("pipeline", "--target", "github", "--spec", "example:single-service", "--out", str(tmp_path),
                    "--check")
    assert check.exit_code == 1
    out = check.stdout
    assert "--- a/.github/workflows/ci.yml\n+++ b/.github/workflows/ci.yml\n" in out
    assert "-permissions: write-all\n+permissions: {}\n" in out
    assert "--- /dev/null\n+++ b/.github/workflows/rollback.yml\n" in out
    assert re.search(r"\.\.\. \(\d+ more diff lines; run `parasol-gitops pipeline` to rewrite\)", out)
    assert len(out.splitlines()) <= 2 * 61 + 5  # each file's diff cut to a readable length
    assert "drift" in check.stderr and ".github/workflows/ci.yml" in check.stderr


# ---- languages ---------------------------------------------------------------------------------------------
def test_every_message_has_english_and_japanese() -> None:
    allowed_without_kana = {"check.line"}  # only placeholders and punctuation
    for key, texts in CATALOGUE.items():
        assert set(texts) >= {"en", "ja"}, key
        assert texts["en"].strip() and texts["ja"].strip(), key
        if key not in allowed_without_kana:
            assert JAPANESE.search(texts["ja"]), (key, texts["ja"])


def test_gate_and_status_words_are_translated() -> None:
    for word in ("passed", "failed", "pending"):
        assert messages.t(f"vms5.status.{word}", "en") == word
        assert JAPANESE.search(messages.t(f"vms5.status.{word}", "ja"))


def test_lang_is_accepted_after_any_subcommand_and_errors_are_japanese(tmp_path: Path) -> None:
    res = run_cli("dr", "record", str(tmp_path), "--lang", "ja", "--backup", "b", "--result", "succeeded",
                  "--rto-minutes", "1", "--rpo-minutes", "1")
    assert res.exit_code == 2
    first = res.stderr.splitlines()[0]
    assert first.startswith("エラー: ") and "GitOps リポジトリではありません" in first
    bump = run_cli("bump", "--overlay", str(tmp_path / "none"), "--image", "a=b", "--lang", "ja")
    assert bump.exit_code == 2
    assert bump.stderr.strip() == f"エラー: {tmp_path / 'none'}: オーバーレイのフォルダが見つかりません"
    pipe = run_cli("pipeline", "--lang", "ja")
    assert pipe.exit_code == 2
    assert pipe.stderr.strip() == "エラー: --target がありません（github か gitlab を指定してください）"
    for cmd in (["validate"], ["status", "vms5"], ["new"], ["update"], ["service", "add"], ["dr", "record"],
                ["platform"], ["bump"], ["pipeline"]):
        helped = run_cli(*cmd, "--help")
        assert "--lang [en|ja]" in helped.stdout, cmd


# ---- dr record ---------------------------------------------------------------------------------------------
def test_dr_record_refuses_a_folder_that_is_not_a_gitops_repository(tmp_path: Path) -> None:
    res = run_cli("dr", "record", str(tmp_path), "--backup", "b", "--result", "succeeded", "--rto-minutes", "1",
                  "--rpo-minutes", "1")
    assert res.exit_code == 2
    assert res.stderr.startswith(f"error: {tmp_path} is not a GitOps repository")
    assert not (tmp_path / "dr").exists()
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "kustomization.yaml").write_text("resources: []\n")
    ok = run_cli("dr", "record", str(tmp_path), "--backup", "b", "--result", "succeeded", "--rto-minutes", "1",
                 "--rpo-minutes", "1")
    assert ok.exit_code == 0, ok.stderr


def test_usage_errors_under_ja_are_japanese_wherever_lang_is_given() -> None:
    res = run_cli("pipeline", "--bogus", "--lang", "ja")
    assert res.exit_code == 2
    assert res.stderr.splitlines()[-1] == "エラー: オプション --bogus はありません"
    en = run_cli("pipeline", "--bogus", "--lang", "en")
    assert en.exit_code == 2 and "No such option" in en.stderr


def test_conflict_marker_scan_reads_through_the_validate_sandbox(tmp_path: Path) -> None:
    """A tracked symlink out of the repository is not read (its markers are not reported), an oversized file
    neither; the repository's own conflicted file is."""
    from parasol_gitops.validate import conflicts, sandbox

    outside = tmp_path / "outside.txt"
    outside.write_text("secret\n<<<<<<< HEAD\nx\n>>>>>>> other\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "link.txt").symlink_to(outside)
    (root / "real.txt").write_text("a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> other\n")
    (root / "big.txt").write_bytes(b"<<<<<<< HEAD\n" + b"x" * sandbox.MAX_FILE_BYTES)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    assert conflicts.scan(root) == {"real.txt": [2, 6]}
