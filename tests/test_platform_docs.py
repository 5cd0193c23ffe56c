"""The five platform documents (and the runbook) carry every section the platform phase's seed lists, in English and
Japanese, filled from the project's own facts (tech stack, events, stores, SLOs, expected load, backup bucket) and
otherwise stating the default chosen; the DR document never claims that Velero backs up a database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from _platform_renders import answers, render
from k8s_checks import validate_all

SECTIONS: dict[str, list[tuple[str, str]]] = {
    "infrastructure-design": [
        ("Managed cloud services", "マネージドクラウドサービス"),
        ("Network architecture", "ネットワーク構成"),
        ("VPC and subnets", "VPC とサブネット"),
        ("Load balancer", "ロードバランサー"),
        ("Service mesh and mTLS", "サービスメッシュと mTLS"),
        ("Scaling", "スケーリング"),
        ("Capacity plan (10x the expected load)", "キャパシティ計画（想定負荷の 10 倍）"),
        ("Cluster autoscaling", "クラスタのオートスケーリング"),
        ("Database scaling", "データベースのスケーリング"),
    ],
    "monitoring-observability": [
        ("Log aggregation and retention", "ログ集約と保持期間"),
        ("Distributed tracing", "分散トレーシング"),
        ("Business metrics", "ビジネスメトリクス"),
        ("Alert rule tests", "アラートルールのテスト"),
    ],
    "deployment-strategy": [("Database migrations and data integrity", "データベースマイグレーションとデータ整合性")],
    "cicd-pipeline": [("Load tests and the performance gate", "負荷テストと性能ゲート")],
    "disaster-recovery": [
        ("Database backups", "データベースのバックアップ"),
        ("Recovery steps", "復旧ステップ"),
    ],
    "operations-runbook": [
        ("Point-in-time recovery (PITR) of a database", "データベースのポイントインタイムリカバリ（PITR）"),
        ("Load tests", "負荷テスト"),
    ],
}
RECOVERY_STEPS = [("Impact analysis", "影響分析"), ("Recovery decision and communication", "復旧方針の決定と連絡"),
                  ("Infrastructure recovery", "インフラの復旧"), ("Data recovery", "データの復旧"),
                  ("Verification", "検証"), ("Post-mortem", "ポストモーテム")]
SETS = ["default", "six-mixed-helm-ja", "platform-data", "default-external", "one-service"]


def doc(name: str, which: str) -> str:
    root = render(name)
    folder = root if answers(name)["layout"] == "parasol" else root / "docs"
    return (folder / f"{which}.md").read_text(encoding="utf-8")


def headings(text: str) -> list[str]:
    return [m.group(2).strip() for m in re.finditer(r"^(#{2,3}) (.+)$", text, re.M)]


@pytest.mark.parametrize("name", SETS)
def test_every_seed_section_is_present_in_the_documents_language(name: str) -> None:
    lang = 1 if answers(name)["docs_language"] == "ja" else 0
    for which, sections in SECTIONS.items():
        found = headings(doc(name, which))
        for pair in sections:
            assert pair[lang] in found, (name, which, pair[lang])
            assert pair[1 - lang] not in found, (name, which, "wrong language", pair[1 - lang])
    dr = doc(name, "disaster-recovery")
    steps = re.findall(r"^(\d)\. \*\*(.+?)\*\*", dr.split("\n## ")[-1], re.M)
    assert [(int(n), title) for n, title in steps] == [(i + 1, s[lang]) for i, s in enumerate(RECOVERY_STEPS)]
    for command in ("kubectl apply -k bootstrap/", "velero restore create", "parasol-gitops dr record",
                    "parasol-gitops validate"):
        assert command in dr, (name, command)


def test_the_projects_own_facts_fill_the_sections() -> None:
    infra = doc("platform-data", "infrastructure-design")
    assert "PostgreSQL 16 (TimescaleDB)" in infra  # tech stack → managed database row
    assert "entry-posted" in infra and "ledger" in infra  # events → message queue row
    assert re.search(r"\| Cache \| portal \|", infra)
    assert "s3://kura-pg-archive/wal" in infra
    # capacity plan: 240 req/s x 10 / 50 per pod = 48; reports 12 x 10 / 4 = 30; portal's declared range wins (7)
    assert re.search(r"\| ledger \| 240 \| 2400 \| 50 \| \d+–48 \| capacity plan \(48\) \|", infra)
    assert re.search(r"\| reports \| 12 \| 120 \| 4 \| \d+–30 \|", infra)
    assert re.search(r"\| portal \| 20 \| 200 \| 50 \| \d+–7 \| the range the project declares \|", infra)
    mon = doc("platform-data", "monitoring-observability")
    assert "| ledger | 99.95 % | 0.0005 | 300 ms |" in mon and "| reports | 99 % | 0.01 | 1000 ms |" in mon
    assert "`kura_ledger_`" in mon
    deploy = doc("platform-data", "deployment-strategy")
    assert "`/usr/local/bin/ledger migrate --to latest`" in deploy and "PostgreSQL 16 (TimescaleDB)" in deploy
    cicd = doc("platform-data", "cicd-pipeline")
    assert "| ledger | < 300 ms | < 1 % | 240 req/s | 2400 req/s |" in cicd
    dr = doc("platform-data", "disaster-recovery")
    assert "`s3://kura-pg-archive/wal/prod/ledger`" in dr and "Sealed Secrets controller key" in dr
    # a project without databases says so instead of describing one
    one = doc("one-service", "disaster-recovery")
    assert "No service declares a database" in one


@pytest.mark.parametrize("name", SETS)
def test_the_dr_document_never_says_velero_backs_up_a_database(name: str) -> None:
    dr = doc(name, "disaster-recovery")
    lang = answers(name)["docs_language"]
    for line in dr.splitlines():
        if line.startswith("| ") and "postgresql" in line:  # the backup table: a database row names its own backup
            assert re.search(r"CloudNativePG|managed database|マネージド DB", line), (name, line)
        elif "Velero" in line and re.search(r"database|データベース|postgres", line, re.I):
            assert re.search(r"databases are not|does not back up the databases|データベースは(対象外|\s*Velero "
                             r"ではバックアップしません)", line), (name, line)
    if any(s.get("database") == "postgresql" for s in answers(name)["services"]):
        section = dr.split("## " + ("データベースのバックアップ" if lang == "ja" else "Database backups"))[1]
        external = answers(name).get("database_provider") == "external"
        if external:
            assert "PITR" in section or "point-in-time" in section or "ポイントインタイム" in section
            assert "second region" in section or "別リージョン" in section
        else:
            assert "WAL" in section


def test_external_database_is_named_with_its_required_backup_settings() -> None:
    infra = doc("default-external", "infrastructure-design")
    assert "managed PostgreSQL of the cloud provider (Amazon RDS for PostgreSQL" in infra
    settings = infra.split("### Managed database settings")[1].split("\n## ")[0]
    for needle in ("automated backups", "daily", "point-in-time recovery window", "cross-region copy"):
        assert needle in settings, needle
    rpo = answers("default-external")["rpo_hours"]
    assert f">= RPO {rpo} h" in settings
    assert "### Managed database settings" not in doc("default", "infrastructure-design")


@pytest.mark.parametrize("name", ["default", "six-mixed-helm-ja"])
def test_the_runbooks_pitr_cluster_is_a_valid_cloudnative_pg_object(name: str) -> None:
    runbook = doc(name, "operations-runbook")
    block = re.search(r"```yaml\n(.*?)```", runbook, re.S)
    assert block, "no PITR manifest in the runbook"
    obj = yaml.safe_load(re.sub(r"(?m)^   ", "", block.group(1)))
    assert obj["kind"] == "Cluster" and obj["spec"]["bootstrap"]["recovery"]["recoveryTarget"]["targetTime"]
    assert validate_all([obj]) == []


def test_documents_render_without_template_leftovers(tmp_path: Path) -> None:
    for name in SETS:
        for which in SECTIONS:
            text = doc(name, which)
            assert "{{" not in text and "{%" not in text and "None" not in text, (name, which)
