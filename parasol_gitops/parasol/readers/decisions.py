"""Architecture decisions of phase 4 (ADRs) and what the platform does with each.

Read: ``outputs/4-architecture/**/decisions/*.md`` and ``**/adr-*.md`` (title = the ``# `` heading, the decision
= the ``## 決定`` / ``## Decision`` section), plus the ``Event Bus:`` / ``API Gateway:`` lines of a single
``architecture-design.md``. Understood kinds (recognised by words in the title, or the decision for the event bus):
- event bus (イベントバス, event bus, message broker, メッセージ): the ``event_bus`` answer; Kafka → a Strimzi
  cluster and topics, a managed service → named in the documents and the services' configuration;
- API gateway (API Gateway, BFF, ゲートウェイ): the ``gateway`` answer; Gateway API, one Gateway per environment
  and an HTTPRoute per service;
- database per service: one database per service (already the platform's model).
Any other ADR is listed in the documents as "recorded, not applied" with its source, never dropped.
An ADR without a title or a decision section is a warning naming the file and line, and is recorded as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...messages import t
from .. import markdown as md

EVENT_BUS_WORDS = re.compile(r"イベントバス|event[ -]?bus|message broker|メッセージブローカー|メッセージング|messaging",
                             re.I)
GATEWAY_WORDS = re.compile(r"api[ -]?gateway|\bBFF\b|ゲートウェイ", re.I)
DATABASE_WORDS = re.compile(r"database[ -]per[ -]service|データベース.*サービス", re.I)
TECHNOLOGIES = (("kafka", re.compile(r"kafka", re.I)), ("nats", re.compile(r"\bnats\b", re.I)),
                ("rabbitmq", re.compile(r"rabbit ?mq", re.I)))
MANAGED = re.compile(r"Amazon MSK|\bMSK\b|Confluent Cloud|Event Hubs|Amazon SQS|\bSQS\b|Google Pub/?Sub|Service Bus|"
                     r"Amazon MQ|Synadia", re.I)
MANAGED_WORD = re.compile(r"managed|マネージド", re.I)
PROVIDER = re.compile(r"^\s*(?:Provider|プロバイダ)\s*[:：]\s*(.+)$", re.I | re.M)


@dataclass
class Decision:
    title: str
    source: str  # file:line
    kind: str  # event_bus | gateway | database_per_service | other
    applied: bool
    value: dict[str, Any]


def adr_files(arch: Path) -> list[Path]:
    if not arch.is_dir():
        return []
    found = {p for p in arch.rglob("*.md") if p.is_file() and (p.parent.name in ("decisions", "adr", "adrs")
                                                               or re.match(r"adr[-_]?\d", p.name, re.I))}
    return sorted(found)


def read_adr(text: str, rel: str, notes: list[str]) -> Decision:
    secs = md.sections(text)
    title_sec = next((s for s in secs if s.level == 1), None)
    decision = next((s for s in md.find_sections(secs, "決定", "decision") if s.level >= 2
                     and not re.search(r"ドライバ|driver", s.title, re.I)), None)
    title = title_sec.title if title_sec else rel.rsplit("/", 1)[-1]
    if title_sec is None:
        notes.append(t("parasol.note.adr_malformed", where=f"{rel}:1", what="no '# ' title"))
    if decision is None:
        line = title_sec.line if title_sec else 1
        notes.append(t("parasol.note.adr_malformed", where=f"{rel}:{line}",
                       what="no '## Decision' / '## 決定' section"))
        return Decision(title, f"{rel}:{line}", "other", False, {})
    body = "\n".join(decision.lines)
    source = f"{rel}:{decision.line}"
    return classify(title, body, source)


def classify(title: str, body: str, source: str) -> Decision:
    if EVENT_BUS_WORDS.search(title) or (EVENT_BUS_WORDS.search(body) and any(r.search(body) for _, r in TECHNOLOGIES)):
        tech = next((name for name, regex in TECHNOLOGIES if regex.search(body)), "")
        managed = MANAGED.search(body)
        provider = PROVIDER.search(body)
        value: dict[str, Any] = {"type": tech or "managed", "source": source}
        if managed or MANAGED_WORD.search(body):
            value["managed_service"] = (provider.group(1).strip() if provider else
                                        managed.group(0) if managed else "managed " + (tech or "queue"))
        applied = tech == "kafka" or "managed_service" in value
        return Decision(title, source, "event_bus", applied, value)
    if GATEWAY_WORDS.search(title):
        return Decision(title, source, "gateway", True, {"type": "gateway-api", "source": source,
                                                         "bff": bool(re.search(r"\bBFF\b", title + body))})
    if DATABASE_WORDS.search(title):
        return Decision(title, source, "database_per_service", True, {"source": source})
    return Decision(title, source, "other", False, {})


def infra_lines(text: str, rel: str) -> list[Decision]:
    """``Event Bus: Apache Kafka`` / ``API Gateway: Kong`` lines of a whole-phase design document."""
    found: list[Decision] = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"^\s*(Event Bus|API Gateway|イベントバス)\s*[:：]\s*(.+)$", line, re.I)
        if match:
            found.append(classify(match.group(1), f"{match.group(1)}: {match.group(2)}", f"{rel}:{number}"))
    return found
