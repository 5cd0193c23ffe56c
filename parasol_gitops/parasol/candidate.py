"""One source's view of one service, and how strong each source is (a stronger source wins a disagreement)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RANK_YAML, RANK_BOUNDARIES, RANK_DEFINITION, RANK_GUIDE = 1, 2, 3, 4
RANK_PHASE5 = 0  # additive only (see ``discovery``); the merge keeps these candidates out of its pick


@dataclass
class Candidate:
    """One source's view of one service."""

    source: str  # display path (relative to the project) and where inside it
    rank: int
    name: str
    folder: str | None = None  # an existing folder or id that can become the slug
    fields: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

