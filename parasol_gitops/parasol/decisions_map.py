"""Project decisions → template answers, each with where it came from (shown by ``platform --plan``).

- ``project.display_name / company / context / industry`` in ``parasol.yaml`` → ``organization`` (titles and
  introduction of every document);
- the event-bus ADR → ``event_bus``; the API gateway / BFF ADR → ``gateway`` and ``ingress_class: gateway-api``;
- every ADR → ``decisions`` (title, source, applied or "recorded, not applied"), listed in the documents.
``settings.platform`` in ``parasol.yaml`` still wins (for instance ``ingress_class`` or ``event_bus``).
"""

from __future__ import annotations

from typing import Any

from .project import ParasolProject

ORGANIZATION_KEYS = ("display_name", "company", "context", "industry")


def _line(mapping: Any, key: str) -> str:
    try:
        return f"parasol.yaml:{mapping.lc.key(key)[0] + 1}"
    except (AttributeError, KeyError, TypeError):
        return "parasol.yaml"


def organization(project: ParasolProject) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    data = project.data.get("project") if isinstance(project.data, dict) else None
    found: dict[str, str] = {}
    provenance: list[tuple[str, str, str]] = []
    if not isinstance(data, dict):
        return found, provenance
    for key in ORGANIZATION_KEYS:
        value = data.get(key)
        if isinstance(value, str | int | float) and str(value).strip():
            found[key] = str(value).strip()
            provenance.append((f"organization.{key}", found[key], _line(data, key)))
    return found, provenance


def answers(project: ParasolProject, decisions: list[Any]) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """(answers, [(answer, value, source)])."""
    result: dict[str, Any] = {}
    org, provenance = organization(project)
    if org:
        result["organization"] = org
    listed: list[dict[str, Any]] = []
    for decision in decisions:
        applied = decision.applied
        if decision.kind == "event_bus" and applied and "event_bus" not in result:
            result["event_bus"] = dict(decision.value)
            shown = decision.value.get("managed_service") or decision.value.get("type")
            provenance.append(("event_bus", f"{decision.value.get('type')} ({shown})", decision.source))
        elif decision.kind == "gateway" and "gateway" not in result:
            result["gateway"] = dict(decision.value)
            result["ingress_class"] = "gateway-api"
            provenance.append(("gateway / ingress_class", "gateway-api", decision.source))
        elif decision.kind == "database_per_service":
            provenance.append(("database per service", "one database per service", decision.source))
        elif decision.kind == "event_bus" and not applied:
            pass  # NATS/RabbitMQ in-cluster: recorded, not applied (listed below)
        listed.append({"title": decision.title, "source": decision.source, "kind": decision.kind,
                       "applied": bool(applied)})
    if listed:
        result["decisions"] = listed
    return result, provenance
