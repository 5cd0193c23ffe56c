"""Text heuristics shared by the readers: matching keys, topics, scaling levels, domain types, stores, names."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from ..errors import InputError
from ..messages import t
from ..names import slugify, unsafe_content
from . import markdown as md

IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*$")
# Characters that change the meaning of a name in YAML, a shell or a path (issue #4: refuse, exit 2).
UNSAFE_NAME = re.compile(r"[$`;|<>\"'\\{}\[\]!#*\x00-\x1f\x7f]")
SCALING_WORDS = {"高": "high", "中": "medium", "低": "low", "high": "high", "medium": "medium", "low": "low"}
LEVEL_ORDER = ("low", "medium", "high")
OTHER_STORES = ("MongoDB", "Elasticsearch", "S3", "MinIO", "GCS", "Neo4j", "BigQuery", "Redshift", "InfluxDB",
                "Cassandra", "DynamoDB", "MySQL", "Kafka")
TECH_LABELS = {"言語": "language", "language": "language", "runtime": "language", "ランタイム": "language",
               "フレームワーク": "framework", "framework": "framework", "データベース": "database",
               "database": "database", "db": "database", "api": "api"}


def norm(name: str) -> str:
    """Matching key for names written differently in different documents ("Beer Development Service",
    "beer-development-service")."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name).casefold())


def topic(event: str) -> str:
    """A Kafka-style topic for an event name: ``YeastStrainRegistered`` → ``yeast-strain-registered``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", event.strip())
    return slugify(spaced)


def scaling_level(text: str) -> str | None:
    """高/中/低 (or high/medium/low), a range such as 低〜中 taking its upper end."""
    found = [SCALING_WORDS[w.lower()] for w in re.findall(r"高|中|低|high|medium|low", text, flags=re.IGNORECASE)]
    if not found:
        return None
    return max(found, key=LEVEL_ORDER.index)


def criticality_of(text: str) -> str | None:
    lowered = text.lower()
    for word, value in (("core", "core"), ("supporting", "supporting"), ("generic", "generic"),
                        ("platform", "generic"), ("コア", "core"), ("支援", "supporting"), ("汎用", "generic")):
        if word in lowered:
            return value
    return None


def stores_in(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if re.search(r"postgres|timescale", text, re.IGNORECASE):
        found["database"] = "postgresql"
    if re.search(r"redis", text, re.IGNORECASE):
        found["cache"] = "redis"
    others = [s for s in OTHER_STORES if re.search(rf"\b{re.escape(s)}\b", text, re.IGNORECASE)]
    if others:
        found["other_stores"] = others
    return found


def check_name(name: str, where: str) -> str:
    name = name.strip()
    if ".." in name.replace("\\", "/").split("/") or name.startswith("/") or "/.." in name or "../" in name:
        raise InputError(t("parasol.traversal", value=name, what=where))
    bad = unsafe_content(name)
    match = UNSAFE_NAME.search(name)
    if bad is None and match is not None:
        bad = f"'{match.group(0)}'"
    if bad is not None:
        raise InputError(f"{where}: " + t("parasol.unsafe_name", value=name, what=bad))
    return name


def tech_from_blocks(secs: list[md.Section]) -> dict[str, str]:
    stack: dict[str, str] = {}
    for sec in secs:
        for block in md.code_blocks(sec.lines):
            for node in md.loose_yaml(block):
                if node.key and node.value:
                    stack.setdefault(TECH_LABELS.get(node.key.lower(), node.key.lower()), node.value)
        for label, value in md.bullet_pairs(sec.lines).items():
            stack.setdefault(TECH_LABELS.get(label.lower(), label.lower()), value)
    return stack

