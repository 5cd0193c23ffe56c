"""Services listed in ``parasol.yaml`` under ``phases.phase4.services`` (name, type, bounded_contexts)."""

from __future__ import annotations

from ...errors import InputError
from ...messages import t
from ..candidate import RANK_YAML, Candidate
from ..heuristics import check_name, criticality_of
from ..project import ParasolProject


def read(project: ParasolProject) -> list[Candidate]:
    services = project.phase("phase4").get("services")
    if services is None:
        return []
    if not isinstance(services, list):
        raise InputError("parasol.yaml: phases.phase4.services: " + t("parasol.services_not_list"))
    found: list[Candidate] = []
    for i, entry in enumerate(services):
        where = f"parasol.yaml: phases.phase4.services[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise InputError(f"{where}: " + t("parasol.service_needs_name"))
        cand = Candidate(where.replace(": ", " "), RANK_YAML, check_name(entry["name"], where))
        if entry.get("type"):
            cand.fields["criticality"] = criticality_of(str(entry["type"]))
        bcs = entry.get("bounded_contexts")
        if isinstance(bcs, list) and bcs:
            cand.fields["bounded_contexts"] = [str(b) for b in bcs]
        found.append(cand)
    return found
