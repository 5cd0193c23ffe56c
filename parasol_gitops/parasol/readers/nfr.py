"""Non-functional requirements of a service definition, with the line each value came from.

``Availability: / SLA: 99.9%`` → the SLO target; ``Scaling: / Replicas: 3-6`` → the autoscaling range (a single
number ``Replicas: 2`` is the minimum; the maximum then follows the scaling level). Values outside (0, 100) or a
range whose minimum exceeds its maximum are warnings naming the file and line, and are not used.
"""

from __future__ import annotations

import re
from typing import Any

from ...messages import t

SLA = re.compile(r"^\s*(?:SLA|SLO|可用性|Availability(?: target)?)\s*[:：]\s*([0-9]+(?:\.[0-9]+)?)\s*%", re.I)
REPLICAS = re.compile(r"^\s*(?:Replicas|レプリカ数?)\s*[:：]\s*(\d+)\s*(?:[-〜~–]\s*(\d+))?", re.I)


def read(text: str, rel: str) -> tuple[dict[str, Any], list[str]]:
    """({"slo": (value, "file:line"), "autoscaling": ({min, max?}, "file:line")}, warnings)."""
    found: dict[str, Any] = {}
    notes: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        where = f"{rel}:{number}"
        sla = SLA.match(line)
        if sla and "slo" not in found:
            value = float(sla.group(1))
            if 0 < value < 100:
                found["slo"] = (value, where)
            else:
                notes.append(t("parasol.note.bad_value", where=where, value=line.strip()))
        rep = REPLICAS.match(line)
        if rep and "autoscaling" not in found:
            low = int(rep.group(1))
            high = int(rep.group(2)) if rep.group(2) else None
            if low < 1 or (high is not None and high < low):
                notes.append(t("parasol.note.bad_value", where=where, value=line.strip()))
                continue
            found["autoscaling"] = ({"min": low, **({"max": high} if high else {})}, where)
    return found, notes
