"""Issue 11 item 5: `validate` reads nothing outside the repository root.

Every case puts a secret marker in a file outside the repository, reaches it from inside (a chart file symlink
read with ``.Files.Get``, ``resources: [../../../outside]``, an Argo CD Application path that is an in-repo
symlink to an outside folder, a chart template symlink, a resource file symlink) and asserts: exit 1, a
``PGO-OUTSIDE-ROOT`` finding naming the file (and field), the marker nowhere in the report, the repository
unchanged and no temporary left. The outside files are FIFOs where the case allows it: opening one for
reading would block, so a run that opened it would hang and fail on the time limit instead of passing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CRD_SCHEMAS, ROOT, find_tool
from repo_builders import application, write, write_repo
from test_hardening_validate_network import snapshot

MARKER = "outside-secret-7f3a"


def run_validate(repo: Path, tmp: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    proc = subprocess.run([sys.executable, "-m", "parasol_gitops", "validate", str(repo), "--format", "json",
                           "--schema-location", str(CRD_SCHEMAS)], capture_output=True, text=True, env=env,
                          timeout=180)
    assert proc.returncode in (0, 1), proc.stderr
    return proc, json.loads(proc.stdout)


def outside_findings(data: dict[str, Any]) -> dict[str, str]:
    return {f["where"]: f["message"] for f in data["findings"] if f["id"] == "PGO-OUTSIDE-ROOT"}


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """``(repo, outside)``: a clean repository and a folder beside it holding the marker."""
    find_tool("kubectl")
    repo = write_repo(tmp_path / "work/repo", services=("orders",), envs=("dev",))
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "cm.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {MARKER}\n")
    (outside / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (outside / "secret.txt").write_text(f"{MARKER}\n")
    return repo, outside


def _chart(repo: Path, template: str) -> Path:
    chart = repo / "charts/probe"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: probe\nversion: 0.1.0\n")
    (chart / "templates/cm.yaml").write_text(template)
    return chart


def _finish(repo: Path, tmp_path: Path, before: dict[str, str]) -> dict[str, Any]:
    proc, data = run_validate(repo, tmp_path / "tmp")
    assert proc.returncode == 1
    assert MARKER not in proc.stdout and "root:x:0:0" not in proc.stdout
    assert snapshot(repo) == before and list((tmp_path / "tmp").iterdir()) == []
    return data


def test_chart_file_symlink_to_etc_passwd_is_not_rendered(layout: tuple[Path, Path], tmp_path: Path) -> None:
    repo, _ = layout
    chart = _chart(repo, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\ndata:\n'
                   '  passwd: {{ .Files.Get "files/passwd" | quote }}\n')
    (chart / "files").mkdir()
    (chart / "files/passwd").symlink_to("/etc/passwd")
    data = _finish(repo, tmp_path, snapshot(repo))
    assert outside_findings(data)["charts/probe"] == \
        "chart not rendered: charts/probe/files/passwd leave(s) the repository root or is not a regular file or folder"
    assert data["stats"]["charts_rendered"] == 0


def test_chart_template_symlink_to_an_outside_fifo_is_not_rendered(layout: tuple[Path, Path], tmp_path: Path) -> None:
    repo, outside = layout
    chart = _chart(repo, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\n")
    os.mkfifo(outside / "template.yaml")
    (chart / "templates/outside.yaml").symlink_to(outside / "template.yaml")
    data = _finish(repo, tmp_path, snapshot(repo))
    assert outside_findings(data)["charts/probe"].startswith("chart not rendered: charts/probe/templates/outside.yaml")


def test_resources_dot_dot_outside_is_not_built(layout: tuple[Path, Path], tmp_path: Path) -> None:
    repo, _ = layout
    base = repo / "services/orders/base/kustomization.yaml"
    data = yaml.safe_load(base.read_text())
    data["resources"].append("../../../../outside")  # services/orders/base → work/ → the folder beside it
    base.write_text(yaml.safe_dump(data))
    found = outside_findings(_finish(repo, tmp_path, snapshot(repo)))
    assert found["services/orders/base/kustomization.yaml"] == \
        "resources[6]: ../../../../outside: resolves outside the repository root: folder not built"
    assert found["services/orders/overlays/dev"].startswith("not built: includes services/orders/base")


def test_resource_file_symlink_to_an_outside_fifo_is_not_built(layout: tuple[Path, Path], tmp_path: Path) -> None:
    repo, outside = layout
    os.mkfifo(outside / "pipe.yaml")
    (repo / "services/orders/base/extra.yaml").symlink_to(outside / "pipe.yaml")
    base = repo / "services/orders/base/kustomization.yaml"
    data = yaml.safe_load(base.read_text())
    data["resources"].append("extra.yaml")
    base.write_text(yaml.safe_dump(data))
    found = outside_findings(_finish(repo, tmp_path, snapshot(repo)))
    assert found["services/orders/base/kustomization.yaml"] == \
        "resources[6]: extra.yaml: resolves outside the repository root: folder not built"


def test_application_path_symlinked_outside_is_not_read(layout: tuple[Path, Path], tmp_path: Path) -> None:
    repo, outside = layout
    (repo / "linked").symlink_to(outside, target_is_directory=True)
    write(repo, "apps/linked.yaml", application("linked", "dev", "linked", "shop-dev"))
    apps = repo / "apps/kustomization.yaml"
    data = yaml.safe_load(apps.read_text())
    data["resources"].append("linked.yaml")
    apps.write_text(yaml.safe_dump(data))
    data = _finish(repo, tmp_path, snapshot(repo))
    assert outside_findings(data)["linked"] == "resolves outside the repository root: not read"


def test_loose_manifest_symlink_outside_is_named_where_it_lies(layout: tuple[Path, Path], tmp_path: Path) -> None:
    repo, outside = layout
    (repo / "bootstrap/extra.yaml").symlink_to(outside / "cm.yaml")
    (repo / "notes").mkdir()
    (repo / "notes/passwd.yaml").symlink_to("/etc/passwd")
    found = outside_findings(_finish(repo, tmp_path, snapshot(repo)))
    assert found["notes/passwd.yaml"] == "resolves outside the repository root: not read"


def test_pipeline_yaml_symlinked_outside_is_not_read(layout: tuple[Path, Path], tmp_path: Path) -> None:
    repo, outside = layout
    (repo / "pipeline.yaml").symlink_to(outside / "secret.txt")
    found = outside_findings(_finish(repo, tmp_path, snapshot(repo)))
    assert found["pipeline.yaml"] == "resolves outside the repository root: not read"


def test_chart_folder_symlinked_inside_the_root_is_walked_too(layout: tuple[Path, Path], tmp_path: Path) -> None:
    repo, _ = layout
    chart = _chart(repo, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\n")
    (repo / "shared-files").mkdir()
    (repo / "shared-files/passwd").symlink_to("/etc/passwd")
    (chart / "files").symlink_to(repo / "shared-files", target_is_directory=True)  # inside, but holds a way out
    found = outside_findings(_finish(repo, tmp_path, snapshot(repo)))
    assert found["charts/probe"].startswith("chart not rendered: charts/probe/files/passwd")
