"""Issue 13: every real layout is read, the project's own decisions reach the platform, the language follows the
project, and bad input warns with file and line (or exits 2 naming every place looked at)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CRD_SCHEMAS, find_tool, run_cli, run_tool
from parasol_builders import copy_fixture, make_design_project, make_overview_project

from parasol_gitops.parasol.discovery import discover
from parasol_gitops.parasol.project import detect


def by_name(found: Any) -> dict[str, Any]:
    return {s.service.name: s for s in found.services}


# ---- discovery of the layouts ---------------------------------------------------------------------------------
def test_overview_layout_services_slas_ranges_and_decisions(tmp_path: Path) -> None:
    found = discover(detect(make_overview_project(tmp_path / "p")))
    services = by_name(found)
    assert sorted(services) == ["hub-service", "order-service", "stock-service"]
    order, stock, hub = services["order-service"].service, services["stock-service"].service, services[
        "hub-service"].service
    assert (order.slo, order.autoscaling) == (99.9, {"min": 3, "max": 6})
    assert (stock.slo, stock.autoscaling) == (99.5, {"min": 2, "max": 4})
    assert stock.domain_type == "VCI (Value-Critical Infrastructure)" and stock.criticality == "core"
    assert stock.replicas["production"] == 2 and (stock.hpa_min, stock.hpa_max) == (2, 4)
    assert order.events.publishes == ["order-received"] and order.events.subscribes == ["stock-reserved"]
    # listed in the overview only: a service with defaults, and a warning naming the file and line
    assert hub.criticality == "generic" and hub.domain_type == "Infrastructure" and hub.slo is None
    hub_notes = " ".join(services["hub-service"].notes)
    assert "outputs/4-architecture/architecture-overview.md:15" in hub_notes and "no service definition" in hub_notes
    assert any("'VCI" in n and "kept as written" in n for n in services["stock-service"].notes)
    prov = "\n".join(services["order-service"].provenance)
    assert "slo: 99.9 ← outputs/4-architecture/services/order-service/service-definition.md:" in prov
    kinds = [(d.kind, d.applied) for d in found.decisions]
    assert kinds == [("event_bus", True), ("gateway", True), ("other", False)]
    assert found.decisions[0].value["type"] == "kafka" and "managed_service" not in found.decisions[0].value


def test_design_layout_with_vs_bc_phase5(tmp_path: Path) -> None:
    """One architecture-design.md listing bounded contexts and phase 5 as 5-software/VS*/BC*/ (asahi-group):
    'no services found' before issue 13."""
    found = discover(detect(make_design_project(tmp_path / "p")))
    services = by_name(found)
    assert sorted(services) == ["fermentation-platform", "product-recipe", "research-innovation"]
    fp = services["fermentation-platform"].service
    assert fp.criticality == "core" and fp.strategy == "canary" and fp.database == "postgresql"
    assert fp.events.publishes == ["yeast-strain-registered", "yeast-strain-optimized"]
    assert fp.tech_stack == {"language": "Python", "framework": "FastAPI"}
    assert services["product-recipe"].service.tech_stack["framework"] == "Spring Boot"
    assert services["research-innovation"].service.criticality == "supporting"
    kinds = {d.kind: d for d in found.decisions}
    assert kinds["event_bus"].value["type"] == "kafka"
    assert kinds["event_bus"].source.startswith("outputs/4-architecture/architecture-design.md:")
    assert kinds["gateway"].applied


def test_suntory_scm_v5_discovers_nine_services(tmp_path: Path) -> None:
    found = discover(detect(copy_fixture("suntory-scm-v5", tmp_path)))
    services = by_name(found)
    assert len(services) == 9 and "integration-hub-service" in services
    expected = {"demand-planning-service": (99.5, {"min": 2, "max": 4}),
                "environmental-reporting-service": (99.0, {"min": 2}),
                "warehouse-service": (99.9, {"min": 3, "max": 6}),
                "order-service": (99.9, {"min": 3, "max": 6}),
                "water-sustainability-service": (99.5, {"min": 2})}
    for name, (slo, scaling) in expected.items():
        assert (services[name].service.slo, services[name].service.autoscaling) == (slo, scaling), name
    for name, item in services.items():
        if name != "integration-hub-service":
            assert item.service.display_name.endswith("Service") and item.service.events.publishes, name
    assert services["warehouse-service"].service.domain_type.startswith("VCI")
    assert "integration-hub-service" in services["order-service"].service.calls
    assert {d.kind for d in found.decisions} == {"event_bus", "gateway", "database_per_service", "other"}


# ---- language --------------------------------------------------------------------------------------------------
def test_language_from_the_projects_own_prose(tmp_path: Path) -> None:
    ja = detect(make_overview_project(tmp_path / "ja"))
    assert ja.language == "ja" and ja.language_source.startswith("documents")
    en = detect(make_design_project(tmp_path / "en"))  # settings.language: en wins over Japanese prose
    assert en.language == "en" and en.language_source == "settings.language"
    suntory = detect(copy_fixture("suntory-scm-v5", tmp_path))
    assert "language" not in (suntory.data.get("settings") or {}) and suntory.language == "ja"
    english = tmp_path / "english"
    (english / "outputs/4-architecture").mkdir(parents=True)
    (english / "parasol.yaml").write_text("project:\n  name: x\n  display_name: The English project\n",
                                          encoding="utf-8")
    (english / "outputs/4-architecture/architecture-overview.md").write_text(
        "# Overview\n\nThe services of this project are described here.\n", encoding="utf-8")
    assert detect(english).language == "en"


def test_lang_option_wins_over_the_documents(tmp_path: Path) -> None:
    root = make_overview_project(tmp_path / "p")
    plan = run_cli("--lang", "en", "platform", "--plan", cwd=root)
    assert plan.exit_code == 0, plan.stderr
    assert "Language: en ← --lang" in plan.stdout
    plan = run_cli("platform", "--plan", cwd=root, env={"LANG": "en_US.UTF-8"})
    assert "言語: ja ← documents" in plan.stdout


# ---- --plan provenance -------------------------------------------------------------------------------------------
def test_plan_shows_each_decision_with_file_and_line(tmp_path: Path) -> None:
    root = make_overview_project(tmp_path / "p")
    plan = run_cli("--lang", "en", "platform", "--plan", cwd=root)
    out = plan.stdout
    assert "organization.company: デモ株式会社 ← parasol.yaml:5" in out
    assert "event_bus: kafka (kafka) ← outputs/4-architecture/decisions/adr-001-event-bus-selection.md:" in out
    assert "gateway / ingress_class: gateway-api ← outputs/4-architecture/decisions/adr-002-api-gateway-pattern" in out
    assert "[recorded, not applied] ADR-003: Saga Choreography パターンの採用 ← " in out
    assert "autoscaling: {min: 3, max: 6} ← outputs/4-architecture/services/order-service/service-definition.md:" in out
    assert "domain_type: VCI (Value-Critical Infrastructure) ← " \
           "outputs/4-architecture/services/stock-service/service-definition.md:8" in out


# ---- bad input -------------------------------------------------------------------------------------------------
def test_malformed_adr_and_table_row_warn_with_file_and_line(tmp_path: Path) -> None:
    root = make_overview_project(tmp_path / "p", broken_row=True, broken_adr=True)
    plan = run_cli("--lang", "en", "platform", "--plan", cwd=root)
    assert plan.exit_code == 0, plan.stderr
    assert "outputs/4-architecture/architecture-overview.md:16: table row has 3 cells but its header has 5" \
        in plan.stdout
    assert "outputs/4-architecture/decisions/adr-003-saga-choreography-pattern.md:1: ADR has no '## Decision'" \
        in plan.stdout
    assert "Traceback" not in plan.stdout + plan.stderr


def test_no_services_anywhere_names_every_place(tmp_path: Path) -> None:
    root = tmp_path / "empty"
    (root / "outputs/4-architecture").mkdir(parents=True)
    (root / "outputs/5-software").mkdir()
    (root / "parasol.yaml").write_text("project:\n  name: empty\nphases:\n  phase6:\n    status: completed\n",
                                       encoding="utf-8")
    res = run_cli("--lang", "en", "platform", cwd=root)
    assert res.exit_code == 2
    for place in ("parasol.yaml phases.phase4.services", "service-boundaries.md", "service-definition.md",
                  "architecture-overview.md (services table)", "architecture-design.md (bounded contexts table)",
                  "5-software/VS*/BC*/", "implementation-guide.md"):
        assert place in res.stderr, place
    assert len(res.stderr.strip().splitlines()) == 1
    assert not (root / "outputs/7-platform").exists()


# ---- the platform of suntory-scm-v5 ------------------------------------------------------------------------------
def _phase6_done(root: Path, extra_settings: str = "") -> None:
    path = root / "parasol.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  phase6:")
    at = text.index("status: pending", start)
    text = text[:at] + "status: completed" + text[at + len("status: pending"):]
    if extra_settings:
        text = text.replace("settings:\n", "settings:\n" + extra_settings, 1)
    path.write_text(text, encoding="utf-8")


def _objects(repo: Path, rel: str) -> list[dict[str, Any]]:
    built = run_tool(["kubectl", "kustomize", str(repo / rel)])
    assert built.returncode == 0, built.stderr
    return [d for d in yaml.safe_load_all(built.stdout) if d]


@pytest.fixture(scope="module")
def suntory_platform(tmp_path_factory: pytest.TempPathFactory) -> Path:
    find_tool("kubectl")
    root = copy_fixture("suntory-scm-v5", tmp_path_factory.mktemp("scm"))
    _phase6_done(root)
    res = run_cli("platform", cwd=root)
    assert res.exit_code == 0, res.stderr
    return root


def test_suntory_platform_carries_the_projects_decisions(suntory_platform: Path) -> None:
    repo = suntory_platform / "outputs/7-platform"
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert answers["docs_language"] == "ja" and len(answers["services"]) == 9
    svc = {s["name"]: s for s in answers["services"]}
    assert svc["order-service"]["slo"] == 99.9 and svc["order-service"]["autoscaling"] == {"min": 3, "max": 6}
    assert svc["environmental-reporting-service"]["slo"] == 99.0
    assert answers["ingress_class"] == "gateway-api" and answers["gateway"]["type"] == "gateway-api"
    assert answers["event_bus"]["managed_service"].startswith("Amazon MSK")
    assert answers["organization"]["company"] == "サントリーホールディングス株式会社"
    production = _objects(repo, "platform/overlays/production")
    kinds = {o["kind"] for o in production}
    assert "Gateway" in kinds
    bus = next(o for o in production if o["kind"] == "ConfigMap" and o["metadata"]["name"].endswith("-event-bus"))
    assert bus["data"]["EVENT_BUS_SERVICE"].startswith("Amazon MSK")
    assert "inventory-allocated" in bus["data"]["EVENT_BUS_TOPICS"].split(",")
    rules = next(o for o in production if o["kind"] == "PrometheusRule")
    env_rules = {g["name"]: g["rules"] for g in rules["spec"]["groups"]}
    fast = next(r for r in env_rules["environmental-reporting-service.rules"]
                if r.get("alert") == "SLOErrorBudgetBurnFast")
    assert "(14.4 * 0.01)" in fast["expr"] and fast["labels"]["slo"] == "availability-99"
    order = _objects(repo, "services/order-service/overlays/production")
    hpa = next(o for o in order if o["kind"] == "HorizontalPodAutoscaler")
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (3, 6)
    route = next(o for o in order if o["kind"] == "HTTPRoute")
    assert route["spec"]["parentRefs"] == [{"name": "suntory-scm-v5"}]
    rollout = next(o for o in order if o["kind"] == "Rollout")
    args = {a["name"]: a.get("value") for a in rollout["spec"]["strategy"]["canary"]["analysis"]["args"]}
    assert args["max-error-rate"] == "0.0144"  # 14.4 x the 0.1 % budget of 99.9 %
    infra = (repo / "infrastructure-design.md").read_text(encoding="utf-8")
    assert infra.startswith("# インフラストラクチャ設計 — サントリー SCMバリューストリーム\n\n"
                            "> **サントリー SCMバリューストリーム**")
    assert "beverage-manufacturing" in infra and "SCM（サプライチェーンマネジメント）" in infra
    assert "| ADR-004: Saga Choreography パターンの採用 | `outputs/4-architecture/decisions/" in infra
    assert "記録のみ（未適用）" in infra
    for doc in ("cicd-pipeline.md", "deployment-strategy.md", "disaster-recovery.md", "monitoring-observability.md",
                "operations-runbook.md"):
        assert "### プロジェクトの決定事項" in (repo / doc).read_text(encoding="utf-8"), doc


def test_suntory_platform_validates_and_status_from_the_root_equals_the_platform(suntory_platform: Path) -> None:
    repo = suntory_platform / "outputs/7-platform"
    res = run_cli("validate", str(repo), "--format", "json", "--schema-location", str(CRD_SCHEMAS))
    data = json.loads(res.stdout)
    assert res.exit_code == 0, [f for f in data["findings"] if f["severity"] != "info"]
    assert data["stats"]["schema_skipped"] == 0 and data["stats"]["schema_failed"] == 0
    from_root = run_cli("status", "vms5", "--format", "json", "--schema-location", str(CRD_SCHEMAS),
                        cwd=suntory_platform)
    direct = run_cli("status", "vms5", "outputs/7-platform", "--format", "json", "--schema-location",
                     str(CRD_SCHEMAS), cwd=suntory_platform)
    assert from_root.exit_code == direct.exit_code == 0
    assert from_root.stdout == direct.stdout
    gates = {g["id"]: g["status"] for g in json.loads(direct.stdout)["gates"]}
    assert gates["iac"] == gates["monitoring_coverage"] == "passed"


def test_strimzi_event_bus_passes_the_crd_schemas(tmp_path: Path) -> None:
    """Kafka without a managed service: a Strimzi Kafka + KafkaNodePool and a KafkaTopic per published event,
    wired to the services; here forced with settings.platform.event_bus (the ADR names MSK)."""
    find_tool("kubectl")
    root = copy_fixture("suntory-scm-v5", tmp_path)
    _phase6_done(root, "  platform:\n    event_bus: {type: kafka}\n")
    res = run_cli("platform", cwd=root)
    assert res.exit_code == 0, res.stderr
    repo = root / "outputs/7-platform"
    dev = _objects(repo, "platform/overlays/dev")
    topics = sorted(o["metadata"]["name"] for o in dev if o["kind"] == "KafkaTopic")
    answers = yaml.safe_load((repo / ".copier-answers.yml").read_text(encoding="utf-8"))
    published = sorted({e for s in answers["services"] for e in s["events"]["publishes"]})
    assert topics == published and len(topics) > 20
    assert {o["kind"] for o in dev} >= {"Kafka", "KafkaNodePool", "KafkaTopic"}
    order = _objects(repo, "services/order-service/overlays/dev")
    config = next(o for o in order if o["kind"] == "ConfigMap")
    assert config["data"]["KAFKA_BOOTSTRAP_SERVERS"] == "suntory-scm-v5-kafka-bootstrap:9092"
    assert config["data"]["EVENTS_PUBLISHES"]
    # the namespace denies by default: the service may reach the brokers, the brokers each other and the clients
    policy = next(o for o in order if o["kind"] == "NetworkPolicy")
    assert {"to": [{"podSelector": {"matchLabels": {"strimzi.io/cluster": "suntory-scm-v5"}}}],
            "ports": [{"port": 9092, "protocol": "TCP"}]} in policy["spec"]["egress"]
    kafka_policy = next(o for o in dev if o["kind"] == "NetworkPolicy" and o["metadata"]["name"].endswith("-kafka"))
    clients = kafka_policy["spec"]["ingress"][1]["from"][0]["podSelector"]["matchExpressions"][0]["values"]
    assert "order-service" in clients and "integration-hub-service" not in clients
    valid = run_cli("validate", str(repo), "--format", "json", "--schema-location", str(CRD_SCHEMAS))
    data = json.loads(valid.stdout)
    assert valid.exit_code == 0, [f for f in data["findings"] if f["severity"] != "info"]
    assert data["stats"]["schema_skipped"] == 0


@pytest.mark.parametrize(("bad", "field"), [({"slo": 100}, "slo"), ({"slo": 0}, "slo"),
                                            ({"autoscaling": {"min": 5, "max": 2}}, "autoscaling"),
                                            ({"autoscaling": {"min": 0}}, "autoscaling"),
                                            ({"autoscaling": {"low": 1}}, "autoscaling")])
def test_spec_refuses_an_unusable_slo_or_range(bad: dict[str, Any], field: str) -> None:
    from parasol_gitops.errors import SpecError
    from parasol_gitops.spec import PlatformSpec

    with pytest.raises(SpecError, match=rf"services\[0\]\.{field}"):
        PlatformSpec.from_answers({"project_name": "x", "services": [{"name": "a", **bad}]})
