"""Text and JSON forms of a validation result. JSON is sorted and stable: tools may key on it."""

from __future__ import annotations

import json
from typing import Any

from ..messages import t
from .engine import Result
from .findings import CHECKS, SEVERITIES, Finding

_MAX_MSG = 110


def summary(result: Result) -> dict[str, int]:
    counts = {sev: 0 for sev in SEVERITIES}
    for f in result.findings:
        counts[f.severity] += 1
    return counts


def as_json(result: Result) -> str:
    data: dict[str, Any] = {
        "ok": not result.errors,
        "summary": summary(result),
        "stats": result.stats,
        "findings": [f.to_dict() for f in result.findings],
        "graph": {
            "roots": result.graph.roots,
            "services": result.graph.services,
            "environments": result.graph.environments,
            "deployed": {f"{s}/{e}": apps for (s, e), apps in sorted(result.graph.deployed.items())},
        },
    }
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def as_text(result: Result) -> str:
    s = result.stats
    lines = [t("validate.summary.build", built=s["kustomizations_built"], failed=s["build_failures"],
               charts=s["charts_rendered"], charts_skipped=s["charts_skipped"]),
             t("validate.summary.schema", objects=s["objects"], passed=s["schema_passed"], failed=s["schema_failed"],
               skipped=s["schema_skipped"]),
             t("validate.summary.graph", apps=s["applications"], services=s["services"], envs=s["environments"])]
    for sev in SEVERITIES:
        group = [f for f in result.findings if f.severity == sev]
        if not group:
            continue
        lines.append("")
        lines.append(f"{t('validate.severity.' + sev)} ({len(group)})")
        lines.extend(_table(group))
    ids = sorted({f.id for f in result.findings if f.severity != "info"})
    if ids:
        lines.append("")
        lines.append(t("validate.hints"))
        lines.extend("  " + t("check.line", id=i, title=CHECKS[i].title_in(), hint=CHECKS[i].hint_in()) for i in ids)
    counts = summary(result)
    lines.append("")
    lines.append(t("validate.result.fail" if result.errors else "validate.result.ok", **counts))
    return "\n".join(lines) + "\n"


def _table(group: list[Finding]) -> list[str]:
    rows = [(f.id, f.where, f.object, _clip(f.text())) for f in group]
    headers = ("ID", "WHERE", "OBJECT", "MESSAGE")
    widths = [min(max(len(r[i]) for r in [headers, *rows]), 48) for i in range(3)]
    out = []
    for r in [headers, *rows]:
        cells = [_clip(r[i], widths[i]).ljust(widths[i]) for i in range(3)]
        out.append("  " + "  ".join([*cells, r[3]]).rstrip())
    return out


def _clip(text: str, width: int = _MAX_MSG) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
