"""Service discovery from real Parasol projects (asashi, suntory) and synthetic phase-6 projects."""

from __future__ import annotations

from pathlib import Path

import pytest
from parasol_builders import DEFAULT_SERVICES, SvcDef, add_guides, copy_fixture, make_project

from parasol_gitops import messages
from parasol_gitops.names import slugify
from parasol_gitops.parasol.discovery import DiscoveredService, discover, scaling_level, topic
from parasol_gitops.parasol.project import detect


@pytest.fixture(autouse=True)
def english() -> object:
    """Notes and provenance are catalogue messages; these tests read the English ones."""
    messages.set_language("en")
    yield
    messages.set_language(None)


def by_name(services: list[DiscoveredService]) -> dict[str, DiscoveredService]:
    return {s.service.name: s for s in services}


ASASHI = {
    # slug: (display name, criticality, bounded contexts, scaling, cache, grpc, production replicas)
    "fermentation-research-service": ("Fermentation Research Service", "core", ["fermentation-research"],
                                      "medium", "redis", 9090, 2),
    "ingredient-research-service": ("Ingredient Research Service", "core",
                                    ["ingredient-research", "functional-ingredients"], "low", "none", None, 2),
    "beer-development-service": ("Beer Development Service", "core",
                                 ["premium-beer-development", "craft-innovation-development"], "medium", "none",
                                 None, 2),
    "spirits-development-service": ("Spirits Development Service", "core", ["spirits-development"], "low", "none",
                                    None, 2),
    "beverage-development-service": ("Beverage Development Service", "core", ["beverage-development"], "medium",
                                     "none", None, 2),
    "rnd-support-service": ("R&D Support Service", "supporting", ["sensory-evaluation", "prototype-production"],
                            "medium", "none", None, 2),
    "process-engineering-service": ("Process Engineering Service", "supporting", ["process-engineering"], "low",
                                    "none", None, 2),
}


def test_asashi_services_one_by_one(tmp_path: Path) -> None:
    found = discover(detect(copy_fixture("asashi", tmp_path)))
    services = by_name(found.services)
    assert sorted(services) == sorted(ASASHI)
    for slug, (display, crit, bcs, scaling, cache, grpc, prod) in ASASHI.items():
        svc = services[slug].service
        assert svc.display_name == display, slug
        assert svc.criticality == crit, slug
        assert svc.bounded_contexts == bcs, slug
        assert svc.scaling == scaling, slug
        assert svc.database == "postgresql", slug
        assert svc.cache == cache, slug
        assert svc.grpc_port == grpc, slug
        assert svc.ingress_path == "/api/v1/" + slug.removesuffix("-service"), slug
        assert svc.replicas["production"] == prod, slug
        assert svc.strategy == ("canary" if crit == "core" else "rolling"), slug
    # 日本語名 of each service definition, kept as written
    assert {slug: item.service.japanese_name for slug, item in services.items()} == {
        "fermentation-research-service": "発酵研究サービス", "ingredient-research-service": "素材研究サービス",
        "beer-development-service": "ビール開発サービス", "spirits-development-service": "スピリッツ開発サービス",
        "beverage-development-service": "飲料開発サービス", "rnd-support-service": "R&D支援サービス",
        "process-engineering-service": "プロセス技術サービス"}
    beer = services["beer-development-service"].service
    assert beer.events.publishes == ["product-concept-approved", "prototype-created",
                                     "product-specification-finalized", "product-transferred-to-manufacturing"]
    assert "yeast-strain-registered" in beer.events.subscribes and len(beer.events.subscribes) == 7
    # Upstream tables, "Downstream services Beer Dev calls" and other services' 提供先 tables become calls.
    assert beer.calls == ["fermentation-research-service", "ingredient-research-service",
                          "process-engineering-service", "rnd-support-service"]
    assert services["fermentation-research-service"].service.events.subscribes == []  # only comments there
    assert services["fermentation-research-service"].service.tech_stack["framework"] == "FastAPI"


def test_discovered_replicas_strategy_and_defaults_follow_the_rules_file(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """rules.yaml's discovered_by_criticality and service_defaults, changed: discovery follows them (a rule of its
    own in discovery.py would keep the shipped numbers)."""
    import dataclasses
    from types import MappingProxyType

    from parasol_gitops import rules

    shipped = rules.get()
    changed = dataclasses.replace(
        shipped,
        discovered=MappingProxyType({
            "core": rules.Discovered("blue-green", MappingProxyType({"dev": 2, "staging": 3, "production": 7})),
            "other": rules.Discovered("canary", MappingProxyType({"dev": 1, "staging": 4, "production": 5}))}),
        service_defaults=MappingProxyType({**shipped.service_defaults, "cache": "redis"}))
    monkeypatch.setattr(rules, "get", lambda: changed)
    services = by_name(discover(detect(copy_fixture("asashi", tmp_path))).services)
    for slug, (_display, crit, _bcs, _scaling, cache, _grpc, prod) in ASASHI.items():
        svc = services[slug].service
        row = changed.discovered_for(crit)
        assert svc.strategy == row.strategy, slug
        assert svc.replicas["dev"] == row.replicas["dev"] and svc.replicas["staging"] == row.replicas["staging"]
        assert svc.replicas["production"] == max(prod, row.replicas["production"]), slug
        assert svc.cache == (cache if cache != "none" else "redis"), slug


def test_asashi_reports_the_winning_source_and_unprovisioned_stores(tmp_path: Path) -> None:
    found = by_name(discover(detect(copy_fixture("asashi", tmp_path))).services)
    beer = found["beer-development-service"]
    assert any(p.startswith("name: beer-development-service ← folder") for p in beer.provenance)
    assert any(p.startswith("criticality: core ← outputs/4-architecture/") for p in beer.provenance)
    assert any("MongoDB" in n and "Elasticsearch" in n for n in beer.notes)
    assert "parasol.yaml phases.phase4.services[2]" in beer.sources


def test_asashi_bounded_context_links_are_followed(tmp_path: Path) -> None:
    root = copy_fixture("asashi", tmp_path)
    found = discover(detect(root))
    # The bounded-contexts/*.md entries are Git symlinks checked out as one-line files; they count as read.
    assert "outputs/4-architecture/vs2-product-innovation/services/beer-development-service/bounded-contexts/" \
           "premium-beer-development-bc.md" in found.sources


def test_asashi_phase6_guides_win_for_tech_stack(tmp_path: Path) -> None:
    root = copy_fixture("asashi", tmp_path)
    add_guides(root, {"fermentation-research-service": {"fermentation-research": {
        "言語": "Python 3.12", "フレームワーク": "FastAPI", "データベース": "PostgreSQL 16", "API": "REST + gRPC"}}})
    svc = by_name(discover(detect(root)).services)["fermentation-research-service"]
    assert svc.service.tech_stack == {"api": "REST + gRPC", "database": "PostgreSQL 16", "framework": "FastAPI",
                                      "language": "Python 3.12"}
    line = next(p for p in svc.provenance if p.startswith("tech_stack:"))
    assert "6-implementation" in line and "(over " in line and "service-definition.md" in line


SUNTORY_CORE = ["rd-platform", "brand-mgmt", "sustainability"]
SUNTORY_INSTANCES = [f"{kind}-{biz}" for kind in ("mkt", "mfg") for biz in ("beverage", "spirits", "beer", "wine",
                                                                             "health")]
SUNTORY_SUPPORTING = ["supply-chain", "customer-platform", "compliance"]
SUNTORY_GENERIC = ["it-platform", "finance", "hr"]


def test_suntory_service_boundaries(tmp_path: Path) -> None:
    services = by_name(discover(detect(copy_fixture("suntory", tmp_path))).services)
    # 15 designed services, Marketing and Manufacturing ×5 business instances; "R&D Application Service" appears
    # only in the overview diagram (no definition block), so it is not a service.
    assert sorted(services) == sorted(SUNTORY_CORE + SUNTORY_INSTANCES + SUNTORY_SUPPORTING + SUNTORY_GENERIC)
    for slug in SUNTORY_CORE + SUNTORY_INSTANCES:
        assert services[slug].service.criticality == "core", slug
    for slug in SUNTORY_SUPPORTING:
        assert services[slug].service.criticality == "supporting", slug
    for slug in SUNTORY_GENERIC:  # Parasol's "Platform Services" class
        assert services[slug].service.criticality == "generic", slug
    rd = services["rd-platform"].service
    assert rd.display_name == "R&D Platform Service"
    assert rd.bounded_contexts == ["RD-WaterScience", "RD-Fermentation", "RD-HealthFunction", "RD-Flavor"]
    assert rd.scaling == "medium"  # 低〜中 → upper end
    # the three boundary events, then the phase-5 domain events of RD-WaterScience (test_suntory_phase5…)
    assert rd.events.publishes[:3] == ["research-completed", "technology-transfer-ready", "quality-standard-updated"]
    assert (rd.tech_stack["framework"], rd.tech_stack["language"]) == ("FastAPI", "Python 3.11+")
    assert rd.ingress_path == ""  # four REST roots: the default /<name>, with a note
    assert any("4 REST roots" in n for n in services["rd-platform"].notes)
    beer = services["mkt-beer"].service
    assert beer.display_name == "Marketing Service (ビール)"
    assert beer.bounded_contexts == ["MKT-Beer.広告", "MKT-Beer.販促", "MKT-Beer.チャネル"]
    assert (beer.database, beer.cache, beer.scaling) == ("postgresql", "redis", "high")
    assert services["mfg-wine"].service.events.subscribes == ["inventory-reservation-requested"]
    assert services["supply-chain"].service.events.subscribes == ["production-completed", "demand-forecast-updated"]
    caches = sorted(s for s, d in services.items() if d.service.cache == "redis")
    assert caches == sorted(["customer-platform", "it-platform", "supply-chain",
                             *[f"mkt-{b}" for b in ("beverage", "spirits", "beer", "wine", "health")]])
    assert services["customer-platform"].service.scaling == "high"
    assert services["compliance"].service.scaling == "low"
    assert all(d.service.database == "postgresql" for d in services.values())


def test_contaminated_file_is_cleaned_and_read(tmp_path: Path) -> None:
    project = detect(copy_fixture("contaminated", tmp_path))
    assert project.contaminated
    assert project.cleaned is not None and project.cleaned.removed == ("ansi", "border")
    assert project.name == "asahi-group" and project.language == "ja"
    assert list(project.data["phases"]) == [f"phase{i}" for i in range(8)]
    assert [project.phase(f"phase{i}")["status"] for i in range(8)] == ["completed"] * 3 + ["pending"] * 5
    assert project.setting("auto_backup") is True
    assert "\x1b" not in project.cleaned.text and "│" not in project.cleaned.text


@pytest.mark.parametrize(("raw", "removed"), [
    ("\x1b[32mname\x1b[0m: shop\n", ("ansi",)),
    ("   1 │ name: shop\n   2 │ phase: 7\n", ("border",)),
    ("   1 │ \x1b[32mname\x1b[0m: shop\n   2 │ phase: 7\n", ("ansi", "border")),
])
def test_every_kind_of_cleaning_is_named_in_both_languages(raw: str, removed: tuple[str, ...]) -> None:
    from parasol_gitops.messages import CATALOGUE
    from parasol_gitops.parasol.clean import clean_terminal_capture

    cleaned = clean_terminal_capture(raw)
    assert cleaned.removed == removed and cleaned.text.startswith("name: shop\n")
    texts = CATALOGUE["parasol.cleaned." + "_".join(removed)]
    assert texts["en"] and texts["ja"] and texts["en"] != texts["ja"]


def test_synthetic_phase6_project(tmp_path: Path) -> None:
    found = discover(detect(make_project(tmp_path / "p")))
    services = by_name(found.services)
    jp = slugify("通知サービス")
    assert sorted(services) == sorted(["order-service", "catalog-service", jp])
    assert jp.startswith("svc-") and jp == slugify("通知サービス")  # deterministic
    order = services["order-service"].service
    assert order.display_name == "Order Management Service"
    assert (order.criticality, order.strategy, order.scaling) == ("core", "canary", "high")
    assert order.bounded_contexts == ["order-taking", "fulfilment"]
    assert order.ingress_path == "/api/v1/orders" and order.grpc_port == 9090
    assert order.events.publishes == ["order-placed", "order-shipped"]
    assert order.events.subscribes == ["payment-settled"]
    assert (order.database, order.cache) == ("postgresql", "redis")
    assert order.calls == ["catalog-service"]
    assert order.tech_stack == {"api": "REST + gRPC", "database": "PostgreSQL 16", "framework": "Gin",
                                "language": "Go 1.22"}
    assert order.replicas["production"] >= 3 and order.hpa_min == 3 and order.hpa_max == 20
    catalog = services["catalog-service"]
    assert catalog.service.criticality == "supporting"  # the definition beats parasol.yaml's "Core"
    assert any(p.startswith("criticality: supporting ←") and "over core ← parasol.yaml" in p
               for p in catalog.provenance)
    assert catalog.service.database == "postgresql"  # the phase-6 guide beats the definition (Redis only)
    assert catalog.service.scaling == "medium"
    assert any("Elasticsearch" in n for n in catalog.notes)
    note = services[jp].service
    # Only parasol.yaml and a phase-6 guide know this service: no definition, so scaling takes the default.
    assert (note.display_name, note.criticality, note.scaling) == ("通知サービス", "generic", "medium")
    assert "scaling: medium ← default" in services[jp].provenance
    assert note.bounded_contexts == ["notification"]
    assert note.tech_stack["framework"] == "NestJS"
    assert (note.database, note.cache) == ("none", "none")


def test_discovery_is_deterministic(tmp_path: Path) -> None:
    first = discover(detect(make_project(tmp_path / "a")))
    second = discover(detect(make_project(tmp_path / "b")))
    assert [(s.service, s.provenance) for s in first.services] == [(s.service, s.provenance) for s in second.services]


def test_symbol_names_slug_and_prefer_folders(tmp_path: Path) -> None:
    services = [SvcDef("R&D Support Service", None, "Supporting", ["x"], stack=None),
                SvcDef("Beer Development Service", "beer-dev", "Core", ["y"], stack=None)]
    found = by_name(discover(detect(make_project(tmp_path / "p", services, with_guides=False))).services)
    assert sorted(found) == ["beer-dev", "r-and-d-support-service"]


@pytest.mark.parametrize(("text", "level"), [("高", "high"), ("中", "medium"), ("低", "low"), ("低〜中", "medium"),
                                              ("中〜高", "high"), ("Low", "low"), ("なし", None)])
def test_scaling_levels(text: str, level: str | None) -> None:
    assert scaling_level(text) == level


def test_event_topics() -> None:
    assert topic("YeastStrainRegistered") == "yeast-strain-registered"
    assert topic("ESGScoreUpdated") == "esg-score-updated"


def test_default_services_cover_every_branch() -> None:
    # The builder's default project must keep exercising gRPC, redis, a Japanese name and a disagreement.
    assert any(s.grpc for s in DEFAULT_SERVICES) and any(s.yaml_type for s in DEFAULT_SERVICES)
    assert any(s.folder is None for s in DEFAULT_SERVICES)


def test_settings_platform_overrides_reach_the_answers(tmp_path: Path) -> None:
    from parasol_gitops.parasol.generate import build_spec

    extra = "  platform:\n    registry: registry.example.jp/shop\n    base_domain: shop.example.jp\n" \
            "    ci_target: gitlab\n"
    project = detect(make_project(tmp_path / "p", extra_settings=extra, language="ja"))
    answers = build_spec(project, discover(project)).to_answers()
    assert (answers["registry"], answers["base_domain"], answers["ci_target"]) == (
        "registry.example.jp/shop", "shop.example.jp", "gitlab")
    assert (answers["layout"], answers["docs_language"], answers["project_name"]) == ("parasol", "ja", "demo-shop")
    assert [s["name"] for s in answers["services"]] == ["catalog-service", "order-service", slugify("通知サービス")]


SUNTORY_PHASE5 = {
    # slug: (bounded context, folder, events its domain-events.md adds after the service-boundaries events)
    "rd-platform": ("RD-WaterScience", "bc-001-rd-water-science",
                    ["water-source-registered", "water-quality-test-completed", "water-quality-test-failed",
                     "conservation-activity-recorded", "purification-process-designed",
                     "purification-process-approved", "technology-transfer-started", "technology-transfer-completed"]),
    "mkt-beverage": ("MKT-Beverage", "bc-002-mkt-beverage",
                     ["brand-strategy-approved", "brand-guideline-published", "campaign-approved", "campaign-started",
                      "campaign-performance-recorded", "budget-threshold-reached", "market-research-completed",
                      "competitor-activity-detected", "emerging-trend-identified"]),
    "customer-platform": ("CRM-CDP", "bc-003-crm-cdp",
                          ["customer-profile-created", "identities-merged", "segment-membership-changed",
                           "journey-entered", "journey-step-completed", "communication-delivered",
                           "communication-opened", "consent-updated"]),
}


def test_suntory_phase5_bounded_contexts_service_by_service(tmp_path: Path) -> None:
    """bc-001 names its service (所属サービス), bc-002 matches the Marketing instance's MKT-Beverage.* contexts,
    bc-003 matches Customer Platform's CRM-CDP; none of them creates a service or replaces a phase-4 value."""
    found = discover(detect(copy_fixture("suntory", tmp_path)))
    services = by_name(found.services)
    assert len(services) == 19
    boundary_events = {"rd-platform": ["research-completed", "technology-transfer-ready", "quality-standard-updated"],
                       "mkt-beverage": ["campaign-launched", "campaign-completed", "promotion-activated"],
                       "customer-platform": ["customer-profile-updated", "segment-updated", "consent-changed"]}
    for slug, (bc, folder, events) in SUNTORY_PHASE5.items():
        item = services[slug]
        readme = f"outputs/5-software/bounded-contexts/{folder}/README.md"
        assert f"bounded_contexts (phase 5): {bc} ← {readme} (already listed)" in item.provenance, slug
        assert item.service.events.publishes == boundary_events[slug] + events, slug
        events_file = f"outputs/5-software/bounded-contexts/{folder}/domain-language/domain-events.md"
        assert any(p.startswith("events.publishes (phase 5): + [") and p.endswith(events_file)
                   for p in item.provenance), slug
        assert readme in item.sources and events_file in item.sources, slug
    # bounded contexts stay as phase 4 designed them (phase 5 confirms, adds nothing new here)
    assert services["rd-platform"].service.bounded_contexts == ["RD-WaterScience", "RD-Fermentation",
                                                                 "RD-HealthFunction", "RD-Flavor"]
    assert services["mkt-beverage"].service.bounded_contexts == ["MKT-Beverage.広告", "MKT-Beverage.販促",
                                                                  "MKT-Beverage.チャネル"]
    # bc-001's 技術スタック table fills the keys the service-boundaries block left open; it replaces none
    assert services["rd-platform"].service.tech_stack == {
        "api": "GraphQL", "backend": "Python + FastAPI", "database": "PostgreSQL", "event": "Kafka",
        "framework": "FastAPI", "frontend": "Next.js + TypeScript", "language": "Python 3.11+",
        "search": "Elasticsearch"}
    assert any("Elasticsearch, Kafka" in n and "bc-001-rd-water-science" in n for n in services["rd-platform"].notes)
    # CRM-CDP is a Core Domain in phase 5, the service stays Supporting: a note, not a change
    customer = services["customer-platform"]
    assert customer.service.criticality == "supporting" and customer.service.strategy == "rolling"
    assert any("CRM-CDP as Core Domain" in n for n in customer.notes)
    # every other service is untouched by phase 5
    for slug, item in services.items():
        if slug not in SUNTORY_PHASE5:
            assert not any("phase 5" in p for p in item.provenance), slug
            assert not any("5-software" in s for s in item.sources), slug
    assert services["mkt-beer"].service.events.publishes == ["campaign-launched", "campaign-completed",
                                                            "promotion-activated"]
    assert found.notes == ["phase 5: outputs/5-software/bounded-contexts/scm has no README.md; not used"]


def _bc(root: Path, folder: str, readme: str, events: list[str] | None = None) -> None:
    path = root / "outputs" / "5-software" / "bounded-contexts" / folder
    path.mkdir(parents=True)
    (path / "README.md").write_text(readme, encoding="utf-8")
    if events is not None:
        (path / "domain-language").mkdir()
        (path / "domain-language" / "domain-events.md").write_text(
            "# Domain Events\n\n## 概要\n\n説明\n\n" + "".join(f"## {e} イベント\n\n### 購読者\n\n" for e in events)
            + "## イベント発行ルール\n", encoding="utf-8")


@pytest.mark.parametrize("guides", [True, False])
def test_phase5_adds_contexts_events_and_stores_never_services(tmp_path: Path, guides: bool) -> None:
    root = make_project(tmp_path / "shop", with_guides=guides)
    _bc(root, "bc-004-returns", "# BC-004: 返品 [Returns]\n\n## サービス構成\n\n### 所属サービス\n\n"
        "- **Order Management Service** (order-service)\n", events=["ReturnRequested", "OrderShipped"])
    _bc(root, "bc-002-notification", "# BC-002 notification 通知\n\n## 概要\n\n| 項目 | 値 |\n|---|---|\n"
        "| 英語名 | notification |\n| ドメイン分類 | Generic |\n\n## 技術スタック（推奨）\n\n"
        "| レイヤー | 技術 | 理由 |\n|---|---|---|\n| Database | PostgreSQL 16 | 配信履歴 |\n"
        "| 言語 | Rust | 不採用になるはず |\n| Queue | RabbitMQ | 配信 |\n")
    _bc(root, "bc-009-billing", "# BC-009 Billing 請求\n")
    found = discover(detect(root))
    services = by_name(found.services)
    assert len(services) == 3  # no service for a bounded context
    order = services["order-service"]
    assert order.service.bounded_contexts == ["order-taking", "fulfilment", "Returns"], order.provenance
    assert "bounded_contexts (phase 5): Returns ← outputs/5-software/bounded-contexts/bc-004-returns/README.md " \
           "(added)" in order.provenance
    assert order.service.events.publishes == ["order-placed", "order-shipped", "return-requested"]
    note = services[slugify("通知サービス")].service
    assert note.bounded_contexts == ["notification"]
    assert note.tech_stack["queue"] == "RabbitMQ" and note.cache == "none"
    if guides:  # the phase-6 guide's values stay, its "データベース: なし" included
        assert (note.tech_stack["language"], note.tech_stack["database"], note.database) == ("TypeScript", "なし",
                                                                                           "none")
    else:  # nothing service-level: phase 5's stack and store are used
        assert (note.tech_stack["language"], note.tech_stack["database"], note.database) == ("Rust", "PostgreSQL 16",
                                                                                           "postgresql")
        assert "database (phase 5): postgresql ← outputs/5-software/bounded-contexts/bc-002-notification/README.md" \
               in services[slugify("通知サービス")].provenance
    assert found.notes == ["phase 5: bounded context Billing (outputs/5-software/bounded-contexts/bc-009-billing/"
                           "README.md) belongs to no discovered service; not used"]
