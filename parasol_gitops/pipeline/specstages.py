"""pipeline.yaml's stages: the default stages, the options each stage type takes, and the checks of the stage
graph (unknown needs, cycles, a deploy or security scan with no build upstream). :mod:`.specfile` calls
:func:`normalize_stages` once the environments and settings are known.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from .. import resources
from ..errors import SpecError
from ..messages import t
from ..yamlio import plain as _plain

DEFAULT_STAGES_PATH = resources.stages_path()

# Stage keys that only make sense for one type: a wrong one is a mistake worth naming.
TYPE_OPTIONS: dict[str, tuple[str, ...]] = {
    "lint_and_test": ("coverage_threshold",),
    "build": (),
    "security_scan": ("fail_on", "image_scan", "dependency_scan", "sast"),
    "deploy": ("environment",),
    "integration_test": ("environment", "e2e", "performance", "dast"),
}
COMMON_STAGE_KEYS = ("name", "type", "needs")
# A pipeline has a handful of stages (one deploy per environment); a spec with hundreds is a mistake or an attack
# on the time the graph checks and emitters take, refused before they run.
MAX_STAGES = 100


@lru_cache(maxsize=1)
def _default_stages() -> tuple[dict[str, Any], ...]:
    from ..yamlio import load_file

    data = load_file(DEFAULT_STAGES_PATH)
    return tuple(_plain(s) for s in data["stages"])


def normalize_stages(
    given: list[dict[str, Any]] | None, source: str, settings: dict[str, Any], env_names: set[str]
) -> list[dict[str, Any]]:
    """The stages of a spec (``given``, else the default ones) with their options filled from ``settings``;
    unknown options, needs and environments, cycles and a deploy or scan without a build before it are refused."""
    raw = given or [copy.deepcopy(s) for s in _default_stages()]
    index: dict[str, int] = {}
    for i, stage in enumerate(raw):
        if stage["name"] in index:
            raise SpecError(source, f"stages[{i}].name", t("pipeline.spec.duplicate_stage", name=stage["name"]))
        index[stage["name"]] = i
    out = []
    for i, stage in enumerate(raw):
        kind = stage["type"]
        allowed = set(COMMON_STAGE_KEYS) | set(TYPE_OPTIONS[kind])
        for key in stage:
            if key not in allowed:
                raise SpecError(source, f"stages[{i}].{key}", t("pipeline.spec.stage_option", kind=kind))
        for need in stage.get("needs") or []:
            if need not in index:
                raise SpecError(source, f"stages[{i}].needs", t("pipeline.spec.unknown_stage", name=need))
        if kind in ("deploy", "integration_test"):
            env = stage.get("environment")
            if not env:
                raise SpecError(source, f"stages[{i}].environment",
                                t("pipeline.spec.stage_needs_environment", kind=kind))
            if env not in env_names:
                raise SpecError(source, f"stages[{i}].environment", t("pipeline.spec.unknown_environment", name=env))
        norm: dict[str, Any] = {"name": stage["name"], "type": kind, "needs": list(stage.get("needs") or [])}
        if kind == "lint_and_test":
            norm["coverage_threshold"] = stage.get("coverage_threshold", settings["coverage_threshold"])
        elif kind == "security_scan":
            norm["fail_on"] = stage.get("fail_on", settings["fail_on_severity"])
            for key in ("image_scan", "dependency_scan", "sast"):
                norm[key] = bool(stage.get(key, True))
        elif kind == "deploy":
            norm["environment"] = stage["environment"]
        elif kind == "integration_test":
            norm["environment"] = stage["environment"]
            for key in ("e2e", "performance", "dast"):
                norm[key] = bool(stage.get(key, True))
        out.append(norm)
    _check_cycles(out, source)
    _check_deploys_follow_build(out, source)
    return out


def _check_cycles(stages: list[dict[str, Any]], source: str) -> None:
    """A cycle in ``needs``, named from the stage that comes first in the spec (``a -> b``: a needs b)."""
    from graphlib import CycleError, TopologicalSorter

    index = {s["name"]: i for i, s in enumerate(stages)}
    try:
        TopologicalSorter({s["name"]: s["needs"] for s in stages}).prepare()
    except CycleError as exc:
        ring = list(reversed(exc.args[1]))[:-1]  # graphlib lists a need before the stage that needs it
        start = min(range(len(ring)), key=lambda i: index[ring[i]])
        cycle = [*ring[start:], *ring[:start], ring[start]]
        raise SpecError(source, f"stages[{index[cycle[0]]}].needs",
                        t("pipeline.spec.cycle", cycle=" -> ".join(cycle))) from None


def _check_deploys_follow_build(stages: list[dict[str, Any]], source: str) -> None:
    """A deploy writes the digest a build produced: some build stage must come before it."""
    by_name = {s["name"]: s for s in stages}

    def upstream(name: str) -> set[str]:
        seen: set[str] = set()
        todo = list(by_name[name]["needs"])
        while todo:
            cur = todo.pop()
            if cur not in seen:
                seen.add(cur)
                todo.extend(by_name[cur]["needs"])
        return seen

    for i, stage in enumerate(stages):
        if stage["type"] in ("deploy", "security_scan") and not any(
            by_name[u]["type"] == "build" for u in upstream(stage["name"])
        ):
            raise SpecError(source, f"stages[{i}].needs",
                            t("pipeline.spec.needs_build", kind=stage["type"], name=stage["name"]))
