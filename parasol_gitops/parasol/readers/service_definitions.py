"""``outputs/4-architecture/**/services/<folder>/service-definition.md``: tables, API, events, stores, scaling."""

from __future__ import annotations

import re
from pathlib import Path

from ...messages import t
from .. import markdown as md
from ..candidate import RANK_DEFINITION, Candidate
from ..heuristics import IDENTIFIER, check_name, scaling_level, stores_in, tech_from_blocks, topic
from . import domain_types
from . import nfr as nfr_reader
from .files import Reader, walk
from .tables import line_of


def read(reader: Reader, arch: Path) -> list[Candidate]:
    found: list[Candidate] = []
    for path in walk(arch, "service-definition.md"):
        text = reader.text(path)
        folder = path.parent.name
        cand = Candidate(reader.rel(path), RANK_DEFINITION, "", folder=folder)
        secs = md.sections(text)
        info: dict[str, str] = {}
        for sec in md.find_sections(secs, "基本情報", "basic information", "overview"):
            info.update(md.key_table(sec.lines))
        title = next((s.title for s in secs if s.level == 1), "")
        name = info.get("サービス名") or info.get("Service Name") or re.split(r"[（(]", title)[0].strip() or folder
        cand.name = check_name(name, cand.source)
        if info.get("日本語名"):
            cand.fields["japanese_name"] = info["日本語名"]
        domain = info.get("ドメインタイプ") or info.get("Domain Type")
        if domain:
            crit, known = domain_types.classify(domain)
            where = f"{cand.source}:{line_of(text, r'ドメインタイプ|Domain Type')}"
            cand.fields.update(domain_type=domain, domain_type_source=where, criticality=crit)
            if not known:
                cand.notes.append(t("parasol.note.domain_type", type=domain, crit=crit, where=where))
        bcs = _definition_bcs(reader, path, secs)
        if bcs:
            cand.fields["bounded_contexts"] = bcs
        for sec in md.find_sections(secs, "api"):
            base = re.search(r"Base URL:\s*(\S+)", "\n".join(sec.lines))
            if base:
                cand.fields["ingress_path"] = base.group(1)
            if "grpc" in sec.title.lower() or re.search(r"^#+\s.*grpc", "\n".join(sec.lines), re.I | re.M):
                cand.fields["grpc"] = True
        cand.fields["publishes"] = _events(md.find_sections(secs, "published events", "発行するイベント"))
        cand.fields["subscribes"] = _events(md.find_sections(secs, "subscribed events", "購読するイベント"))
        stores = "\n".join(line for sec in md.find_sections(secs, "データストア", "data store") for line in sec.lines)
        cand.fields.update(stores_in(stores))
        calls, called_by = _dependencies(md.find_sections(secs, "依存関係", "dependencies"))
        cand.fields["calls_names"], cand.fields["called_by_names"] = calls, called_by
        nfr = "\n".join(line for sec in md.find_sections(secs, "非機能要件", "スケーリング", "scaling")
                        for line in sec.lines)
        req = re.search(r"(?:Requirement|スケーリング要件|要件)\s*:\s*(.+)", nfr)
        if req and scaling_level(req.group(1)):
            cand.fields["scaling"] = scaling_level(req.group(1))
        replicas = re.search(r"Replicas\s*:\s*(\d+)", nfr)
        if replicas:
            cand.fields["replicas_min"] = int(replicas.group(1))
        declared, warnings = nfr_reader.read(text, cand.source)
        cand.notes += warnings
        for key, (value, where) in declared.items():
            cand.fields[key] = value
            cand.fields[f"{key}_source"] = where
        stack = tech_from_blocks(md.find_sections(secs, "技術スタック", "tech stack"))
        if stack:
            cand.fields["tech_stack"] = stack
        found.append(cand)
    return found


def _definition_bcs(reader: Reader, path: Path, secs: list[md.Section]) -> list[str]:
    names: list[str] = []
    for sec in md.find_sections(secs, "bounded context"):
        for line in md.outside_fences(sec.lines):
            if names and line.strip() and not line[0].isspace() and not re.match(r"^[-*+]\s", line):
                break  # the list has ended ("**統合理由:**" and its bullets follow)
            if not re.match(r"^[-*+]\s", line):  # top-level bullets only; nested ones are references
                continue
            text = line[1:].strip().replace("**", "")
            text = re.split(r"\s+[-–—]\s+|\s*[（(]|:", text)[0].strip()
            text = re.sub(r"\s+BC$", "", text).strip()
            if text and not text.startswith("参照"):
                names.append(text)
    folder = path.parent / "bounded-contexts"
    if folder.is_dir() or folder.is_symlink():
        for entry in sorted(folder.iterdir()):
            reader.text(entry)  # a dangling, escaping or unreadable link is an error, even if not needed
            stem = re.sub(r"-bc$", "", entry.name.removesuffix(".md"))
            if stem not in names:
                names.append(stem)
    return names


def _events(secs: list[md.Section]) -> list[str]:
    events: list[str] = []
    for sec in secs:
        blocks = md.code_blocks(sec.lines)
        nodes = [n for block in blocks for n in md.loose_yaml(block)]
        names = [n.key for n in nodes if n.key] + [n.value for n in nodes if n.key is None]
        if not blocks:
            names = md.bullets(sec.lines)
        for name in names:
            word = re.split(r"[\s:（(]", name.replace("**", "").strip())[0]
            if IDENTIFIER.match(word) and topic(word) not in events:
                events.append(topic(word))
    return events


def _dependencies(secs: list[md.Section]) -> tuple[list[str], list[str]]:
    calls: list[str] = []
    called_by: list[str] = []
    for sec in secs:
        for part in md.sections("\n".join(sec.lines)):
            title = part.title.lower()
            rows = [r[0] for r in md.table(part.lines) if r and r[0]]
            if "提供先" in title or ("downstream" in title and "calls" not in title) or "依存元" in title:
                called_by.extend(rows)
            elif any(w in title for w in ("依存先", "upstream", "利用先", "calls")):
                calls.extend(rows)
    return calls, called_by
