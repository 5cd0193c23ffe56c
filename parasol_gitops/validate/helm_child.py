"""The Helm renderer's own process: ``python -m parasol_gitops.validate.helm_child`` (see ``Renderer.render_charts``).

Reads ``{"charts": [{"chart": DIR, "label": REL, "values_files": [NAME, …]}, …]}`` on stdin and writes
``{"rendered": {REL: {"<REL>[<values file>]": {"<template path>": "<manifest>", …}}}, "errors": {REL: MESSAGE}}``
on stdout: each chart rendered once per values file (merged over ``values.yaml``), or once with ``values.yaml``
alone. The parent runs this with no kubeconfig, no proxy that works, and memory and time limits; a chart that
crashes the Go renderer takes this process down, and the parent then renders the charts one per process.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    return data if isinstance(data, dict) else {}


def render(chart: dict[str, Any]) -> dict[str, dict[str, str]]:
    import helm_python

    folder = Path(chart["chart"])
    base_values = _load(folder / "values.yaml")
    loaded = helm_python.Chart.load(str(folder))
    out: dict[str, dict[str, str]] = {}
    for vf in chart["values_files"] or [""]:
        values = _merge(base_values, _load(folder / vf)) if vf else dict(base_values)
        out[f"{chart['label']}[{vf or 'values.yaml'}]"] = loaded.render(values=values, name=folder.name,
                                                                         namespace="default")
    return out


def main() -> int:
    job = json.load(sys.stdin)
    result: dict[str, dict[str, Any]] = {"rendered": {}, "errors": {}}
    for chart in job["charts"]:
        try:
            result["rendered"][chart["label"]] = render(chart)
        except Exception as exc:  # helm_python raises its own error family; any of them is a render failure
            result["errors"][chart["label"]] = " ".join(str(exc).split()) or type(exc).__name__
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
