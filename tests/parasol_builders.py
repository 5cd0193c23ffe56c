"""Synthetic Parasol projects for the ``platform`` tests, and copies of the real fixtures.

A synthetic project has what a real one has after phase 6: ``parasol.yaml`` (with comments, quoting and
Japanese text so that round trips are tested), phase-4 service definitions in the asashi format, and
phase-6 implementation guides with ``## 技術スタック`` bullets.
"""

from __future__ import annotations

import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

from conftest import PARASOL_FIXTURES


def copy_fixture(name: str, dest_parent: Path) -> Path:
    """A writable copy of a real fixture project (the shared ones are read-only)."""
    dest = dest_parent / name
    shutil.copytree(PARASOL_FIXTURES / name, dest, symlinks=True)
    for path in [dest, *dest.rglob("*")]:
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return dest


@dataclass
class SvcDef:
    name: str  # サービス名 (English or Japanese)
    folder: str | None  # phase-4 folder (None: the service is only in parasol.yaml)
    type: str = "Core"
    bcs: list[str] = field(default_factory=lambda: ["main"])
    base_url: str | None = None
    grpc: bool = False
    publishes: list[str] = field(default_factory=list)
    subscribes: list[str] = field(default_factory=list)
    stores: list[str] = field(default_factory=lambda: ["PostgreSQL"])
    scaling: str = "中"
    calls: list[str] = field(default_factory=list)  # display names of services this one calls
    yaml_type: str | None = None  # type in parasol.yaml when it should disagree with the definition
    stack: dict[str, str] | None = None  # phase-6 技術スタック bullets; None: no guide
    guide_folder: str | None = None  # phase-6 folder; default: the phase-4 folder or the name


DEFAULT_SERVICES: list[SvcDef] = [
    SvcDef("Order Management Service", "order-service", "Core ★★★★★", ["order-taking", "fulfilment"],
           "/api/v1/orders", grpc=True, publishes=["OrderPlaced", "OrderShipped"], subscribes=["PaymentSettled"],
           stores=["PostgreSQL", "Redis"], scaling="高", calls=["Catalog Service"],
           stack={"言語": "Go 1.22", "フレームワーク": "Gin", "データベース": "PostgreSQL 16", "API": "REST + gRPC"}),
    SvcDef("Catalog Service", "catalog-service", "Supporting", ["catalog"], "/api/v1/catalog",
           publishes=["ProductUpdated"], stores=["Redis", "Elasticsearch"], scaling="低〜中", yaml_type="Core",
           stack={"言語": "Python 3.12", "フレームワーク": "FastAPI", "データベース": "PostgreSQL 16 + Redis 7",
                  "API": "REST"}),
    SvcDef("通知サービス", None, "Generic", ["notification"], None, subscribes=["OrderShipped"], stores=[],
           scaling="低", stack={"言語": "TypeScript", "フレームワーク": "NestJS", "データベース": "なし",
                               "API": "イベントのみ"}),
]


def yaml_text(name: str, services: list[SvcDef], *, phase6_status: str = "completed", language: str | None = "en",
              auto_backup: bool = True, extra_settings: str = "") -> str:
    lines = [
        "# Parasol V5 project file — comments, quoting and 日本語 must survive phase 7",
        "project:",
        f"  name: {name}",
        '  display_name: "Demo Shop（デモ）"',
        "  created: 2025-11-24T00:00:00Z",
        "",
        "phases:",
        "  phase4:",
        '    name: "Architecture"',
        "    status: completed",
        "    completed: 2025-11-27T00:00:00Z",
        "    services:",
    ]
    for svc in services:
        lines.append(f'      - name: "{svc.name}"')
        lines.append(f"        type: {(svc.yaml_type or svc.type).split()[0]}")
        lines.append(f"        bounded_contexts: [{', '.join(svc.bcs)}]")
    lines += [
        "",
        "  phase6:",
        '    name: "Implementation"',
        f"    status: {phase6_status}  # set by /parasol:6-implementation",
        "    completed: null",
        "",
        "  phase7:",
        '    name: "Platform"',
        "    status: pending",
        "    completed: null",
        "",
        "settings:",
        "  output_dir: ./outputs",
        f"  auto_backup: {'true' if auto_backup else 'false'}",
    ]
    if language:
        lines.append(f"  language: {language}")
    text = "\n".join(lines) + "\n"
    return text + extra_settings


def definition_text(svc: SvcDef) -> str:
    parts = [
        f"# {svc.name}（サービス）",
        "",
        "## 基本情報",
        "",
        "| 項目 | 値 |",
        "|------|-----|",
        f"| **サービス名** | {svc.name} |",
        f"| **ドメインタイプ** | {svc.type} |",
        "",
        "## 含まれるBounded Contexts",
        "",
    ]
    parts += [f"- **{bc} BC**" for bc in svc.bcs]
    parts += ["", "**統合理由:**", "- 同一チームが運用", "", "## API仕様", "", "### REST API", "", "```yaml"]
    if svc.base_url:
        parts.append(f"Base URL: {svc.base_url}")
    parts += ["Endpoints:", "  GET /items: 一覧", "```", ""]
    if svc.grpc:
        parts += ["### gRPC（サービス間高速通信）", "", "```protobuf", "service S {}", "```", ""]
    parts += ["## イベント", "", "### Published Events", "", "```yaml"]
    parts += [f"{e}: 発行" for e in svc.publishes] or ["# なし"]
    parts += ["```", "", "### Subscribed Events", "", "```yaml"]
    parts += [f"{e}: (from elsewhere)" for e in svc.subscribes] or ["# 現時点では購読なし"]
    parts += ["```", "", "## データストア", "", "```yaml"]
    parts += [f"Store{i}:\n  Type: {s}" for i, s in enumerate(svc.stores)] or ["# なし"]
    parts += ["```", "", "## 依存関係", "", "### 依存先（Upstream）", "", "| サービス | 依存内容 |", "|---|---|"]
    parts += [f"| {c} | API |" for c in svc.calls]
    parts += ["", "## 非機能要件", "", "```yaml", "Scaling:", f"  Requirement: {svc.scaling}", "```", ""]
    return "\n".join(parts)


def guide_text(svc: SvcDef, bc: str) -> str:
    assert svc.stack is not None
    bullets = "\n".join(f"- **{k}**: {v}" for k, v in svc.stack.items())
    return f"# {bc} 実装ガイド\n\n## 技術スタック\n\n{bullets}\n\n## 実装手順\n\n1. 作る\n"


def make_project(root: Path, services: list[SvcDef] | None = None, *, name: str = "demo-shop",
                 phase6_status: str = "completed", language: str | None = "en", auto_backup: bool = True,
                 extra_settings: str = "", with_guides: bool = True) -> Path:
    """A Parasol project after phase 6 in ``root`` (created); returns ``root``."""
    services = DEFAULT_SERVICES if services is None else services
    root.mkdir(parents=True, exist_ok=True)
    (root / "parasol.yaml").write_text(
        yaml_text(name, services, phase6_status=phase6_status, language=language, auto_backup=auto_backup,
                  extra_settings=extra_settings),
        encoding="utf-8",
    )
    write_outputs(root, services, with_guides=with_guides)
    return root


def write_outputs(root: Path, services: list[SvcDef], *, with_guides: bool = True) -> None:
    """outputs/1-context, phase-4 service definitions and phase-6 guides for ``services`` under ``root``."""
    outputs = root / "outputs"
    (outputs / "1-context").mkdir(parents=True, exist_ok=True)
    (outputs / "1-context" / "organization-analysis.md").write_text("# 組織分析\n", encoding="utf-8")
    arch = outputs / "4-architecture" / "vs1-commerce" / "services"
    for svc in services:
        if svc.folder:
            folder = arch / svc.folder
            folder.mkdir(parents=True)
            (folder / "service-definition.md").write_text(definition_text(svc), encoding="utf-8")
        if with_guides and svc.stack is not None:
            gfolder = svc.guide_folder or svc.folder or svc.name
            for bc in svc.bcs:
                guide = outputs / "6-implementation" / "services" / gfolder / bc / "implementation-guide.md"
                guide.parent.mkdir(parents=True)
                guide.write_text(guide_text(svc, bc), encoding="utf-8")


def add_guides(project: Path, guides: dict[str, dict[str, dict[str, str]]]) -> None:
    """Phase-6 guides for a fixture: {service folder: {bc: {label: value}}}."""
    for service, bcs in guides.items():
        for bc, stack in bcs.items():
            path = project / "outputs" / "6-implementation" / "services" / service / bc / "implementation-guide.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            bullets = "\n".join(f"- {k}: {v}" for k, v in stack.items())
            path.write_text(f"# {bc}\n\n## 技術スタック\n\n{bullets}\n", encoding="utf-8")


def tree_hashes(root: Path, *, skip_git: bool = True) -> dict[str, str]:
    """sha256 of every file under ``root`` (symlinks by their target text), for "nothing changed" checks."""
    import hashlib
    import os

    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if skip_git and ".git" in path.relative_to(root).parts:
            continue
        if path.is_symlink():
            found[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        elif path.is_dir():
            found[rel + "/"] = "dir"
    return found


# ---- issue 13: the other real layouts, built from the real files' shapes (headings and tables, not prose) -----
def nfr_text(replicas: str | None = "3-6", sla: str | None = "99.9%", requirement: str = "高") -> str:
    """The ``## 非機能要件`` block of suntory-scm-v5's service definitions."""
    lines = ["## 非機能要件", "", "```yaml", "Scaling:", f"  Requirement: {requirement}"]
    if replicas is not None:
        lines.append(f"  Replicas: {replicas}")
    lines += ["  Note: 繁忙期に対応", ""]
    if sla is not None:
        lines += ["Availability:", f"  SLA: {sla}", "  Note: 停止は出荷遅延に直結", ""]
    lines += ["Performance:", "  照会API: 100ms以内", "```", ""]
    return "\n".join(lines)


def overview_text(rows: list[tuple[str, str, str]], *, broken_row: bool = False) -> str:
    """suntory-scm-v5's ``architecture-overview.md``: ``### 1.2 サービス一覧`` with
    ``| # | サービス名 | BC | TVDC | 責務 |``."""
    lines = ["# Architecture Overview", "", "**プロジェクト**: デモ / SCM", "", "---", "", "## 1. アーキテクチャ概要",
             "", "### 1.2 サービス一覧", "", "| # | サービス名 | BC | TVDC | 責務 |",
             "|---|-----------|-----|------|------|"]
    for i, (name, bc, tvdc) in enumerate(rows, start=1):
        lines.append(f"| {i} | {name} | {bc} | {tvdc} | 責務 |")
    if broken_row:
        lines.append("| 99 | broken-service | only three cells |")
    lines += ["", "---", "", "## 2. 設計原則", ""]
    return "\n".join(lines) + "\n"


def adr_text(number: int, title: str, decision_block: str | None) -> str:
    """An ADR of suntory-scm-v5's ``decisions/``: ``# ADR-00N: …``, ``## ステータス``, ``## コンテキスト``, ``## 決定``
    (bold sentence, then ``### 採用構成`` with a YAML block). ``decision_block=None`` leaves ``## 決定`` out."""
    lines = [f"# ADR-{number:03d}: {title}", "", "## ステータス", "承認済み（2025-01-15）", "", "## コンテキスト", "",
             "背景の説明。", ""]
    if decision_block is not None:
        lines += ["## 決定", "", f"**{title}を採用する。**", "", "### 採用構成", "", "```yaml", decision_block,
                  "```", ""]
    lines += ["## 結果", "", "### 良い影響", "", "1. 良いこと", ""]
    return "\n".join(lines) + "\n"


def make_overview_project(root: Path, *, broken_row: bool = False, broken_adr: bool = False,
                          language: str | None = None) -> Path:
    """suntory-scm-v5's layout: ``4-architecture/services/<svc>/service-definition.md`` with 非機能要件, an overview
    table listing one service more (``hub-service``, no definition), a VCI domain type and three ADRs."""
    services = [
        SvcDef("Order Service", "order-service", "Core", ["OrderContext"], "/api/v1/orders",
               publishes=["OrderReceived"], subscribes=["StockReserved"], stores=["PostgreSQL", "Redis"]),
        SvcDef("Stock Service", "stock-service", "VCI (Value-Critical Infrastructure)", ["StockContext"],
               "/api/v1/stock", publishes=["StockReserved"], subscribes=["OrderReceived"]),
    ]
    yaml = yaml_text("scm-demo", [], language=language).replace("    services:\n", "")
    yaml = yaml.replace('  display_name: "Demo Shop（デモ）"\n', '  display_name: "デモ SCM"\n'
                        '  company: "デモ株式会社"\n  context: "SCM"\n  industry: beverage-manufacturing\n')
    root.mkdir(parents=True)
    (root / "parasol.yaml").write_text(yaml, encoding="utf-8")
    arch = root / "outputs" / "4-architecture"
    nfr = {"order-service": nfr_text("3-6", "99.9%"), "stock-service": nfr_text("2-4", "99.5%", "中")}
    for svc in services:
        assert svc.folder
        folder = arch / "services" / svc.folder
        folder.mkdir(parents=True)
        text = definition_text(svc).split("## 非機能要件")[0] + nfr[svc.folder]
        (folder / "service-definition.md").write_text(text, encoding="utf-8")
    (arch / "architecture-overview.md").write_text(overview_text(
        [("order-service", "OrderContext", "Core"), ("stock-service", "StockContext", "VCI"),
         ("hub-service", "-", "Infrastructure")], broken_row=broken_row), encoding="utf-8")
    decisions = arch / "decisions"
    decisions.mkdir()
    (decisions / "adr-001-event-bus-selection.md").write_text(adr_text(
        1, "イベントバスの選択", "Primary Event Bus:\n  Type: Apache Kafka\n  Replication Factor: 3"), encoding="utf-8")
    (decisions / "adr-002-api-gateway-pattern.md").write_text(adr_text(
        2, "API Gateway パターンの採用", "Gateway:\n  Type: API Gateway + BFF"), encoding="utf-8")
    (decisions / "adr-003-saga-choreography-pattern.md").write_text(adr_text(
        3, "Saga Choreography パターンの採用", None if broken_adr else "Pattern: Choreography"), encoding="utf-8")
    return root


def design_text(contexts: list[tuple[str, str, str, str, str]]) -> str:
    """asahi-group's single ``architecture-design.md``: ``## 1. BC構成サマリー`` (``| VS | BC | ドメインタイプ |
    アーキテクチャスタイル |``, cells ``BC1: Name``), ``## 4. データアーキテクチャ`` (``| VS | BC | Primary Store |
    Secondary Store |``) and ``### 共通インフラ`` (``Event Bus:`` / ``API Gateway:`` lines).
    ``contexts``: (vs label, BC id, name, domain type, primary store)."""
    lines = ["# アーキテクチャ設計 - デモ", "", "## 設計原則", "", "**Parasol原則**: 1つのBC = 1つのVS内", "",
             "---", "", "## 1. BC構成サマリー", "", "| VS | BC | ドメインタイプ | アーキテクチャスタイル |",
             "|----|-----|---------------|---------------------|"]
    lines += [f"| {vs} | {bc}: {name} | {domain} | Hexagonal |" for vs, bc, name, domain, _ in contexts]
    lines += ["", "---", "", "## 4. データアーキテクチャ", "", "### VS別データストア", "",
              "| VS | BC | Primary Store | Secondary Store |", "|----|-----|---------------|-----------------|"]
    lines += [f"| {vs.split()[0]} | {bc} | {store} | - |" for vs, bc, _, _, store in contexts]
    lines += ["", "## 5. 技術スタック", "", "### 共通インフラ", "", "```yaml", "Event Bus: Apache Kafka",
              "Container: Kubernetes", "API Gateway: Kong", "```", ""]
    return "\n".join(lines) + "\n"


def domain_language_text(bc: str, name: str, domain: str, stack: str, events: list[str]) -> str:
    """asahi-group's ``5-software/VS<n>_<name>/BC<n>_<Name>/domain-language.md``: ``## 概要`` table and
    ``## 3. Domain Events`` with ``### …イベント`` YAML blocks keyed by event name."""
    lines = [f"# {bc}: {name} - ドメイン言語定義", "", "## 概要", "", "| 項目 | 内容 |", "|------|------|",
             "| VS | VS1 研究開発 |", f"| BC | {name} |", f"| ドメインタイプ | {domain} |",
             f"| 技術スタック | {stack} |",
             "", "---", "", "## 1. Aggregates", "", "```yaml", "Root Entity: Thing", "```", "", "## 3. Domain Events",
             "", "### 主要イベント", "", "```yaml"]
    for event in events:
        lines += [f"{event}:", "  Description: 起きた", "  Properties:", "    - id: Id", "  Subscribers: [Other]", ""]
    lines += ["```", "", "## 4. Domain Services", ""]
    return "\n".join(lines) + "\n"


def make_design_project(root: Path) -> Path:
    """asahi-group's layout: one ``architecture-design.md`` and phase 5 as ``5-software/VS*/BC*/``; no service
    definitions anywhere."""
    root.mkdir(parents=True)
    yaml = yaml_text("brew-demo", [], language="en").replace("    services:\n", "")
    (root / "parasol.yaml").write_text(yaml, encoding="utf-8")
    arch = root / "outputs" / "4-architecture"
    arch.mkdir(parents=True)
    (arch / "architecture-design.md").write_text(design_text([
        ("VS1 研究開発", "BC1", "Fermentation Platform", "Core", "PostgreSQL"),
        ("VS1 研究開発", "BC4", "Research Innovation", "Supporting", "MongoDB"),
        ("VS2 製品開発", "BC2", "Product Recipe", "Core", "PostgreSQL"),
    ]), encoding="utf-8")
    software = root / "outputs" / "5-software"
    for vs, bc, name, domain, stack, events in [
        ("VS1_研究開発", "BC1", "FermentationPlatform", "Core", "Python / FastAPI",
         ["YeastStrainRegistered", "YeastStrainOptimized"]),
        ("VS1_研究開発", "BC4", "ResearchInnovation", "Supporting", "Python / FastAPI", ["ResearchFindingValidated"]),
        ("VS2_製品開発", "BC2", "ProductRecipe", "Core", "Java / Spring Boot", ["ProductApproved"]),
    ]:
        folder = software / vs / f"{bc}_{name}"
        folder.mkdir(parents=True)
        (folder / "domain-language.md").write_text(domain_language_text(bc, name, domain, stack, events),
                                                   encoding="utf-8")
        (folder / "database-design.md").write_text(f"# {bc} データベース設計\n\n## 概要\n\nPostgreSQL 16\n",
                                                   encoding="utf-8")
    return root
