"""Issue 11 item 7: no injection through answers.

Every hostile answer (a newline that would start a new YAML line, document or route; a trailing newline that
``$`` lets through) is refused three ways, each time with nothing written: by bare Copier (``copier.run_copy``, the
validators of copier.yml), by ``parasol-gitops new`` (exit 2, one line), and by the Python platform spec
(``PlatformSpec.from_answers``, used by ``platform``). Benign special characters in free-text fields render to
valid YAML that kustomize builds and kubernetes-validate accepts; values land in manifests as quoted scalars.
"""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml
from _scaffold_renders import final_answers, rendered
from conftest import ROOT, run_cli
from k8s_checks import kustomize_build, validate_all

from parasol_gitops.errors import SpecError
from parasol_gitops.spec import PlatformSpec

COPIER = yaml.safe_load((ROOT / "copier.yml").read_text(encoding="utf-8"))
SERVICES: list[dict[str, Any]] = COPIER["services"]["default"]


def _defaults() -> dict[str, Any]:
    """copier.yml's defaults as Copier computes them: a default may be a Jinja expression (the Argo CD release is
    read from template/_lib/versions.yaml), which only Copier renders; it recorded the result in a default render."""
    recorded = final_answers(rendered("default"))
    return {k: recorded[k] if isinstance(v["default"], str) and "{%" in v["default"] else v["default"]
            for k, v in COPIER.items()
            if isinstance(v, dict) and "default" in v and not k.startswith("_") and v.get("when") is not False}
POD = "order-placed\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {hostNetwork: true}"


def _service(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    services = copy.deepcopy(SERVICES)
    change(services[0])
    return {"services": services}


def _env(**fields: str) -> dict[str, Any]:
    envs = copy.deepcopy(COPIER["environments"]["default"])
    envs[0].update(fields)
    return {"environments": envs}


# name → (answers, what Copier's validator says, what the spec says)
HOSTILE: dict[str, tuple[dict[str, Any], str, str]] = {
    "events-publishes-pod": (_service(lambda s: s["events"].update(publishes=[POD])),
                             "is not a topic name", "services[0].events.publishes[0]"),
    "events-subscribes-newline": (_service(lambda s: s["events"].update(subscribes=["payment-settled\n"])),
                                  "is not a topic name", "services[0].events.subscribes[0]"),
    "service-name-trailing-newline": (_service(lambda s: s.update(name="orders\n")),
                                      'service name "orders\\n" is not a DNS-1123 label', "services[0].name"),
    "ingress-path-extra-route": (_service(lambda s: s.update(ingress_path="/orders\n          - path: /admin")),
                                 "ingress_path", "services[0].ingress_path"),
    "image-newline": (_service(lambda s: s.update(image="ghcr.io/example/orders\n")), "image",
                      "services[0].image"),
    "display-name-newline": (_service(lambda s: s.update(display_name="Orders\nkind: Pod")),
                             "control character", "services[0].display_name"),
    "database-unknown": (_service(lambda s: s.update(database="mysql\nx: y")), "database must be one of",
                         "services[0].database"),
    "base-domain-newline": ({"base_domain": "example.com\n"}, "not a DNS domain", "base_domain"),
    "registry-newline": ({"registry": "ghcr.io/example\n"}, "registry must look like", "registry"),
    "gitops-repo-url-newline": ({"gitops_repo_url": "https://github.com/example/x.git\n"},
                                "use an https://, ssh:// or git@ URL", "gitops_repo_url"),
    "project-name-newline": ({"project_name": "shop\n"}, "is not a DNS-1123 label", "project_name"),
    "ingress-class-newline": ({"ingress_class": "nginx\n"}, "not an ingress class name", "ingress_class"),
    "environment-name-newline": (_env(name="dev\n"), "is not a DNS-1123 label", "environments[0].name"),
    "environment-cluster-newline": (_env(cluster="https://k8s.example.com\n"), "https:// API server URL",
                                    "environments[0].cluster"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_bare_copier_refuses_and_writes_nothing(tmp_path: Path, name: str) -> None:
    answers, message, _ = HOSTILE[name]
    dest = tmp_path / "out"
    with warnings.catch_warnings(), pytest.raises(ValueError, match="Validation error for question") as raised:
        warnings.simplefilter("ignore")  # a dirty checkout of the template warns
        copier.run_copy(str(ROOT), str(dest), data=answers, defaults=True, unsafe=False, quiet=True,
                        vcs_ref="HEAD")
    assert message in str(raised.value)
    assert not dest.exists()


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_new_refuses_with_exit_2_and_writes_nothing(tmp_path: Path, name: str) -> None:
    answers, message, _ = HOSTILE[name]
    data_file = tmp_path / "answers.yml"
    data_file.write_text(yaml.safe_dump(answers), encoding="utf-8")
    dest = tmp_path / "out"
    result = run_cli("new", str(dest), "--defaults", "--data-file", str(data_file))
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert not dest.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answers.yml"]  # no staging folder left


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_platform_spec_refuses_the_same_answers(name: str) -> None:
    answers, _, where = HOSTILE[name]
    full = _defaults()
    full["project_name"] = "shop"
    full["gitops_repo_url"] = "https://github.com/example/shop-gitops.git"
    full.update(copy.deepcopy(answers))
    with pytest.raises(SpecError) as raised:
        PlatformSpec.from_answers(full, source="answers")
    assert raised.value.path == where
    assert "\n" not in str(raised.value)


def test_defaults_pass_the_spec() -> None:
    full = _defaults()
    full.update(project_name="shop", gitops_repo_url="https://github.com/example/shop-gitops.git")
    assert PlatformSpec.from_answers(full).services[0].events.publishes == ["order-placed"]


BENIGN = {
    "display_name": 'Orders: the "main" one # not a comment',
    "japanese_name": "注文: 'メイン' #1",
    "bounded_contexts": ["Ordering: core", "#billing", "{braces}", "[brackets]", "key: value"],
    "tech_stack": {"language": "C#: .NET 8", "framework": "ASP.NET 'minimal' APIs", "database": "PostgreSQL 16"},
}


def test_benign_special_characters_render_valid_yaml(tmp_path: Path) -> None:
    services = copy.deepcopy(SERVICES)
    services[0].update(BENIGN)
    data_file = tmp_path / "answers.yml"
    data_file.write_text(yaml.safe_dump({"services": services}, allow_unicode=True), encoding="utf-8")
    dest = tmp_path / "out"
    result = run_cli("new", str(dest), "--defaults", "--data-file", str(data_file))
    assert result.exit_code == 0, result.stderr
    for f in sorted([*dest.rglob("*.yaml"), *dest.rglob("*.yml")]):
        list(yaml.safe_load_all(f.read_text(encoding="utf-8")))  # every YAML file parses
    recorded = yaml.safe_load((dest / ".copier-answers.yml").read_text(encoding="utf-8"))["services"][0]
    assert {k: recorded[k] for k in BENIGN} == BENIGN
    objects = [o for folder in sorted((dest / "services/orders/overlays").iterdir()) for o in kustomize_build(folder)]
    objects += kustomize_build(dest / "platform/overlays/production")
    assert validate_all(objects) == []
    configmap = next(o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith("orders"))
    assert configmap["data"]["EVENTS_PUBLISHES"] == "order-placed"
    text = (dest / "services/orders/base/configmap.yaml").read_text(encoding="utf-8")
    assert 'EVENTS_PUBLISHES: "order-placed"' in text  # a JSON string, which is a YAML scalar
