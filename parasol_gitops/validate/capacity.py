"""Capacity policy: a namespace's ResourceQuota must hold every workload at its HPA maximum.

The capacity plan (10x the expected load) sets each HPA's ``maxReplicas``; a quota too small for it silently caps
scaling at the worst moment (new pods are refused at admission). For each ResourceQuota without scopes, the need
is summed over the workloads of its namespace: ``maxReplicas`` of the HPA that targets the workload (else its
``replicas``, default 1) times the pod's requests/limits (all containers; init containers do not run beside them).
Judged keys: ``pods``, ``requests.cpu``/``cpu``, ``requests.memory``/``memory``, ``limits.cpu``, ``limits.memory``.
Blue-green switches and surge pods need more than this minimum: the template sizes for them; the check does not
demand it. Identical objects reached through two builds (e.g. the Parasol views) count once.
"""

from __future__ import annotations

import re
from typing import Any

from .findings import Finding, finding_t
from .render import Obj

_SCALABLE = ("Deployment", "StatefulSet", "Rollout", "ReplicaSet")
_UNITS = {"": 1.0, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "Ki": 1024.0, "Mi": 1024.0 ** 2,
          "Gi": 1024.0 ** 3, "Ti": 1024.0 ** 4}
_QUANTITY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]{0,2})$")
_KEYS = {"pods": "pods", "requests.cpu": ("requests", "cpu"), "cpu": ("requests", "cpu"),
         "requests.memory": ("requests", "memory"), "memory": ("requests", "memory"),
         "limits.cpu": ("limits", "cpu"), "limits.memory": ("limits", "memory")}


def quantity(value: Any) -> float | None:
    """A Kubernetes quantity in base units (cores, bytes, count); None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    m = _QUANTITY.match(str(value).strip())
    if not m or m.group(2) not in _UNITS:
        return None
    return float(m.group(1)) * _UNITS[m.group(2)]


def _pod_resources(obj: Obj) -> dict[tuple[str, str], float]:
    spec = ((obj.data.get("spec") or {}).get("template") or {}).get("spec") or {}
    total: dict[tuple[str, str], float] = {}
    for c in spec.get("containers") or []:
        res = (c or {}).get("resources") or {}
        for part in ("requests", "limits"):
            for key in ("cpu", "memory"):
                q = quantity((res.get(part) or {}).get(key))
                if q is not None:
                    total[(part, key)] = total.get((part, key), 0.0) + q
    return total


def _fmt(key: str, value: float) -> str:
    if key.endswith("cpu") or key == "cpu":
        return f"{round(value * 1000)}m"
    if key.endswith("memory") or key == "memory":
        return f"{round(value / 1024 ** 2)}Mi"
    return str(round(value))


def check(objects: list[Obj]) -> list[Finding]:
    seen: set[tuple[str, str, str]] = set()
    unique: list[Obj] = []
    for o in objects:
        ident = (o.namespace, o.kind, o.name)
        if ident not in seen:
            seen.add(ident)
            unique.append(o)
    hpa_max: dict[tuple[str, str], int] = {}
    for h in (o for o in unique if o.kind == "HorizontalPodAutoscaler"):
        spec = h.data.get("spec") or {}
        hi = spec.get("maxReplicas")
        if isinstance(hi, int) and not isinstance(hi, bool):
            hpa_max[(h.namespace, str((spec.get("scaleTargetRef") or {}).get("name")))] = hi
    need: dict[str, dict[str, float]] = {}
    for w in (o for o in unique if o.kind in _SCALABLE):
        if w.kind == "Rollout" and (w.data.get("spec") or {}).get("workloadRef"):
            continue  # judged through the Deployment it names
        replicas = (w.data.get("spec") or {}).get("replicas", 1)
        count = hpa_max.get((w.namespace, w.name), replicas if isinstance(replicas, int) else 1)
        ns = need.setdefault(w.namespace, {})
        ns["pods"] = ns.get("pods", 0.0) + count
        for (part, key), q in _pod_resources(w).items():
            ns[f"{part}.{key}"] = ns.get(f"{part}.{key}", 0.0) + count * q
    out: list[Finding] = []
    for quota in (o for o in unique if o.kind == "ResourceQuota"):
        spec = quota.data.get("spec") or {}
        if spec.get("scopes") or spec.get("scopeSelector"):
            continue
        wanted = need.get(quota.namespace, {})
        for key in sorted(spec.get("hard") or {}):
            if key not in _KEYS:
                continue
            hard = quantity(spec["hard"][key])
            path = _KEYS[key]
            required = wanted.get(path if isinstance(path, str) else f"{path[0]}.{path[1]}", 0.0)
            if hard is not None and required > hard * (1 + 1e-9):
                out.append(finding_t("PGO-QUOTA-HPA", quota.where, quota.label, resource=key,
                                     namespace=quota.namespace, need=_fmt(key, required), hard=_fmt(key, hard)))
    return out
