"""The platform components' tables by tier (template/_lib/rules.yaml: observability_by_tier, database_by_tier,
kafka_by_tier and their `_other_tier` rows) are what the template renders, in the manifests and in the documents.

The template is copied with every value of those tables changed (and the fallback rows swapped), then rendered:
each environment's Loki/Tempo retention and volume, trace sampling, CloudNativePG cluster, backup retention, Strimzi
node pool and topics, and the prose of the documents must follow the changed table. A template that still wrote
a number of its own would render the shipped value, which the test checks differs from the changed one.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from _scaffold_renders import _TMP, ANSWERS_DIR, template_copy

from parasol_gitops import resources, rules

SHIPPED = rules.get()

CHANGED: dict[str, Any] = {
    "observability_by_tier": {
        "development": {"logs_hours": 48, "traces_hours": 12, "sampling": 0.9, "storage": "11Gi"},
        "staging": {"logs_hours": 120, "traces_hours": 36, "sampling": 0.4, "storage": "12Gi"},
        "production": {"logs_hours": 1080, "traces_hours": 240, "sampling": 0.05, "storage": "77Gi"},
    },
    "observability_other_tier": "development",
    "database_by_tier": {
        "development": {"instances": 2, "storage": "6Gi", "backup_retention_days": 5,
                        "req_cpu": "150m", "req_mem": "300Mi", "lim_mem": "600Mi"},
        "staging": {"instances": 4, "storage": "25Gi", "backup_retention_days": 21,
                    "req_cpu": "700m", "req_mem": "1500Mi", "lim_mem": "1500Mi"},
        "production": {"instances": 5, "storage": "80Gi", "backup_retention_days": 45,
                       "req_cpu": "2", "req_mem": "4Gi", "lim_mem": "4Gi"},
    },
    "database_other_tier": "staging",
    "kafka_by_tier": {
        "development": {"nodes": 2, "storage": "15Gi", "replication_factor": 2, "min_insync_replicas": 2,
                        "partitions": 2},
        "staging": {"nodes": 4, "storage": "40Gi", "replication_factor": 3, "min_insync_replicas": 2,
                    "partitions": 4},
        "production": {"nodes": 6, "storage": "200Gi", "replication_factor": 4, "min_insync_replicas": 3,
                       "partitions": 12},
    },
    "kafka_other_tier": "staging",
}
TABLES = rules.parse({**yaml.safe_load(resources.rules_path().read_text(encoding="utf-8")), **CHANGED}).by_tier
# qa is the testing tier (no row in any table: the `_other_tier` row), perf is its own tier.
ENVIRONMENTS = [{"name": "dev"}, {"name": "qa"}, {"name": "staging"}, {"name": "perf"},
                {"name": "prod", "tier": "production", "sync": "manual"}]
TIERS = {"dev": "development", "qa": "testing", "staging": "staging", "perf": "perf", "prod": "production"}


def _answers(**overrides: Any) -> dict[str, Any]:
    data = yaml.safe_load((ANSWERS_DIR / "platform-data.yml").read_text(encoding="utf-8"))
    return {**data, "environments": ENVIRONMENTS, "event_bus": {"type": "kafka"}, **overrides}


@pytest.fixture(scope="module")
def changed_template() -> Path:
    """The working tree's template with rules.yaml's tier tables replaced by CHANGED."""
    src, made = template_copy("rules-tier-tables-template")
    if made:
        path = src / "template" / "_lib" / "rules.yaml"
        text = path.read_text(encoding="utf-8")
        for key, value in CHANGED.items():
            # a top-level entry runs to the next unindented line
            entry = re.compile(rf"^{key}:.*?(?=^\S)", re.M | re.S)
            assert entry.search(text), key
            text = entry.sub(lambda _m, k=key, v=value: yaml.safe_dump({k: v}, sort_keys=False), text, count=1)
        path.write_text(text, encoding="utf-8")
    return src


def _render(template: Path, name: str, **overrides: Any) -> Path:
    from parasol_gitops import scaffold

    root = _TMP / f"rules-tier-tables-{name}"
    if not root.exists():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scaffold.render(root, _answers(**overrides), src=str(template))
    return root


def _docs(root: Path, kind: str) -> dict[str, dict[str, Any]]:
    """name → document of ``kind`` in a multi-document manifest."""
    docs = yaml.safe_load_all((root).read_text(encoding="utf-8"))
    return {d["metadata"]["name"]: d for d in docs if d and d.get("kind") == kind}


def test_the_changed_tables_differ_from_the_shipped_ones_in_every_environment() -> None:
    """Otherwise the checks below could pass on numbers the template still writes itself."""
    assert list(SHIPPED.by_tier) == ["observability", "database", "kafka"]
    for table in SHIPPED.by_tier:
        for env, tier in TIERS.items():
            changed, shipped = TABLES[table].for_tier(tier), SHIPPED.by_tier[table].for_tier(tier)
            assert changed.keys() == shipped.keys(), table
            assert all(changed[k] != shipped[k] for k in changed), (table, env)


def test_manifests_follow_the_tier_tables(changed_template: Path) -> None:
    root = _render(changed_template, "cnpg")
    for env, tier in TIERS.items():
        obs, db, kafka = (TABLES[t].for_tier(tier) for t in ("observability", "database", "kafka"))
        apps = _docs(root / "apps" / env / "observability.yaml", "Application")
        loki = apps[f"kura-{env}-logs"]["spec"]["source"]["helm"]["valuesObject"]
        tempo = apps[f"kura-{env}-traces"]["spec"]["source"]["helm"]["valuesObject"]
        assert loki["loki"]["limits_config"]["retention_period"] == f"{obs['logs_hours']}h", env
        assert loki["singleBinary"]["persistence"]["size"] == obs["storage"], env
        assert tempo["tempo"]["retention"] == f"{obs['traces_hours']}h", env
        assert tempo["persistence"]["size"] == obs["storage"], env
        overlay = (root / "services" / "ledger" / "overlays" / env / "kustomization.yaml").read_text(encoding="utf-8")
        assert f"- OTEL_TRACES_SAMPLER_ARG={obs['sampling']}\n" in overlay, env

        databases = root / "platform" / "overlays" / env / "databases.yaml"
        cluster = _docs(databases, "Cluster")["ledger-db"]["spec"]
        assert cluster["instances"] == db["instances"], env
        assert cluster["storage"]["size"] == db["storage"], env
        resources = cluster["resources"]  # `cpu: 2` reads back as a number
        assert (str(resources["requests"]["cpu"]), resources["requests"]["memory"], resources["limits"]) == (
            db["req_cpu"], db["req_mem"], {"memory": db["lim_mem"]}), env
        assert cluster["enablePDB"] is (db["instances"] > 1), env
        store = _docs(databases, "ObjectStore")["ledger-db-backup"]["spec"]
        assert store["retentionPolicy"] == f"{db['backup_retention_days']}d", env

        bus = root / "platform" / "overlays" / env / "event-bus.yaml"
        pool = _docs(bus, "KafkaNodePool")["kura-dual"]["spec"]
        assert (pool["replicas"], pool["storage"]["size"]) == (kafka["nodes"], kafka["storage"]), env
        config = _docs(bus, "Kafka")["kura"]["spec"]["kafka"]["config"]
        rf, isr = kafka["replication_factor"], kafka["min_insync_replicas"]
        assert config == {"offsets.topic.replication.factor": rf, "transaction.state.log.replication.factor": rf,
                          "transaction.state.log.min.isr": isr, "default.replication.factor": rf,
                          "min.insync.replicas": isr}, env
        topic = _docs(bus, "KafkaTopic")["entry-posted"]["spec"]
        assert (topic["partitions"], topic["replicas"]) == (kafka["partitions"], rf), env


def test_documents_state_the_tier_tables(changed_template: Path) -> None:
    root = _render(changed_template, "cnpg")
    obs, db = TABLES["observability"], TABLES["database"]
    days = {t: obs.for_tier(t)["logs_hours"] // 24 for t in ("development", "staging", "production")}
    monitoring = (root / "docs" / "monitoring-observability.md").read_text(encoding="utf-8")
    assert (f"development keeps logs {days['development']} days (debugging only), staging {days['staging']} days "
            f"(a release cycle), production {days['production']} days") in monitoring
    for env, tier in TIERS.items():
        row = obs.for_tier(tier)
        assert f"| {env} | {tier} | {row['logs_hours']}h | {row['traces_hours']}h | {row['sampling']} |" in monitoring

    instances = {t: db.for_tier(t)["instances"] for t in ("production", "staging", "development")}
    design = (root / "docs" / "infrastructure-design.md").read_text(encoding="utf-8")
    assert (f"by instances: {instances['production']} in production (one primary, four replicas for failover and "
            f"reads through the `-ro` service), {instances['staging']} in staging, {instances['development']} in "
            "development.") in design
    recovery = (root / "docs" / "disaster-recovery.md").read_text(encoding="utf-8")
    for env, tier in TIERS.items():
        assert f"| ledger | {env} | `s3://kura-pg-archive/wal/{env}/ledger` | daily 02:00 UTC | " \
               f"{db.for_tier(tier)['backup_retention_days']}d |" in recovery
    runbook = (root / "docs" / "operations-runbook.md").read_text(encoding="utf-8")
    production = db.for_tier("production")
    assert f"instances: {production['instances']}\n" in runbook and f"size: {production['storage']}\n" in runbook


def test_managed_database_prose_states_the_backup_retention(changed_template: Path) -> None:
    root = _render(changed_template, "external", database_provider="external")
    retention = {t: r["backup_retention_days"] for t, r in TABLES["database"].rows.items()}
    design = (root / "docs" / "infrastructure-design.md").read_text(encoding="utf-8")
    assert (f"daily, kept at least {min(retention.values())} days (production {retention['production']} days)"
            in design)
    recovery = (root / "docs" / "disaster-recovery.md").read_text(encoding="utf-8")
    assert f"automated daily backups (production kept {retention['production']} days)" in recovery
