"""Parasol domain types → platform criticality, the documented table (README: "Domain types").

The type is kept as written (``Service.domain_type``, shown in the documents); only the criticality that drives
rollout strategy, replicas and disruption budgets is derived from it:

| written (any case, Japanese too)                       | criticality | why                                       |
|--------------------------------------------------------|-------------|-------------------------------------------|
| Core, コア                                             | core        | DDD core domain: canary, ≥ 2 replicas     |
| Supporting, 支援                                       | supporting  | DDD supporting domain                      |
| Generic, 汎用                                          | generic     | DDD generic domain                         |
| Platform, Infrastructure, 基盤                         | generic     | shared technical services                  |
| VCI (Value-Critical Infrastructure), Value-Critical    | core        | not DDD; failure is fatal → core; warned |
| anything else                                          | supporting  | unknown: the middle ground; warned        |
"""

from __future__ import annotations

import re

KNOWN: tuple[tuple[str, str], ...] = (
    ("core", "core"), ("コア", "core"), ("supporting", "supporting"), ("支援", "supporting"),
    ("generic", "generic"), ("汎用", "generic"), ("platform", "generic"), ("infrastructure", "generic"),
    ("基盤", "generic"),
)
# Not DDD domain types: mapped, but the user is told how (a warning), since the mapping is this tool's choice.
MAPPED: tuple[tuple[str, str], ...] = (("vci", "core"), ("value-critical", "core"))
FALLBACK = "supporting"


def classify(text: str) -> tuple[str, bool]:
    """(criticality, known) for a written domain type; ``known`` is False when the table had to guess."""
    lowered = text.strip().lower()
    head = re.split(r"[\s(（]", lowered, maxsplit=1)[0] if lowered else ""
    for word, value in MAPPED:
        if head == word or lowered.startswith(word):
            return value, False
    for word, value in KNOWN:
        if word in lowered:
            return value, True
    return FALLBACK, False
