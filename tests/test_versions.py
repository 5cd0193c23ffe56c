"""Every pinned version lives in template/_lib/versions.yaml, and every reader takes it from there.

The file is copied with every value changed, then each reader runs against the copy: the generated GitHub and
GitLab CI (actions, kustomize), validate's Kubernetes version, the spec's and copier.yml's Argo CD default, and the
template's charts, PostgreSQL image and pre-commit hooks. A reader that still wrote a version of its own would show
the shipped value, which the first test checks differs from the changed one.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from _scaffold_renders import _TMP, template_copy

from parasol_gitops import resources, versions

SHIPPED: dict[str, Any] = yaml.safe_load(resources.versions_path().read_text(encoding="utf-8"))


def _changed() -> dict[str, Any]:
    data = json.loads(json.dumps(SHIPPED))
    data["argocd"] = "v9.8.7"
    data["kubernetes"] = "1.29.3"
    data["kustomize"] = {"version": "v5.4.9", "sha256": "ab" * 32}
    for key, action in data["github_actions"].items():
        action["sha"] = f"{sum(map(ord, key)):040x}"
        action["version"] = action["version"] + ".99"
    for chart in data["charts"].values():
        chart["version"] = chart["version"] + "-changed"
    data["postgres_image"] = "registry.example.com/postgresql:15.99"
    data["pre_commit"] = {name: rev + "-changed" for name, rev in data["pre_commit"].items()}
    return data


CHANGED = _changed()


def test_the_file_has_every_pin_in_its_shape() -> None:
    pins = versions.get()
    assert re.fullmatch(r"v\d+\.\d+\.\d+", pins.argocd)
    assert re.fullmatch(r"\d+\.\d+\.\d+", pins.kubernetes)
    assert re.fullmatch(r"v\d+\.\d+\.\d+", pins.kustomize)
    assert re.fullmatch(r"[0-9a-f]{64}", pins.kustomize_sha256)
    assert len(pins.actions) == 10
    for key, action in pins.actions.items():
        assert re.fullmatch(r"[0-9a-f]{40}", action.sha), key
        assert re.fullmatch(r"v\d+\.\d+\.\d+", action.version), key
        assert action.uses == f"{action.repo}@{action.sha}"
    assert set(SHIPPED["charts"]) == {"loki", "tempo", "collector"}
    assert set(SHIPPED["pre_commit"]) == {"pre-commit-hooks", "yamllint", "check-jsonschema"}


def test_every_changed_value_differs_from_the_shipped_one() -> None:
    """Otherwise the checks below could pass on a version a reader still writes itself."""

    def leaves(data: Any, path: str = "") -> dict[str, Any]:
        if isinstance(data, dict):
            return {k: v for key, value in data.items() for k, v in leaves(value, f"{path}.{key}").items()}
        return {path: data}

    shipped, changed = leaves(SHIPPED), leaves(CHANGED)
    assert shipped.keys() == changed.keys()
    same = {k for k in shipped if shipped[k] == changed[k] and not k.endswith(".repo") and not k.endswith(".chart")}
    assert not same


@pytest.fixture(scope="module")
def changed_root() -> Path:
    """The working tree's copier.yml, template and pipelines with versions.yaml replaced by CHANGED."""
    root, made = template_copy("versions-changed", pipelines=True)
    if made:
        (root / "template" / "_lib" / "versions.yaml").write_text(yaml.safe_dump(CHANGED), encoding="utf-8")
    return root


_PYTHON_READERS = """
import json, sys
from pathlib import Path
from parasol_gitops import resources
resources.versions_path = lambda: Path(sys.argv[1])
from parasol_gitops import pipeline, spec
from parasol_gitops.commands.validate import validate
loaded = pipeline.load_spec(resources.pipelines_dir() / "examples" / "single-service.yaml")
out = {"github": pipeline.synthesize(loaded, "github"), "gitlab": pipeline.synthesize(loaded, "gitlab"),
       "kube": next(p.default for p in validate.params if p.name == "kube_version"),
       "argocd": spec.PlatformSpec.__dataclass_fields__["argocd_version"].default_factory()}
print(json.dumps(out))
"""


def test_the_python_readers_take_the_changed_file(changed_root: Path) -> None:
    path = changed_root / "template" / "_lib" / "versions.yaml"
    done = subprocess.run([sys.executable, "-c", _PYTHON_READERS, str(path)], capture_output=True, text=True,
                          check=True, timeout=120)
    out = json.loads(done.stdout)
    github = "\n".join(out["github"].values())
    for key, shipped in SHIPPED["github_actions"].items():
        assert shipped["sha"] not in github, key
    used = set(re.findall(r"uses: ([\w./-]+@[0-9a-f]{40})  # (\S+)", github))
    pinned = {(f"{a['repo']}@{a['sha']}", a["version"]) for a in CHANGED["github_actions"].values()}
    assert used and used <= pinned
    gitlab = "\n".join(out["gitlab"].values())
    assert f"kustomize%2F{CHANGED['kustomize']['version']}/" in gitlab
    assert f"KUSTOMIZE_SHA256: {CHANGED['kustomize']['sha256']}" in gitlab
    assert SHIPPED["kustomize"]["version"] not in gitlab
    assert out["kube"] == CHANGED["kubernetes"]
    assert out["argocd"] == CHANGED["argocd"]


def test_the_template_takes_the_changed_file(changed_root: Path) -> None:
    from parasol_gitops import scaffold

    root = _TMP / "versions-changed-render"
    if not root.exists():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scaffold.render(root, {}, src=str(changed_root))
    answers = yaml.safe_load((root / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["argocd_version"] == CHANGED["argocd"]
    pre_commit = yaml.safe_load((root / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    revs = {repo["repo"].rsplit("/", 1)[-1]: repo.get("rev") for repo in pre_commit["repos"] if "rev" in repo}
    assert revs == CHANGED["pre_commit"]
    for env in ("dev", "staging", "production"):
        apps = [d for d in yaml.safe_load_all((root / "apps" / env / "observability.yaml").read_text("utf-8"))
                if d and d.get("kind") == "Application"]
        pinned = {(a["spec"]["source"]["repoURL"], a["spec"]["source"]["chart"], a["spec"]["source"]["targetRevision"])
                  for a in apps}
        assert pinned == {(c["repo"], c["chart"], c["version"]) for c in CHANGED["charts"].values()}, env
        clusters = [d for d in yaml.safe_load_all((root / "platform" / "overlays" / env / "databases.yaml")
                                                  .read_text("utf-8")) if d and d.get("kind") == "Cluster"]
        assert clusters and all(c["spec"]["imageName"] == CHANGED["postgres_image"] for c in clusters), env
