"""The layouts ``discovery`` reads beyond service definitions, boundaries and guides (see ``readers/``):
architecture overview tables, a single ``architecture-design.md``, phase 5 as ``5-software/VS*/BC*/`` and the
ADRs. Kept apart from ``discovery`` so that each reader stays small; ``discovery.discover`` calls :func:`read`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..messages import t
from .candidate import Candidate
from .heuristics import check_name, norm, stores_in, topic
from .readers import decisions as adr
from .readers import overview, phase5_vs
from .readers.files import Reader

RANK_OVERVIEW = 2  # a phase-4 summary, like service-boundaries.md: definitions and guides win over it
RANK_VS = 1  # phase-5 folders of the VS/BC layout: the weakest source of a service


@dataclass
class Extra:
    candidates: list[Candidate] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    decisions: list[adr.Decision] = field(default_factory=list)
    overview_names: set[str] = field(default_factory=set)  # norm() keys of overview-only candidates
    places: list[str] = field(default_factory=list)  # every place looked at, for "no services"


def read(reader: Reader, out: Path) -> Extra:
    extra = Extra()
    arch = out / "4-architecture"
    rel_out = reader.rel(out)
    extra.places = [f"{rel_out}/4-architecture/{overview.OVERVIEW_FILE} (services table)",
                    f"{rel_out}/4-architecture/{overview.DESIGN_FILE} (bounded contexts table)",
                    f"{rel_out}/5-software/VS*/BC*/"]
    path = overview.present(arch, overview.OVERVIEW_FILE)
    if path is not None:
        rel = reader.rel(path)
        rows, notes = overview.overview_rows(reader.text(path), rel)
        extra.notes += notes
        for row in rows:
            where = f"{rel}:{row['line']}"
            cand = Candidate(where, RANK_OVERVIEW, check_name(row["name"], where),
                             folder=overview.slug_folder(row["name"]))
            cand.fields["overview_only"] = where
            if row["bounded_contexts"]:
                cand.fields["bounded_contexts"] = row["bounded_contexts"]
            if row.get("domain_type"):
                cand.fields["domain_type"] = row["domain_type"]
                cand.fields["criticality"] = overview.classify(row["domain_type"], where, cand.notes)
            extra.candidates.append(cand)
    design = overview.present(arch, overview.DESIGN_FILE)
    design_rows: list[dict[str, Any]] = []
    if design is not None:
        rel = reader.rel(design)
        text = reader.text(design)
        design_rows, notes = overview.design_rows(text, rel)
        extra.notes += notes
        extra.decisions += adr.infra_lines(text, rel)
        for row in design_rows:
            where = f"{rel}:{row['line']}"
            cand = Candidate(where, RANK_OVERVIEW, check_name(row["name"], where))
            cand.fields["domain_type"] = row["domain_type"]
            cand.fields["criticality"] = overview.classify(row["domain_type"], where, cand.notes)
            cand.fields["bounded_contexts"] = [row["name"]]
            if row.get("stores"):
                cand.fields.update({k: v for k, v in stores_in(row["stores"]).items()})
            extra.candidates.append(cand)
    by_id = {row["id"]: row for row in design_rows}
    for vs, bc in phase5_vs.folders(out / "5-software"):
        match = phase5_vs.BC_FOLDER.match(bc.name)
        assert match is not None  # folders() only yields matching names
        ident, name = match.group(1).upper().replace("-", ""), match.group(2)
        designed = by_id.get(ident)
        display = designed["name"] if designed else name
        where = reader.rel(bc)
        cand = Candidate(where + "/", RANK_VS, check_name(display, where), folder=topic(name))
        cand.fields["bounded_contexts"] = [display]
        lang = bc / "domain-language.md"
        if lang.is_file():
            text = reader.text(lang)
            info: dict[str, str] = {}
            from . import markdown as md

            for sec in md.find_sections(text, "概要", "overview"):
                info.update(md.key_table(sec.lines))
            if info.get("ドメインタイプ"):
                cand.fields["domain_type"] = info["ドメインタイプ"]
                cand.fields["criticality"] = overview.classify(info["ドメインタイプ"], reader.rel(lang), cand.notes)
            if info.get("技術スタック"):
                cand.fields["tech_stack"] = phase5_vs.split_stack(info["技術スタック"])
            events = [topic(e) for e in phase5_vs.events(text)]
            if events:
                cand.fields["publishes"] = events
        db = bc / "database-design.md"
        if db.is_file():
            cand.fields.update({k: v for k, v in stores_in(reader.text(db)[:4000]).items() if k != "other_stores"})
        extra.candidates.append(cand)
        del vs
    for path in adr.adr_files(arch):
        extra.decisions.append(adr.read_adr(reader.text(path), reader.rel(path), extra.notes))
    extra.overview_names = {norm(c.name) for c in extra.candidates if c.fields.get("overview_only")}
    return extra


def overview_only_note(where: str, name: str) -> str:
    return t("parasol.note.overview_only", name=name, where=where)
