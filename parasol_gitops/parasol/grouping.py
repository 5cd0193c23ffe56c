"""Which candidates describe the same service (a shared name or folder key), and which service each phase-5 bounded
context joins (see ``discovery``)."""

from __future__ import annotations

from ..messages import t
from .candidate import RANK_PHASE5, Candidate
from .heuristics import norm
from .readers.bounded_contexts import BC_FOLDER_PREFIX, BoundedContext


def keys_of(cand: Candidate) -> set[str]:
    keys = {norm(cand.name)}
    if cand.folder:
        keys.add(norm(cand.folder))
    return keys - {""}


def group(candidates: list[Candidate]) -> list[list[Candidate]]:
    groups: list[list[Candidate]] = []
    group_keys: list[set[str]] = []
    for cand in candidates:
        keys = keys_of(cand)
        hits = [i for i, gk in enumerate(group_keys) if gk & keys]
        if not hits:
            groups.append([cand])
            group_keys.append(keys)
            continue
        first = hits[0]
        for other in reversed(hits[1:]):  # a candidate that bridges two groups joins them
            groups[first] += groups.pop(other)
            group_keys[first] |= group_keys.pop(other)
        groups[first].append(cand)
        group_keys[first] |= keys
    return groups


def attach_phase5(groups: list[list[Candidate]], contexts: list[BoundedContext], notes: list[str]) -> None:
    """Each bounded context joins one service group as a RANK_PHASE5 candidate (see the module docstring)."""
    def listed(group: list[Candidate]) -> list[str]:
        return [b for c in group for b in c.fields.get("bounded_contexts") or []]

    for bc in contexts:
        wanted = {norm(n) for n in bc.service_names} - {""}
        target = next((g for g in groups if wanted and wanted & set().union(*(keys_of(c) for c in g))), None)
        if target is None:
            key = norm(bc.name)
            target = next((g for g in groups if any(norm(b) == key or norm(b.split(".")[0]) == key
                                                    for b in listed(g))), None)
        if target is None:
            stem = norm(BC_FOLDER_PREFIX.sub("", bc.folder))
            target = next((g for g in groups if stem in set().union(*(keys_of(c) for c in g))), None)
        if target is None:
            notes.append(t("parasol.note.bc_unmatched", bc=bc.name, file=bc.source))
            continue
        fields = dict(bc.fields, bounded_contexts=[bc.name], domain=bc.domain, domain_text=bc.domain_text,
                      events_source=bc.events_source)
        target.append(Candidate(bc.source, RANK_PHASE5, bc.name, fields=fields))
