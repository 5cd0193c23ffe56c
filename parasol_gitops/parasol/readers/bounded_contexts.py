"""Phase-5 bounded contexts: ``outputs/5-software/bounded-contexts/<bc-folder>/README.md`` and
``domain-language/domain-events.md``. A bounded context is not a service; ``discovery`` attaches each to one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...messages import t
from .. import markdown as md
from ..heuristics import TECH_LABELS, check_name, criticality_of, norm, stores_in, topic
from .files import Reader

BC_FOLDER_PREFIX = re.compile(r"^bc-\d+-")


@dataclass
class BoundedContext:
    """One phase-5 bounded context as read from its folder."""

    folder: str  # bc-001-rd-water-science
    source: str  # the README, relative to the project
    name: str  # English name (RD-WaterScience), else the folder without bc-NNN-
    service_names: list[str]  # names and ids from ### 所属サービス
    domain: str | None  # core / supporting / generic
    domain_text: str
    fields: dict[str, Any]
    events_source: str = ""


def read(reader: Reader, software: Path) -> tuple[list[BoundedContext], list[str]]:
    base = software / "bounded-contexts"
    found: list[BoundedContext] = []
    notes: list[str] = []
    if not base.is_dir():
        return found, notes
    reader.check_folder(base)
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        reader.check_folder(folder)
        readme = folder / "README.md"
        if not (readme.exists() or readme.is_symlink()):
            notes.append(t("parasol.note.bc_no_readme", folder=reader.rel(folder)))
            continue
        found.append(_bounded_context(reader, folder, readme))
    return found, notes


def _bounded_context(reader: Reader, folder: Path, readme: Path) -> BoundedContext:
    text = reader.text(readme)
    secs = md.sections(text)
    title = next((s.title for s in secs if s.level == 1), "")
    info: dict[str, str] = {}
    for sec in md.find_sections(secs, "概要", "overview"):
        info.update(md.key_table(sec.lines))
    stem = BC_FOLDER_PREFIX.sub("", folder.name)
    name = info.get("英語名") or info.get("English Name") or ""
    if not name:  # "# BC-001: R&D 水科学 [RD-WaterScience]" or "# BC-002 MKT-Beverage 飲料マーケティング"
        bracket = re.search(r"\[([A-Za-z][\w.-]*)\]", title)
        words = [w for w in re.split(r"[\s:：]+", title) if re.fullmatch(r"[A-Za-z][\w.&-]*", w)
                 and not re.fullmatch(r"BC-?\d+", w, re.I)]
        name = bracket.group(1) if bracket else next((w for w in words if norm(w) == norm(stem)), "")
    name = check_name(name or stem, reader.rel(readme))
    service_names: list[str] = []
    for sec in md.find_sections(secs, "所属サービス", "owning service"):
        for item in md.bullets(sec.lines):
            item = item.replace("**", "")
            service_names += [part.strip() for part in re.split(r"[（()）]", item) if part.strip()]
    domain_text = info.get("ドメイン分類") or info.get("Domain Type") or ""
    if not domain_text:
        for sec in md.find_sections(secs, "サブドメイン分類", "subdomain"):
            rows = md.table(sec.lines)
            domain_text = rows[0][0] if rows and rows[0] else ""
    fields: dict[str, Any] = {}
    stack: dict[str, str] = {}
    for sec in md.find_sections(secs, "技術スタック", "tech stack"):
        for row in md.table(sec.lines):
            if len(row) >= 2 and row[0] and row[1]:
                stack.setdefault(TECH_LABELS.get(row[0].lower(), row[0].lower()), row[1])
    if stack:
        fields["tech_stack"] = stack
        stores = stores_in(" ".join(v for k, v in stack.items() if k in ("database", "cache", "search", "event")))
        fields.update(stores)
    bc = BoundedContext(folder.name, reader.rel(readme), name, service_names, criticality_of(domain_text),
                        domain_text, fields)
    events_file = folder / "domain-language" / "domain-events.md"
    if events_file.exists() or events_file.is_symlink():
        events: list[str] = []
        for sec in md.sections(reader.text(events_file)):
            word = sec.title.split()[0] if sec.level == 2 and sec.title.split() else ""
            if re.fullmatch(r"[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*", word) and topic(word) not in events:
                events.append(topic(word))
        if events:
            fields["publishes"] = events
            bc.events_source = reader.rel(events_file)
    return bc
