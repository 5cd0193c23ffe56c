"""Where a generated GitOps repository keeps each service: the folder names the template writes, named once here.

A service's kustomize base and overlays live under ``services/<svc>/`` (``overlays/<env>``), its Helm chart under
``helm/<svc>/``, or ``kubernetes/helm/<svc>/`` in the Parasol layout (template/_lib/platform.json.jinja:
``charts_dir``), with one ``values-<env>.yaml`` per environment; its Argo CD Applications are
``apps/<env>/<svc>.yaml``. validate's app graph reads these paths, ``service remove`` deletes them, and pipeline.yaml's
default ``gitops.overlay`` points into them.
"""

from __future__ import annotations

import re
from pathlib import Path

SERVICES_DIR = "services"
CHART_DIRS = ("helm", "kubernetes/helm")
APPS_DIR = "apps"
# pipeline.yaml's gitops.overlay when the spec gives none: the folder the deploy step sets the image in.
OVERLAY_PATTERN = SERVICES_DIR + "/{service}/overlays/{env}"

# Both chart folders end in ".../helm/<svc>", so one pattern recognises either.
_PATHS = {
    "overlay": re.compile(rf"(?:^|/){SERVICES_DIR}/([^/]+)/overlays/([^/]+)$"),
    "chart": re.compile(r"(?:^|/)helm/([^/]+)$"),
    "values": re.compile(r"values-([^/]+)\.ya?ml"),
}


def service_overlay(path: str) -> tuple[str, str] | None:
    """``(service, env)`` when the repository-relative folder ``path`` is a service's overlay."""
    found = _PATHS["overlay"].search(path)
    return (found.group(1), found.group(2)) if found else None


def chart_service(path: str) -> str | None:
    """The service whose chart is the repository-relative folder ``path``."""
    found = _PATHS["chart"].search(path)
    return found.group(1) if found else None


def values_env(file_name: str) -> str | None:
    """The environment of a chart's value file ``values-<env>.yaml``."""
    found = _PATHS["values"].fullmatch(file_name)
    return found.group(1) if found else None


def service_roots(root: Path) -> list[Path]:
    """The folders whose subfolders are services: ``services/`` and the chart folders."""
    return [root / SERVICES_DIR, *(root / charts for charts in CHART_DIRS)]


def service_folders(root: Path, name: str) -> list[Path]:
    """Every folder that belongs to the service ``name`` alone (its kustomize tree, its chart in either layout)."""
    return [folder / name for folder in service_roots(root)]


def service_apps(root: Path, name: str) -> list[Path]:
    """The service's Argo CD Application files, one per environment."""
    return sorted((root / APPS_DIR).glob(f"*/{name}.yaml"))
