"""Hostile additions to a clean repository (``repo_builders.write_repo``), shared by the hardening tests and
``bench/bench_hostile_validate.py``. Each function changes ``repo`` and returns what ``validate`` must report:
``(check id, where)``."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import yaml

BASE = "services/orders/base"


def _add_resource(repo: Path, folder: str, entry: str) -> None:
    path = repo / folder / "kustomization.yaml"
    data = yaml.safe_load(path.read_text())
    data["resources"] = [*data.get("resources", []), entry]
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def _chart(repo: Path, rel: str, template: str) -> Path:
    chart = repo / rel
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {chart.name}\nversion: 0.1.0\n")
    (chart / "templates/cm.yaml").write_text(template)
    return chart


# ---- hostile files (item 9) -------------------------------------------------------------------------------
def fifo_loose(repo: Path) -> tuple[str, str]:
    os.mkfifo(repo / "stray.yaml")
    return "PGO-INPUT-LIMIT", "stray.yaml"


def fifo_resource(repo: Path) -> tuple[str, str]:
    os.mkfifo(repo / BASE / "fifo.yaml")
    _add_resource(repo, BASE, "fifo.yaml")
    return "PGO-INPUT-LIMIT", f"{BASE}/kustomization.yaml"


def dev_zero_loose(repo: Path) -> tuple[str, str]:
    (repo / "zero.yaml").symlink_to("/dev/zero")
    return "PGO-OUTSIDE-ROOT", "zero.yaml"


def dev_zero_resource(repo: Path) -> tuple[str, str]:
    (repo / BASE / "zero.yaml").symlink_to("/dev/zero")
    _add_resource(repo, BASE, "zero.yaml")
    return "PGO-OUTSIDE-ROOT", f"{BASE}/kustomization.yaml"


def helm_range(repo: Path) -> tuple[str, str]:
    _chart(repo, "charts/bomb", 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\ndata:\n'
           '{{- range until 300000000 }}\n  k{{ . }}: "v"\n{{- end }}\n')
    return "PGO-HELM-RENDER", "charts/bomb"


def big_kustomization(repo: Path, mb: int = 50) -> tuple[str, str]:
    folder = repo / "big"
    folder.mkdir()
    line = "    - k{:08d}=" + "x" * 100 + "\n"
    with (folder / "kustomization.yaml").open("w") as f:
        f.write("configMapGenerator:\n  - name: big\n    literals:\n")
        for i in range(mb * 1024 * 1024 // (len(line) - 4)):
            f.write(line.format(i))
    return "PGO-INPUT-LIMIT", "big/kustomization.yaml"


def big_resource(repo: Path, mb: int = 50) -> tuple[str, str]:
    with (repo / BASE / "big.yaml").open("w") as f:
        f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n")
        line = "  k{:08d}: " + "x" * 100 + "\n"
        for i in range(mb * 1024 * 1024 // (len(line) - 4)):
            f.write(line.format(i))
    _add_resource(repo, BASE, "big.yaml")
    return "PGO-INPUT-LIMIT", f"{BASE}/kustomization.yaml"


def big_build(repo: Path) -> tuple[str, str]:
    """Five 7 MB resources: each under the per-file limit, together above the limit of one build."""
    for n in range(5):
        with (repo / BASE / f"part{n}.yaml").open("w") as f:
            f.write(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: part{n}\ndata:\n")
            line = "  k{:08d}: " + "x" * 100 + "\n"
            for i in range(7 * 1024 * 1024 // (len(line) - 4)):
                f.write(line.format(i))
        _add_resource(repo, BASE, f"part{n}.yaml")
    overlay = "services/orders/overlays/dev"  # what an Application deploys, when the repository has one
    return "PGO-INPUT-LIMIT", overlay if (repo / overlay).is_dir() else BASE


HOSTILE: dict[str, Callable[[Path], tuple[str, str]]] = {
    "fifo-loose": fifo_loose,
    "fifo-resource": fifo_resource,
    "dev-zero-loose": dev_zero_loose,
    "dev-zero-resource": dev_zero_resource,
    "helm-range-300000000": helm_range,
    "kustomization-50mb": big_kustomization,
    "resource-50mb": big_resource,
    "build-35mb-in-5-files": big_build,
}
