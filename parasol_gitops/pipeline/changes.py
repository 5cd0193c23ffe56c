"""Change detection for ``parasol-gitops changes``: which services a push or pull request must run.

The generated GitHub workflow calls it at run time with the event's base and head, so the service list
lives in ``pipeline.yaml`` only and ``ci.yml`` does not grow with the number of services.
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import git
from .spectypes import PipelineSpec, Service

EVERYTHING_EVENTS = ("workflow_dispatch", "schedule")


@dataclass
class Selection:
    services: list[dict[str, Any]]  # matrix entries, spec order
    changed_files: list[str] = field(default_factory=list)
    reason: str = ""  # why every service runs, empty when the diff decided


def matrix_entry(spec: PipelineSpec, svc: Service) -> dict[str, Any]:
    """What a GitHub matrix job reads of a service; everything else it reads from the spec through the tool."""
    entry: dict[str, Any] = {
        "name": svc.name, "path": svc.path, "image": svc.image, "dockerfile": svc.dockerfile, "context": svc.context,
    }
    for env in spec.environments:
        strategy, steps = spec.strategy_for(svc, env)
        entry[f"strategy_{env.name}"] = strategy
        entry[f"steps_{env.name}"] = " ".join(str(s) for s in steps)
    return entry


def _touched(changed: list[str], paths: Sequence[str]) -> bool:
    return any(p == "." or f == p or f.startswith(p + "/") for f in changed for p in paths)


def changed_files(repo: Path, base: str, head: str) -> list[str] | None:
    """Files that differ between ``base`` and ``head``; None when git cannot tell (base not in the clone)."""
    try:
        diff = git.run(repo, "diff", "--name-only", base, head, check=False, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if diff.returncode != 0:
        return None
    return [line for line in diff.stdout.splitlines() if line]


def select(spec: Mapping[str, Any] | PipelineSpec, *, base: str, head: str, event: str = "", ref_type: str = "",
           repo: Path | None = None) -> Selection:
    """The services to run for the change ``base..head``.

    Every service runs on a manual or scheduled run, on tags, without a usable base (a new branch pushes
    an all-zero ``before``), and when the base is not in the clone (a force push): building too much is
    safe, skipping a changed service is not.
    """
    from . import typed_spec

    typed = typed_spec(spec, "pipeline.yaml")
    services = typed.services
    reason = ""
    changed: list[str] = []
    if event in EVERYTHING_EVENTS:
        reason = f"event {event}"
    elif ref_type == "tag":
        reason = "a tag"
    elif not base.strip("0"):
        reason = "no base commit"
    else:
        found = changed_files(repo or Path.cwd(), base, head)
        if found is None:
            reason = f"base {base} is not in this clone"
        else:
            changed = found
            if _touched(changed, typed.shared_paths):
                reason = "a shared path changed"
    chosen = services if reason else tuple(s for s in services if _touched(changed, s.watch_paths()))
    return Selection([matrix_entry(typed, s) for s in chosen], changed, reason)
