"""The platform's rules and defaults for Python: the same file the Copier template reads.

``template/_lib/rules.yaml`` holds the tier table, replicas by tier, HPA bounds and container sizes by scaling
level, the capacity plan, the SLO defaults, the default environments and the platform components' tables by tier
(logs and traces, PostgreSQL, Kafka). The template parses it with Copier's
``from_yaml`` filter (``template/_lib/platform.json.jinja``); :mod:`parasol_gitops.spec` and
:mod:`parasol_gitops.pipeline.specfile` read it here. One file, so the template, the spec and the pipeline
cannot disagree on a table; ``tests/test_rules_property.py`` checks that they also apply it alike, and
``tests/test_rules_tier_tables.py`` that the manifests and documents follow the tables by tier.

Found through :mod:`parasol_gitops.resources`, so an installed wheel reads its bundled copy, and parsed by the
product's one YAML reader (:func:`parasol_gitops.yamlio.load_data_file`: libyaml, YAML 1.2 core schema, the
input limits) once per process (it is package data: it does not change while the process runs).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from . import resources, yamlio


@dataclass(frozen=True)
class Size:
    """Container resources: CPU in millicores, memory in MiB."""

    req_cpu: int
    req_mem: int
    lim_cpu: int
    lim_mem: int


@dataclass(frozen=True)
class Discovered:
    """A discovered service's strategy and replicas per default environment (production's is a floor)."""

    strategy: str
    replicas: Mapping[str, int]


@dataclass(frozen=True)
class TierTable:
    """A platform component's settings by tier (rules.yaml: ``<name>_by_tier`` and ``<name>_other_tier``)."""

    rows: Mapping[str, Mapping[str, Any]]
    other: str

    def for_tier(self, tier: str) -> Mapping[str, Any]:
        """The row of ``tier``; a tier the table does not list takes the row named by ``other``."""
        return self.rows.get(tier, self.rows[self.other])


@dataclass(frozen=True)
class Rules:
    tier_by_name: Mapping[str, str]
    pipeline_tiers: tuple[str, ...]
    pipeline_other_tier: str
    choices: Mapping[str, tuple[str, ...]]
    environment_defaults: Mapping[str, str]
    default_environments: tuple[Mapping[str, str], ...]
    pipeline_default_environments: tuple[str, ...]
    service_defaults: Mapping[str, Any]
    replicas_by_tier: Mapping[str, int]
    replicas_other_tier: int
    hpa_bounds: Mapping[str, tuple[int, int]]
    sizes: Mapping[str, Size]
    development_size: str
    expected_rps: Mapping[str, float]
    rps_per_pod: float
    peak_factor: float
    max_replicas: int
    slo_availability: float
    slo_latency_p95_ms: int
    fast_burn: float
    canary_max_error_rate: float
    migration_command: tuple[str, ...]
    by_tier: Mapping[str, TierTable]
    discovered: Mapping[str, Discovered]

    def discovered_for(self, criticality: str) -> Discovered:
        """What a service read from a Parasol project gets for its criticality (discovered_by_criticality)."""
        return self.discovered.get(criticality, self.discovered["other"])

    def tier_for(self, name: str) -> str:
        """The tier of an environment whose answers give none: by its name; an unlisted name is its own tier."""
        return self.tier_by_name.get(name, name)

    def pipeline_tier(self, tier: str) -> str:
        """The tier as pipeline.yaml writes it (pipelines/schema.json knows only a few)."""
        return tier if tier in self.pipeline_tiers else self.pipeline_other_tier

    def default_replicas(self, tier: str) -> int:
        return self.replicas_by_tier.get(tier, self.replicas_other_tier)

    def capacity_max(self, expected_rps: float, rps_per_pod: float) -> int:
        """Production's HPA maximum from the capacity plan: peak load over one pod's share, within 1..max."""
        return min(max(math.ceil(expected_rps * self.peak_factor / rps_per_pod), 1), self.max_replicas)


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


def parse(data: Mapping[str, Any]) -> Rules:
    """Rules from the parsed YAML; a missing or misshapen entry raises KeyError/TypeError/ValueError (the file is
    package data, not user input: a broken one is a bug the tests catch)."""
    capacity, slo = data["capacity"], data["slo"]
    return Rules(
        tier_by_name=_frozen({str(k): str(v) for k, v in data["tier_by_name"].items()}),
        pipeline_tiers=tuple(str(t) for t in data["pipeline_tiers"]),
        pipeline_other_tier=str(data["pipeline_other_tier"]),
        choices=_frozen({str(k): tuple(str(c) for c in v) for k, v in data["choices"].items()}),
        environment_defaults=_frozen({str(k): str(v) for k, v in data["environment_defaults"].items()}),
        default_environments=tuple(_frozen({str(k): str(v) for k, v in e.items()})
                                   for e in data["default_environments"]),
        pipeline_default_environments=tuple(str(n) for n in data["pipeline_default_environments"]),
        service_defaults=_frozen(data["service_defaults"]),
        replicas_by_tier=_frozen({str(k): int(v) for k, v in data["replicas_by_tier"].items()}),
        replicas_other_tier=int(data["replicas_other_tier"]),
        hpa_bounds=_frozen({str(k): (int(v[0]), int(v[1])) for k, v in data["hpa_bounds"].items()}),
        sizes=_frozen({str(k): Size(**{f: int(n) for f, n in v.items()}) for k, v in data["sizes"].items()}),
        development_size=str(data["development_size"]),
        expected_rps=_frozen({str(k): float(v) for k, v in capacity["expected_rps"].items()}),
        rps_per_pod=float(capacity["rps_per_pod"]),
        peak_factor=float(capacity["peak_factor"]),
        max_replicas=int(capacity["max_replicas"]),
        slo_availability=float(slo["availability"]),
        slo_latency_p95_ms=int(slo["latency_p95_ms"]),
        fast_burn=float(slo["fast_burn"]),
        canary_max_error_rate=float(slo["canary_max_error_rate"]),
        migration_command=tuple(str(c) for c in data["migration_command"]),
        # the platform components' tables by tier (rules.yaml tier_tables); the template gives each environment its
        # row (E.<name>)
        by_tier=_frozen({str(name): _tier_table(data, str(name)) for name in data["tier_tables"]}),
        discovered=_frozen({str(c): Discovered(str(row["strategy"]), _frozen({str(e): int(n) for e, n in
                                                                               row["replicas"].items()}))
                            for c, row in data["discovered_by_criticality"].items()}),
    )


def _tier_table(data: Mapping[str, Any], name: str) -> TierTable:
    rows = {str(tier): _frozen(row) for tier, row in data[f"{name}_by_tier"].items()}
    other = str(data[f"{name}_other_tier"])
    if other not in rows:
        raise ValueError(f"{name}_other_tier: {other!r} is not a row of {name}_by_tier")
    return TierTable(rows=_frozen(rows), other=other)


@functools.cache
def get() -> Rules:
    """The rules of this installation (the checkout's file, or the wheel's bundled copy), parsed once."""
    return parse(yamlio.load_data_file(resources.rules_path()))
