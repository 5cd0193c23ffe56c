"""Helm packaging: one chart per service that renders, lints and validates with the real Helm SDK, and produces
exactly the objects the kustomize overlays produce for the same answers (namespace aside: Argo CD sets it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import helm_python  # helm-python-sdk, the [test] extra: a missing SDK is an error, never a skip
import pytest
import yaml
from _scaffold_renders import final_answers, rendered
from k8s_checks import kustomize_build, restricted_problems, validate_all

HELM_SETS = ("six-mixed-helm-ja", "six-mixed-helm-parasol", "one-service", "parasol-helm-traefik")


def chart_root(root: Path) -> Path:
    return root / ("kubernetes/helm" if final_answers(root)["layout"] == "parasol" else "helm")


def charts(name: str) -> list[tuple[Path, list[str]]]:
    root = rendered(name)
    answers = final_answers(root)
    envs = [e["name"] for e in answers["environments"]]
    return [(chart_root(root) / s["name"], envs) for s in answers["services"]]


def render_chart(chart: Path, env: str, **overrides: Any) -> list[dict[str, Any]]:
    values = yaml.safe_load((chart / f"values-{env}.yaml").read_text())
    for key, value in overrides.items():
        values[key] = {**values.get(key, {}), **value} if isinstance(value, dict) else value
    loaded = helm_python.Chart.load(str(chart))
    out = loaded.render(values=values, name=chart.name, namespace=f"ns-{env}")
    return [doc for text in out.values() for doc in yaml.safe_load_all(text) if doc]


@pytest.mark.parametrize("name", HELM_SETS)
def test_charts_lint_clean_for_every_environment(name: str) -> None:
    for chart, envs in charts(name):
        assert (chart / "Chart.yaml").is_file() and (chart / "values.yaml").is_file()
        for env in envs:
            values = yaml.safe_load((chart / f"values-{env}.yaml").read_text())
            report = helm_python.lint(str(chart), values, strict=True)
            assert report["errors"] == [], (chart, env, report)
            # severity 1 is INFO ("icon is recommended"); nothing at WARNING or above
            assert [m for m in report["messages"] if m["severity"] > 1] == [], (chart, env, report)


@pytest.mark.parametrize("name", HELM_SETS)
def test_rendered_objects_validate_and_workloads_are_restricted(name: str) -> None:
    kinds: set[str] = set()
    for chart, envs in charts(name):
        for env in envs:
            objects = render_chart(chart, env)
            assert validate_all(objects) == [], (chart, env)
            for obj in objects:
                assert restricted_problems(obj) == [], (chart, env)
                kinds.add(obj["kind"])
                assert obj["metadata"]["labels"]["parasol-gitops.io/environment"] == env
    assert {"ConfigMap", "HorizontalPodAutoscaler", "NetworkPolicy", "PodDisruptionBudget", "Service",
            "ServiceAccount", "ServiceMonitor"} <= kinds
    assert kinds & {"Deployment", "Rollout"}
    assert kinds & {"Ingress", "HTTPRoute"}


@pytest.mark.parametrize(
    ("helm_set", "kustomize_set"),
    [
        ("six-mixed-helm-ja", "six-mixed-kustomize"),  # nginx Ingress, all three strategies, gRPC, four envs
        ("one-service", "one-service"),  # Gateway API HTTPRoute; the parasol layout renders charts beside overlays
    ],
)
def test_charts_produce_the_same_objects_as_the_kustomize_overlays(helm_set: str, kustomize_set: str) -> None:
    helm_root, kustomize_root = rendered(helm_set), rendered(kustomize_set)
    answers = final_answers(helm_root)
    compared = 0
    for svc in answers["services"]:
        for env in answers["environments"]:
            built = kustomize_build(kustomize_root / "services" / svc["name"] / "overlays" / env["name"])
            charted = render_chart(chart_root(helm_root) / svc["name"], env["name"])

            def keyed(objects: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
                out = {}
                for obj in objects:
                    obj = json.loads(json.dumps(obj))
                    obj["metadata"].pop("namespace", None)  # overlay sets it; Argo CD's destination does for Helm
                    out[(obj["kind"], obj["metadata"]["name"])] = obj
                return out

            k, h = keyed(built), keyed(charted)
            assert sorted(k) == sorted(h), (svc["name"], env["name"])
            for key in k:
                assert h[key] == k[key], (svc["name"], env["name"], key)
                compared += 1
    assert compared >= len(answers["services"]) * len(answers["environments"]) * 9


def test_latest_or_missing_tag_is_refused_by_the_chart(tmp_path: Path) -> None:
    chart = rendered("six-mixed-helm-ja") / "helm" / "orders"
    for tag in ("latest", ""):
        with pytest.raises(helm_python.HelmError, match="pinned version"):
            render_chart(chart, "prod", image={"tag": tag, "digest": ""})
    pinned = render_chart(chart, "prod", image={"tag": "1.2.3", "digest": "sha256:" + "a" * 64})
    images = {c["image"] for o in pinned if o["kind"] == "Rollout" for c in o["spec"]["template"]["spec"]["containers"]}
    assert images == {"registry.example.jp/mise/orders@sha256:" + "a" * 64}


@pytest.mark.parametrize("name", ("six-mixed-helm-ja", "six-mixed-helm-parasol", "parasol-helm-traefik"))
def test_argo_cd_applications_use_the_charts_and_their_value_files(name: str) -> None:
    root = rendered(name)
    answers = final_answers(root)
    rel_root = chart_root(root).relative_to(root).as_posix()
    for env in answers["environments"]:
        for svc in answers["services"]:
            app = yaml.safe_load((root / "apps" / env["name"] / f"{svc['name']}.yaml").read_text())
            source = app["spec"]["source"]
            assert source["path"] == f"{rel_root}/{svc['name']}"
            assert source["helm"]["valueFiles"] == [f"values-{env['name']}.yaml"]
            assert (root / source["path"] / source["helm"]["valueFiles"][0]).is_file()
    assert not (root / "services").exists()  # helm packaging: the charts are the only service definition


def test_layouts_put_charts_in_one_place() -> None:
    assert (rendered("six-mixed-helm-ja") / "helm" / "orders" / "Chart.yaml").is_file()
    assert not (rendered("six-mixed-helm-ja") / "kubernetes").exists()
    parasol = rendered("six-mixed-helm-parasol")
    assert (parasol / "kubernetes" / "helm" / "orders" / "Chart.yaml").is_file()
    assert not (parasol / "helm").exists()
    assert not (rendered("default") / "helm").exists()
