"""`validate` and `status vms5` on repositories generated from more answer sets (tests/answers/*.yml).

The default answers are covered in test_status_vms5.py; here a one-service repository, six services mixing
strategies with Helm packaging and Japanese docs, and the Parasol layout with Helm and Traefik. Charts render once
per values-<env>.yaml and each rendering must land in its own environment's namespace.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import CRD_SCHEMAS, ROOT, find_tool, run_cli

ANSWERS = ["one-service.yml", "six-mixed-helm-ja.yml", "parasol-helm-traefik.yml",
           # the Parasol layout with kustomize packaging: its kubernetes/ views and charts are deployed by no
           # Application, and their canary/blue-green Rollouts must still find their AnalysisTemplates
           "defaults+layout=parasol"]


@pytest.fixture(scope="module", params=ANSWERS)
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    find_tool("kubectl")
    from parasol_gitops import scaffold

    dest = tmp_path_factory.mktemp("gen") / "repo"
    if request.param.startswith("defaults+"):
        key, _, value = request.param.removeprefix("defaults+").partition("=")
        scaffold.copy(dest, {key: value})
    else:
        scaffold.copy(dest, data_file=ROOT / "tests" / "answers" / request.param)
    return dest


def test_generated_repository_validates_clean(generated: Path) -> None:
    res = run_cli("validate", str(generated), "--format", "json", "--schema-location", str(CRD_SCHEMAS))
    data = json.loads(res.stdout)
    problems = [f for f in data["findings"] if f["severity"] != "info"]
    assert res.exit_code == 0 and problems == []
    assert data["stats"]["schema_skipped"] == 0 and data["stats"]["charts_skipped"] == 0
    assert len(data["graph"]["deployed"]) == len(data["graph"]["services"]) * len(data["graph"]["environments"])


def test_generated_repository_passes_the_repository_gates(generated: Path) -> None:
    res = run_cli("status", "vms5", str(generated), "--format", "json", "--schema-location", str(CRD_SCHEMAS))
    data = json.loads(res.stdout)
    gates = {g["id"]: g["status"] for g in data["gates"]}
    assert gates == {"iac": "passed", "deployment_automation": "passed", "monitoring_coverage": "passed",
                     "security_scan": "passed", "dr_drill": "pending", "performance": "pending"}


def test_helm_renderings_land_in_their_environment_namespace(generated: Path) -> None:
    from parasol_gitops.validate import engine

    result = engine.run(generated, schema_locations=[str(CRD_SCHEMAS)])
    deployed_charts = {p for p in result.graph.source_paths if (generated / p / "Chart.yaml").is_file()}
    charted = [o for o in result.objects if o.origin.split("[")[0] in deployed_charts
               and o.kind in ("Deployment", "Rollout")]
    answers = yaml.safe_load((generated / ".copier-answers.yml").read_text(encoding="utf-8"))
    if answers.get("packaging") != "helm":
        assert charted == []  # charts of a kustomize repository are rendered and checked, but not deployed
        return
    assert len(charted) == len(answers["services"]) * len(result.graph.environments)
    from parasol_gitops.spec import PlatformSpec

    spec = PlatformSpec.from_answers(answers)
    namespace = {e.name: e.namespace_for(spec.project_name) for e in spec.environments}
    for o in charted:
        env = o.origin.split("[values-")[1].removesuffix(".yaml]")
        assert o.namespace == namespace[env], (o.label, o.origin)
    assert len({o.namespace for o in charted}) == len(result.graph.environments)
