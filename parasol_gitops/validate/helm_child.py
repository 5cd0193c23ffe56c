"""The Helm renderer's own process: ``python -m parasol_gitops.validate.helm_child`` (see ``Renderer.render_charts``).

Reads ``{"chart": DIR, "label": REL, "values_files": [NAME, …]}`` on stdin and writes
``{"<label>[<values file>]": {"<template path>": "<manifest>", …}, …}`` on stdout: one render per values file
(merged over ``values.yaml``), or one with ``values.yaml`` alone. A render error is one line on stderr and exit 1.
The parent runs this with no kubeconfig, no proxy that works, and memory and time limits.
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


def main() -> int:
    job = json.load(sys.stdin)
    folder = Path(job["chart"])
    try:
        import helm_python

        base_values = _load(folder / "values.yaml")
        loaded = helm_python.Chart.load(str(folder))
        out: dict[str, dict[str, str]] = {}
        for vf in job["values_files"] or [""]:
            values = _merge(base_values, _load(folder / vf)) if vf else dict(base_values)
            rendered = loaded.render(values=values, name=folder.name, namespace="default")
            out[f"{job['label']}[{vf or 'values.yaml'}]"] = rendered
    except Exception as exc:  # helm_python raises its own error family; any of them is a render failure
        print(str(exc).strip() or type(exc).__name__, file=sys.stderr)
        return 1
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
