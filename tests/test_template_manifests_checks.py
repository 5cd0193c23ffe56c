"""The checks the template tests rely on do fail on bad objects (so a green template test means something)."""

from __future__ import annotations

import copy
from pathlib import Path

from k8s_checks import kustomize_build, restricted_problems, validate_object

GOOD_DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web"},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
                "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
                                               "whenUnsatisfiable": "ScheduleAnyway",
                                               "labelSelector": {"matchLabels": {"app": "web"}}}],
                "containers": [{
                    "name": "web",
                    "image": "ghcr.io/example/web:1.2.3",
                    "resources": {"requests": {"cpu": "10m", "memory": "16Mi"},
                                  "limits": {"cpu": "100m", "memory": "64Mi"}},
                    "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                        "capabilities": {"drop": ["ALL"]}},
                    "livenessProbe": {"httpGet": {"path": "/", "port": 80}},
                    "readinessProbe": {"httpGet": {"path": "/", "port": 80}},
                    "startupProbe": {"httpGet": {"path": "/", "port": 80}},
                }],
            },
        },
    },
}


def test_a_good_deployment_passes_both_checks() -> None:
    assert validate_object(GOOD_DEPLOYMENT) == []
    assert restricted_problems(GOOD_DEPLOYMENT) == []


def test_schema_check_rejects_unknown_fields_wrong_types_and_unknown_kinds() -> None:
    bad = copy.deepcopy(GOOD_DEPLOYMENT)
    bad["spec"]["replicas"] = "three"
    assert validate_object(bad)
    typo = copy.deepcopy(GOOD_DEPLOYMENT)
    typo["spec"]["replcas"] = 3
    assert validate_object(typo)
    rollout = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "r"},
               "spec": {"strategy": {"canary": {"steps": [{"setWeight": "half"}]}}}}
    assert any("setWeight" in p for p in validate_object(rollout))
    unknown = {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}
    assert any("no schema" in p for p in validate_object(unknown))


def test_restricted_check_names_each_missing_control() -> None:
    bad = copy.deepcopy(GOOD_DEPLOYMENT)
    container = bad["spec"]["template"]["spec"]["containers"][0]
    container["image"] = "ghcr.io/example/web:latest"
    del container["securityContext"]["capabilities"]
    del container["resources"]["limits"]
    del container["startupProbe"]
    problems = "\n".join(restricted_problems(bad))
    for needle in ("latest", "drop ALL", "limits.cpu", "limits.memory", "startupProbe"):
        assert needle in problems
    untagged = copy.deepcopy(GOOD_DEPLOYMENT)
    untagged["spec"]["template"]["spec"]["containers"][0]["image"] = "registry:5000/web"
    assert any("no tag" in p for p in restricted_problems(untagged))


def test_kustomize_build_failure_is_reported(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n", encoding="utf-8")
    try:
        kustomize_build(tmp_path)
    except AssertionError as exc:
        assert "missing.yaml" in str(exc)
    else:
        raise AssertionError("a broken kustomization must not build")
