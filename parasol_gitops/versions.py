"""Every version the product pins, for Python: the same file the Copier template reads.

``template/_lib/versions.yaml`` holds the GitHub actions (by commit SHA), the kustomize release the generated CI
installs, the Kubernetes version validate checks against and the Argo CD default; the template reads the same file
for its charts, images and pre-commit hooks. Found through :mod:`parasol_gitops.resources` (an installed wheel
reads its bundled copy) and parsed once per process by the product's one YAML reader.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from . import resources, yamlio


@dataclass(frozen=True)
class Action:
    """A third-party GitHub action pinned by the full commit SHA of the release ``version``."""

    repo: str
    sha: str
    version: str

    @property
    def uses(self) -> str:
        return f"{self.repo}@{self.sha}"


@dataclass(frozen=True)
class Versions:
    argocd: str
    kubernetes: str
    kustomize: str
    kustomize_sha256: str
    actions: dict[str, Action]


def parse(data: dict[str, Any]) -> Versions:
    kustomize = data["kustomize"]
    return Versions(
        argocd=str(data["argocd"]),
        kubernetes=str(data["kubernetes"]),
        kustomize=str(kustomize["version"]),
        kustomize_sha256=str(kustomize["sha256"]),
        actions={key: Action(str(a["repo"]), str(a["sha"]), str(a["version"]))
                 for key, a in data["github_actions"].items()},
    )


@functools.cache
def get() -> Versions:
    """The pins of this installation (package data: read once per process)."""
    return parse(yamlio.load_data_file(resources.versions_path()))
