"""What ``platform --plan`` prints: the discovered services as a table, where each value came from, the
warnings, and the project-level decisions (file:line → value, every ADR and its fate)."""

from __future__ import annotations

from ..messages import t
from ..table import rows
from .decisions_map import answers
from .discovery import Discovery
from .project import ParasolProject

HEADER = ["SERVICE", "NAME", "TYPE", "BOUNDED CONTEXTS", "INGRESS", "GRPC", "DB", "CACHE", "SCALING", "HPA",
          "REPLICAS", "STRATEGY", "PUB/SUB"]
ENV_ORDER = ("dev", "staging", "production")


def plan_lines(found: Discovery) -> list[str]:
    """The service table, the provenance of each service and the discovery warnings."""
    table = [HEADER]
    for item in found.services:
        s = item.service
        table.append([
            s.name, s.display_name + (f"（{s.japanese_name}）" if s.japanese_name else ""), s.criticality,
            ", ".join(s.bounded_contexts) or "-", s.ingress_path or f"/{s.name}",
            str(s.grpc_port or "-"), s.database, s.cache, s.scaling, f"{s.hpa_min}-{s.hpa_max}",
            "/".join(str(s.replicas[e]) for e in sorted(s.replicas, key=_env_order)),
            s.strategy, f"{len(s.events.publishes)}/{len(s.events.subscribes)}",
        ])
    lines = [t("parasol.plan.title", count=len(found.services)), *rows(table), "", t("parasol.plan.provenance")]
    for item in found.services:
        lines.append(f"  {item.service.name}:")
        lines += [f"    {line}" for line in item.provenance]
    notes = [(item.service.name, note) for item in found.services for note in item.notes] + [
        ("", note) for note in found.notes]
    if notes:
        lines += ["", t("parasol.plan.warnings")]
        lines += [f"  {name + ': ' if name else ''}{note}" for name, note in notes]
    return lines


def decision_lines(project: ParasolProject, found: Discovery) -> list[str]:
    """Project-level values and where they came from (file:line → value), then every ADR and its fate."""
    _, provenance = answers(project, found.decisions)
    lines = ["", t("parasol.plan.decisions"),
             "  " + t("parasol.plan.language", lang=project.language, source=project.language_source)]
    lines += [f"  {key}: {value} ← {source}" for key, value, source in provenance]
    for decision in found.decisions:
        state = t("parasol.plan.applied" if decision.applied and decision.kind != "other" else "parasol.plan.recorded")
        lines.append(f"  [{state}] {decision.title} ← {decision.source}")
    return lines


def _env_order(name: str) -> tuple[int, str]:
    return (ENV_ORDER.index(name) if name in ENV_ORDER else len(ENV_ORDER), name)
