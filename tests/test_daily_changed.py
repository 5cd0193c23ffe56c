"""`validate --changed [REF]`: only what the diff can affect is built, the rest is named as skipped.

A hand-built repository (tests/repo_builders.py) committed on `main`, then a branch that changes one thing; the
real kustomize builds run, and the JSON `stats.changed` says what was built and what was skipped.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import find_tool, run_cli
from repo_builders import edit_yaml, write_repo

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run([*GIT, *args], cwd=cwd, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    find_tool("kubectl")
    root = write_repo(tmp_path / "gitops", services=("orders", "catalog", "payments"))
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "main")
    git(root, "checkout", "-qb", "feature")
    return root


def changed(root: Path, *args: str) -> dict:
    res = run_cli("validate", str(root), "--format", "json", "--quiet", *args)
    assert res.exit_code in (0, 1), res.stderr
    return json.loads(res.stdout)


def test_a_one_service_change_builds_that_service_and_the_app_graph_only(repo: Path) -> None:
    overlay = repo / "services" / "payments" / "overlays" / "staging" / "kustomization.yaml"
    overlay.write_text(overlay.read_text() + "commonLabels: {team: payments}\n")
    git(repo, "commit", "-qam", "payments staging label")

    data = changed(repo, "--changed")  # default: the merge base with main
    scope = data["stats"]["changed"]
    assert scope["changed_files"] == ["services/payments/overlays/staging/kustomization.yaml"]
    assert scope["ref"] == "merge-base(HEAD, main)"
    built = set(scope["built"])
    assert "services/payments/overlays/staging" in built
    assert "services/payments/base" not in built  # the base did not change: built inside the overlay only
    assert {"apps", "projects"} <= built  # the app graph is always judged
    assert not any(b.startswith(("services/orders", "services/catalog", "platform/")) for b in built)
    skipped = set(scope["skipped"])
    assert {"services/orders/overlays/dev", "services/payments/overlays/production", "platform/overlays/dev"} <= skipped
    # the graph still knows every service and its deployments: unchanged ones are not reported missing
    assert data["graph"]["services"] == ["catalog", "orders", "payments"]
    assert not [f for f in data["findings"] if f["id"].startswith("PGO-APP-")]
    assert data["ok"] is True
    assert scope["not_judged"]  # cross-folder checks are said to be not judged, not passed

    text = run_cli("validate", str(repo), "--changed=main", "--quiet")
    assert text.exit_code == 0, text.stderr
    assert "skipped (unaffected by the diff): " in text.stdout and "services/orders/overlays/dev" in text.stdout
    assert "not judged in this run" in text.stdout and "PGO-PIPELINE-DRIFT" in text.stdout


def test_a_changed_base_rebuilds_every_overlay_that_includes_it_and_finds_its_error(repo: Path) -> None:
    def privileged(docs: list) -> None:
        docs[0]["spec"]["template"]["spec"]["containers"][0]["securityContext"]["privileged"] = True

    edit_yaml(repo / "services" / "orders" / "base" / "deployment.yaml", privileged)
    data = changed(repo, "--changed=main")  # uncommitted changes count too
    built = set(data["stats"]["changed"]["built"])
    assert {f"services/orders/overlays/{e}" for e in ("dev", "staging", "production")} <= built
    assert not any(b.startswith("services/catalog") for b in built)
    assert any(f["id"] == "PGO-POD-SECURITY" and f["where"].startswith("services/orders/") for f in data["findings"])
    assert data["ok"] is False


def test_an_unknown_ref_is_bad_input(repo: Path) -> None:
    res = run_cli("validate", str(repo), "--changed=no-such-branch")
    assert res.exit_code == 2
    assert res.stderr.strip().splitlines() == ["error: --changed: 'no-such-branch' is not a commit, branch or tag "
                                               "of this repository"]
    assert res.stdout == ""


def test_without_a_git_repository_changed_is_bad_input(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "plain", services=("orders",))
    res = run_cli("validate", str(root), "--changed")
    assert res.exit_code == 2 and "needs a git repository" in res.stderr


def test_findings_the_scope_drops_cost_no_second_build(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from parasol_gitops.validate.render import Renderer

    overlay = repo / "services" / "payments" / "overlays" / "staging" / "kustomization.yaml"
    overlay.write_text(overlay.read_text() + "commonLabels: {team: payments}\n")
    git(repo, "commit", "-qam", "payments staging label")
    located: list[set[str]] = []
    real = Renderer.attach_sources
    monkeypatch.setattr(Renderer, "attach_sources", lambda self, rels: located.append(set(rels)) or real(self, rels))
    data = changed(repo, "--changed=main")
    assert data["ok"] is True and data["stats"]["changed"]["skipped"]
    # the overlay alone misses its namespace's default-deny (built in platform/): judged on partial objects, dropped
    assert "PGO-NETPOL-DEFAULT-DENY" in data["stats"]["changed"]["not_judged"]
    assert all(rels <= {"bootstrap"} for rels in located)  # bootstrap: remote base, never rebuilt
    # a finding the scope keeps still names the file that declares the object
    edit_yaml(repo / "services/payments/overlays/staging/kustomization.yaml",
              lambda d: d[0]["images"][0].update(newTag="latest"))
    data = changed(repo, "--changed=main")
    assert located and "services/payments/overlays/staging" in located[-1]
    [tag] = [f for f in data["findings"] if f["where"].startswith("services/payments/")
             and "latest" in f["message"]]
    assert tag["where"] != "services/payments/overlays/staging"


def test_the_app_graph_built_for_its_checks_alone_is_schema_checked_at_the_base(repo: Path) -> None:
    """Folders built only because they carry the app graph (nothing in their closure changed) are the base's
    objects: their schema check is not repeated; a folder the diff reaches is still schema-checked."""
    edit_yaml(repo / "services/payments/overlays/staging/kustomization.yaml",
              lambda d: d[0].update(replicas=[{"name": "payments", "count": "three"}]))
    data = changed(repo, "--changed=main")
    scope = data["stats"]["changed"]
    assert "apps" in scope["schema_checked_at_base"] and "projects" in scope["schema_checked_at_base"]
    assert "services/payments/overlays/staging" not in scope["schema_checked_at_base"]
    assert data["stats"]["schema_checked_at_base"] > 0
    assert data["stats"]["objects"] > data["stats"]["schema_checked_at_base"]
    # the full run checks them all
    full = json.loads(run_cli("validate", str(repo), "--format", "json", "--quiet").stdout)
    assert full["stats"]["schema_checked_at_base"] == 0

    # an Application file the diff changes is schema-checked again: its folder is no longer graph-only
    app = next((repo / "apps").glob("platform-*.yaml"))
    app.write_text(app.read_text() + "\n")
    data = changed(repo, "--changed=main")
    assert "apps" not in data["stats"]["changed"]["schema_checked_at_base"]


def test_conflict_markers_are_looked_for_in_the_changed_files(repo: Path) -> None:
    """A file unchanged since the base holds the markers the base held (the full run there reported them); the
    diff's own files are scanned."""
    readme = repo / "services" / "orders" / "NOTES.md"
    readme.write_text("<<<<<<< before updating\nmine\n=======\ntheirs\n>>>>>>> after updating\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "notes with markers")
    base = git(repo, "rev-parse", "HEAD").strip()
    assert [f for f in changed(repo, "--changed=main")["findings"] if f["id"] == "PGO-CONFLICT-MARKERS"]
    assert not [f for f in changed(repo, f"--changed={base}")["findings"] if f["id"] == "PGO-CONFLICT-MARKERS"]
    assert [f for f in json.loads(run_cli("validate", str(repo), "--format", "json", "--quiet").stdout)["findings"]
            if f["id"] == "PGO-CONFLICT-MARKERS"]
