"""``outputs/6-implementation/services/<Service>/<BC>/implementation-guide.md``: one service per folder, its
bounded contexts from the sub-folders and its tech stack from the ``## 技術スタック`` bullets."""

from __future__ import annotations

from pathlib import Path

from ...messages import t
from .. import markdown as md
from ..candidate import RANK_GUIDE, Candidate
from ..heuristics import check_name, stores_in, tech_from_blocks
from ..project import ParasolProject
from .files import Reader


def read(reader: Reader, impl: Path) -> list[Candidate]:
    base = impl / "services"
    found: list[Candidate] = []
    if not base.is_dir():
        return found
    for svc_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        where = reader.rel(svc_dir)
        reader.check_folder(svc_dir)
        cand = Candidate(where, RANK_GUIDE, check_name(svc_dir.name, where), folder=svc_dir.name)
        bcs: list[str] = []
        stack: dict[str, str] = {}
        for bc_dir in sorted(p for p in svc_dir.iterdir() if p.is_dir()):
            reader.check_folder(bc_dir)
            guide = bc_dir / "implementation-guide.md"
            if not (guide.exists() or guide.is_symlink()):
                continue
            bcs.append(check_name(bc_dir.name, reader.rel(bc_dir)))
            text = reader.text(guide)
            this = tech_from_blocks(md.find_sections(text, "技術スタック", "tech stack"))
            for key, value in this.items():
                if key in stack and stack[key] != value:
                    cand.notes.append(t("parasol.note.tech_conflict", key=key, kept=stack[key], other=value,
                                         file=reader.rel(guide)))
                stack.setdefault(key, value)
        if not bcs:
            continue
        cand.source = f"{where}/*/implementation-guide.md"
        cand.fields["bounded_contexts"] = bcs
        if stack:
            cand.fields["tech_stack"] = stack
            cand.fields.update({k: v for k, v in stores_in(stack.get("database", "")).items() if k != "other_stores"})
        found.append(cand)
    return found


def guides_present(project: ParasolProject) -> bool:
    base = project.output_dir / "6-implementation" / "services"
    return base.is_dir() and any(base.glob("*/*/implementation-guide.md"))

