"""Phase 5 as ``outputs/5-software/VS<n>_<name>/BC<n>_<Name>/`` (one folder per bounded context, grouped by
value stream), the layout that goes with a single ``architecture-design.md``.

Each ``BC<n>_<Name>`` folder is one bounded context deployed as one service (that layout has no service
definitions). ``domain-language.md`` gives the domain type and tech stack (``## 概要`` table) and the domain
events (the top-level keys of the YAML blocks under ``## … Domain Events``); ``database-design.md`` the stores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import markdown as md

VS_FOLDER = re.compile(r"^VS\d+[_-]")
BC_FOLDER = re.compile(r"^(BC-?\d+)[_-](.+)$", re.IGNORECASE)
EVENT = re.compile(r"^([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*)\s*:\s*(?:#.*)?$")


@dataclass
class VsContext:
    ident: str  # BC1
    name: str  # FermentationPlatform
    folder: Path
    value_stream: str  # VS1_研究開発
    fields: dict[str, Any] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)


def folders(software: Path) -> list[tuple[Path, Path]]:
    """(value-stream folder, bounded-context folder) pairs in sorted order."""
    if not software.is_dir():
        return []
    pairs = []
    for vs in sorted(p for p in software.iterdir() if p.is_dir() and VS_FOLDER.match(p.name)):
        for bc in sorted(p for p in vs.iterdir() if p.is_dir() and BC_FOLDER.match(p.name)):
            pairs.append((vs, bc))
    return pairs


def events(text: str) -> list[str]:
    names: list[str] = []
    for sec in md.find_sections(text, "domain events", "ドメインイベント"):
        for block in md.code_blocks(sec.lines):
            for line in block:
                match = EVENT.match(line)
                if match and match.group(1) not in names:
                    names.append(match.group(1))
    return names


def split_stack(value: str) -> dict[str, str]:
    parts = [p.strip() for p in re.split(r"\s*/\s*|\s*\+\s*", value) if p.strip()]
    stack: dict[str, str] = {}
    if parts:
        stack["language"] = parts[0]
    if len(parts) > 1:
        stack["framework"] = parts[1]
    return stack
