"""What covers a service or a namespace: alert rules, dashboards, monitors, logs and traces per service, and
backups per namespace that holds state. Read by the policies (:mod:`.policies`) and by ``status vms5``.

- a service is covered by alert rules / a dashboard / a ServiceMonitor when its name appears as a whole word
  in a PrometheusRule, in a dashboard (ConfigMap labelled ``grafana_dashboard`` or a GrafanaDashboard), or in
  a ServiceMonitor/PodMonitor (name, labels or selector);
- state: a namespace holds state when it has a StatefulSet, a PersistentVolumeClaim or a CloudNativePG
  ``Cluster``; it is covered by a Velero ``Schedule`` whose ``template.includedNamespaces`` holds it (or ``*``)
  and does not exclude it, or — when its only state is CNPG clusters — by a CNPG ``ScheduledBackup`` there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from .findings import Finding, finding_t
from .objects import Obj

# ---- monitoring ---------------------------------------------------------------------------------------
_WORD = re.compile(r"[a-z0-9-]+")


def mentions(text: str, name: str) -> bool:
    """``name`` occurs in ``text`` as a whole word: not inside a longer run of ``[a-z0-9-]``."""
    return name in _WORD.findall(text)


def monitoring_coverage(objects: list[Obj], services: Iterable[str]) -> dict[str, dict[str, bool]]:
    """Per service: has ``alerts``, ``dashboard``, ``monitor`` (ServiceMonitor/PodMonitor)."""
    def words(objs: Iterable[Any]) -> set[str]:
        found: set[str] = set()
        for o in objs:
            found.update(_WORD.findall(json.dumps(o, sort_keys=True)))
        return found

    rules = words(o.data for o in objects if o.kind == "PrometheusRule")
    dashboards = words(o.data for o in objects
                       if (o.kind == "ConfigMap" and "grafana_dashboard" in ((o.data.get("metadata") or {})
                                                                             .get("labels") or {}))
                       or o.kind == "GrafanaDashboard")
    monitors = words({"m": o.data.get("metadata"), "s": (o.data.get("spec") or {}).get("selector")}
                     for o in objects if o.kind in ("ServiceMonitor", "PodMonitor"))
    traced = words(o.data.get("metadata") for o in objects if _exports_traces(o))
    logs = any(_ships_logs(o) for o in objects)
    return {svc: {"alerts": svc in rules, "dashboard": svc in dashboards, "monitor": svc in monitors,
                  "logs": logs, "traces": svc in traced}
            for svc in services}


# A log pipeline is a store plus a shipper; any of these deploys one of the two halves the others expect.
LOG_CHARTS = frozenset({"loki", "loki-stack", "alloy", "promtail", "fluent-bit", "vector", "opentelemetry-collector"})
LOG_KINDS = frozenset({"LokiStack", "OpenTelemetryCollector", "Alloy"})


def _ships_logs(o: Obj) -> bool:
    """An object that deploys log aggregation: an Argo CD Application of a log chart, or a collector resource."""
    if o.kind in LOG_KINDS:
        return True
    if o.kind != "Application" or not o.api_version.startswith("argoproj.io/"):
        return False
    spec = o.data.get("spec") or {}
    sources = [spec.get("source") or {}, *(spec.get("sources") or [])]
    return any(isinstance(src, dict) and str(src.get("chart") or "") in LOG_CHARTS for src in sources)


def _exports_traces(o: Obj) -> bool:
    """A workload or its ConfigMap that sends OpenTelemetry traces somewhere (a non-empty OTLP endpoint)."""
    key = "OTEL_EXPORTER_OTLP_ENDPOINT"
    if o.kind == "ConfigMap":
        return bool(str((o.data.get("data") or {}).get(key) or "").strip())
    if o.kind not in ("Deployment", "Rollout", "StatefulSet"):
        return False
    pod = ((o.data.get("spec") or {}).get("template") or {}).get("spec") or {}
    return any(isinstance(e, dict) and e.get("name") == key and str(e.get("value") or "").strip()
               for c in pod.get("containers") or [] if isinstance(c, dict) for e in c.get("env") or [])


def service_monitoring(objects: list[Obj], services: Iterable[str]) -> list[Finding]:
    out = []
    for svc, cov in monitoring_coverage(objects, services).items():
        where = f"services/{svc}"
        if not cov["alerts"]:
            out.append(finding_t("PGO-SERVICE-ALERTS", where, svc=svc))
        if not cov["dashboard"]:
            out.append(finding_t("PGO-SERVICE-DASHBOARD", where, svc=svc))
        if not cov["monitor"]:
            out.append(finding_t("PGO-SERVICE-MONITOR", where, svc=svc))
    return out


# ---- backups -----------------------------------------------------------------------------------------
def stateful_namespaces(objects: list[Obj]) -> dict[str, list[Obj]]:
    state: dict[str, list[Obj]] = {}
    for o in objects:
        if o.kind in ("StatefulSet", "PersistentVolumeClaim") or (
                o.kind == "Cluster" and o.api_version.startswith("postgresql.cnpg.io/")):
            state.setdefault(o.namespace or "default", []).append(o)
    return state


def backup_covered(objects: list[Obj]) -> dict[str, bool]:
    schedules = [o for o in objects if o.kind == "Schedule" and o.api_version.startswith("velero.io/")]
    cnpg_backups = {o.namespace for o in objects if o.kind == "ScheduledBackup"}
    result = {}
    for ns, objs in stateful_namespaces(objects).items():
        covered = False
        for s in schedules:
            tpl = (s.data.get("spec") or {}).get("template") or {}
            inc = [str(x) for x in tpl.get("includedNamespaces") or ["*"]]
            exc = [str(x) for x in tpl.get("excludedNamespaces") or []]
            if (ns in inc or "*" in inc) and ns not in exc:
                covered = True
        if not covered and all(o.kind == "Cluster" for o in objs) and ns in cnpg_backups:
            covered = True
        result[ns] = covered
    return result


def backups(objects: list[Obj]) -> list[Finding]:
    state = stateful_namespaces(objects)
    return [finding_t("PGO-BACKUP", state[ns][0].where, ns=ns, kinds=", ".join(sorted({o.kind for o in state[ns]})))
            for ns, ok in sorted(backup_covered(objects).items()) if not ok]
