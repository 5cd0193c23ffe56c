"""Services of a Parasol project, read from what phases 4–6 wrote, as ``spec.Service`` objects.

Sources, from weakest to strongest (a later phase refines an earlier one, so the stronger source wins a
disagreement and the loser is recorded in the service's provenance):

1. ``parasol.yaml`` ``phases.phase4.services`` (name, type, bounded_contexts)
2. ``outputs/4-architecture/service-boundaries.md`` (one YAML-ish block per service, grouped by
   Core / Supporting / Platform sections; ``インスタンス`` expands one definition into one service per instance)
3. ``outputs/4-architecture/**/services/<folder>/service-definition.md`` (tables, API, events, stores, scaling)
4. ``outputs/6-implementation/services/<Service>/<BC>/implementation-guide.md`` (``## 技術スタック`` bullets)

Phase 5 (``outputs/5-software/bounded-contexts/<bc-folder>/README.md`` and ``domain-language/domain-events.md``)
designs one bounded context, not a service, so it never creates a service and never overrides a service-level
value: it adds. A bounded context joins the service its ``### 所属サービス`` section names, else the service
whose bounded-context list holds its English name (``MKT-Beverage`` also matches ``MKT-Beverage.広告``), else the
service whose slug equals the folder name without ``bc-NNN-``. It adds its name to ``bounded_contexts`` when
missing, its domain events (``## <EventName> …`` headings) to ``events.publishes``, tech-stack rows
(``## 技術スタック`` table) for keys the service documents leave open, and PostgreSQL/Redis when the service has
none and its documents state no database. A differing domain classification of the context is a note, not a change.

Mapping rules (documented in the README section of the report):
- name: an existing folder name when it is a DNS-1123 label (service-definition folder, then phase-6 folder),
  else the ``サービスID`` without its ``svc-`` prefix, else ``names.slugify`` of the name.
- domain type Core → criticality core, canary in production, at least 2 production replicas (so a PDB applies);
  Supporting → supporting; Generic or Parasol's "Platform" services → generic; all others rolling.
- scaling 高/中/低 → high/medium/low; a range such as 低〜中 takes its upper end (capacity errs high).
- stores: PostgreSQL (TimescaleDB too: it is a PostgreSQL extension) → database postgresql, Redis → cache redis;
  other stores (MongoDB, Elasticsearch, S3 …) are not provisioned and are listed as notes.

Each source has its reader in ``readers/`` (``parasol_yaml``, ``service_boundaries``, ``service_definitions``,
``guides``, ``bounded_contexts``; the other layouts through ``layouts``), the text heuristics they share live in
``heuristics``, and ``grouping`` decides which candidates are one service. This module runs them and merges each
group, one small step per field.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .. import rules
from ..errors import InputError
from ..messages import t
from ..names import is_dns1123_label, slugify, unsafe_content
from ..spec import Events, Service
from . import grouping, layouts
from .candidate import RANK_DEFINITION, RANK_GUIDE, RANK_PHASE5, Candidate
from .heuristics import check_name, criticality_of, norm, scaling_level, stores_in, topic
from .project import ParasolProject
from .readers import bounded_contexts, guides, parasol_yaml, service_boundaries, service_definitions
from .readers.files import Reader
from .readers.guides import guides_present

# Re-exported: layouts, commands and tests import these from here.
__all__ = ["Candidate", "DiscoveredService", "Discovery", "check_name", "criticality_of", "discover",
           "guides_present", "norm", "scaling_level", "stores_in", "topic"]

GRPC_PORT = 9090
RESERVED_SLUGS = ("platform",)  # the platform layer's own Application and folders (copier.yml rejects it too)


@dataclass
class DiscoveredService:
    service: Service
    sources: list[str]
    provenance: list[str]  # "field: value ← source (over: other value ← other source)"
    notes: list[str]


@dataclass
class Discovery:
    project_name: str  # DNS-1123, for the platform spec
    services: list[DiscoveredService]
    sources: list[str]  # every file read, relative to the project
    notes: list[str] = field(default_factory=list)
    decisions: list[Any] = field(default_factory=list)  # readers.decisions.Decision, in reading order


def discover(project: ParasolProject) -> Discovery:
    """Every service of ``project``; InputError for unreadable sources, bad names, no services, slug clashes."""
    reader = Reader(project)
    out = project.output_dir
    arch = out / "4-architecture"
    candidates: list[Candidate] = parasol_yaml.read(project)
    if arch.is_dir():
        boundaries = arch / "service-boundaries.md"
        if boundaries.exists() or boundaries.is_symlink():
            candidates += service_boundaries.read(reader, boundaries)
        candidates += service_definitions.read(reader, arch)
    candidates += guides.read(reader, out / "6-implementation")
    contexts, phase5_notes = bounded_contexts.read(reader, out / "5-software")
    extra = layouts.read(reader, out)
    candidates += extra.candidates
    if not candidates:
        where = ", ".join(["parasol.yaml phases.phase4.services", "outputs/4-architecture/service-boundaries.md",
                           "outputs/4-architecture/**/service-definition.md", *extra.places,
                           "outputs/6-implementation/services/<Service>/<BC>/implementation-guide.md"])
        raise InputError(t("parasol.no_services", where=where))
    groups = grouping.group(candidates)
    for group in groups:  # listed in a summary table only: a service with defaults, and the user is told
        only = next((c for c in group if c.fields.get("overview_only")), None)
        if only is not None and not any(c.rank > layouts.RANK_OVERVIEW for c in group):
            only.notes.append(layouts.overview_only_note(only.source, only.name))
    grouping.attach_phase5(groups, contexts, phase5_notes)
    services = [_merge(group) for group in groups]
    _check_slugs(services)
    _resolve_calls(services, groups)
    services.sort(key=lambda s: s.service.name)
    project_name = project.name if is_dns1123_label(project.name) else slugify(project.name)
    return Discovery(project_name, services, sorted(set(reader.read) | {"parasol.yaml"}),
                     phase5_notes + extra.notes, extra.decisions)


def _pick(group: list[Candidate], key: str) -> tuple[Any, Candidate | None, list[tuple[Any, Candidate]]]:
    """The strongest source's value for ``key`` and the disagreeing weaker values."""
    ranked = sorted(group, key=lambda c: -c.rank)
    with_value = [(c.fields[key], c) for c in ranked if c.fields.get(key) not in (None, "", [], {})]
    if not with_value:
        return None, None, []
    value, winner = with_value[0]
    losers = [(v, c) for v, c in with_value[1:] if v != value]
    return value, winner, losers


@dataclass
class _Merged:
    """One service being merged from its group of candidates, with what the merge has said so far."""

    group: list[Candidate]  # without phase-5 candidates, which only add (see :func:`_add_phase5`)
    svc: Service
    provenance: list[str]
    notes: list[str]

    def record(self, label: str, value: Any, winner: Candidate | None, losers: list[tuple[Any, Candidate]],
               where: str | None = None) -> None:
        if winner is None:
            self.provenance.append(f"{label}: {_show(value)} ← {t('parasol.prov.default')}")
            return
        line = f"{label}: {_show(value)} ← {where or winner.source}"
        if losers:
            line += f" ({t('parasol.prov.over')} " + "; ".join(f"{_show(v)} ← {c.source}" for v, c in losers) + ")"
        self.provenance.append(line)


def _merge(group: list[Candidate]) -> DiscoveredService:
    phase5 = [c for c in group if c.rank == RANK_PHASE5]
    sources = sorted({c.source for c in group} | {str(c.fields["events_source"]) for c in phase5
                                                  if c.fields.get("events_source")})
    group = [c for c in group if c.rank != RANK_PHASE5]
    ranked = sorted(group, key=lambda c: -c.rank)
    svc, naming = _named(group, ranked)
    merged = _Merged(group, svc, [naming], [n for c in ranked for n in c.notes])
    for step in _STEPS:
        step(merged)
    _add_phase5(svc, phase5, merged.provenance, merged.notes)
    _replicas(merged)
    _check_unsafe(svc, ranked[0].source)
    return DiscoveredService(svc, sources, merged.provenance, merged.notes)


def _named(group: list[Candidate], ranked: list[Candidate]) -> tuple[Service, str]:
    """The slug (an existing DNS-1123 folder, else the slugified display name) and its provenance line."""
    slug_source = next((c for c in ranked if c.folder and is_dns1123_label(c.folder)), None)
    display = next((c.name for c in ranked if c.rank == RANK_DEFINITION), None) or next(
        (c.name for c in sorted(group, key=lambda c: c.rank) if c.rank != RANK_GUIDE), ranked[0].name)
    if slug_source is not None:
        slug = slug_source.folder or ""
        return Service(name=slug, display_name=display), f"name: {slug} ← " + t("parasol.prov.folder",
                                                                                 source=slug_source.source)
    slug = slugify(display)
    return Service(name=slug, display_name=display), f"name: {slug} ← " + t("parasol.prov.slug", name=display)


def _with_default(key: str) -> Callable[[_Merged], None]:
    """A step for a plain field: the strongest value, else the service default (rules.yaml: service_defaults)."""
    def step(m: _Merged) -> None:
        value, winner, losers = _pick(m.group, key)
        setattr(m.svc, key, value or rules.get().service_defaults[key])
        m.record(key, getattr(m.svc, key), winner, losers)
    return step


def _contexts(m: _Merged) -> None:
    bcs, winner, losers = _pick(m.group, "bounded_contexts")
    same = [v for v, _ in losers if sorted(v) == sorted(bcs or [])]
    if same:  # phase-6 folders come sorted; a document with the same contexts has the designed order
        bcs = same[0]
        losers = [(v, c) for v, c in losers if sorted(v) != sorted(bcs)]
    m.svc.bounded_contexts = list(bcs or [])
    m.record("bounded_contexts", m.svc.bounded_contexts, winner, losers)


def _ingress(m: _Merged) -> None:
    slug = m.svc.name
    path, winner, losers = _pick(m.group, "ingress_path")
    if path and not re.fullmatch(r"/[A-Za-z0-9/_.-]*", path):
        m.notes.append(t("parasol.note.bad_ingress", path=path, source=winner.source if winner else "?", slug=slug))
        path, winner, losers = None, None, []
    roots, roots_from, _ = _pick(m.group, "rest_roots")
    if not path and roots:
        m.notes.append(t("parasol.note.rest_roots", count=len(roots), source=roots_from.source if roots_from else "?",
                         paths=", ".join(roots), slug=slug))
    m.svc.ingress_path = path or ""
    m.record("ingress_path", path or f"/{slug}", winner, losers)


def _grpc(m: _Merged) -> None:
    grpc, winner, _ = _pick(m.group, "grpc")
    m.svc.grpc_port = GRPC_PORT if grpc else None
    if grpc:
        m.record("grpc_port", GRPC_PORT, winner, [])


def _events(m: _Merged) -> None:
    pubs, winner, losers = _pick(m.group, "publishes")
    subs, winner2, losers2 = _pick(m.group, "subscribes")
    m.svc.events = Events(publishes=list(pubs or []), subscribes=list(subs or []))
    m.record("events.publishes", m.svc.events.publishes, winner, losers)
    m.record("events.subscribes", m.svc.events.subscribes, winner2, losers2)


def _other_stores(m: _Merged) -> None:
    others, other_from, _ = _pick(m.group, "other_stores")
    if others:
        m.notes.append(t("parasol.note.other_stores", stores=", ".join(others),
                         source=other_from.source if other_from else "?"))


def _domain_type(m: _Merged) -> None:
    domain_type, winner, losers = _pick(m.group, "domain_type")
    if domain_type and winner is not None:
        m.svc.domain_type = str(domain_type)
        m.record("domain_type", m.svc.domain_type, winner, losers, winner.fields.get("domain_type_source"))


def _declared(m: _Merged) -> None:
    for key in ("slo", "autoscaling"):  # the project's own numbers, with the line they came from
        value, winner, _ = _pick(m.group, key)
        if value and winner is not None:
            setattr(m.svc, key, value)
            m.record(key, value, winner, [], winner.fields.get(f"{key}_source"))


def _tech_stack(m: _Merged) -> None:
    stack, winner, losers = _pick(m.group, "tech_stack")
    m.svc.tech_stack = {str(k): str(v) for k, v in sorted((stack or {}).items())}
    if stack:
        m.record("tech_stack", m.svc.tech_stack, winner, losers)


def _japanese_name(m: _Merged) -> None:
    japanese, winner, losers = _pick(m.group, "japanese_name")
    if japanese and japanese != m.svc.display_name:
        m.svc.japanese_name = check_name(str(japanese), winner.source if winner else "?")
        m.record("japanese_name", m.svc.japanese_name, winner, losers)


# In provenance order; phase-5 additions and the replica counts follow (they read the merged values).
_STEPS: tuple[Callable[[_Merged], None], ...] = (
    _with_default("criticality"), _contexts, _ingress, _grpc, _events,
    _with_default("database"), _with_default("cache"), _other_stores,
    _with_default("scaling"), _domain_type, _declared, _tech_stack, _japanese_name)


def _replicas(m: _Merged) -> None:
    svc = m.svc
    min_replicas, _, _ = _pick(m.group, "replicas_min")
    row = rules.get().discovered_for(svc.criticality)
    floor = row.replicas["production"]
    production = max(svc.hpa_min, int(min_replicas or 0), floor)
    if svc.autoscaling.get("min"):  # a declared range is the production floor, also below the level's default
        production = max(int(svc.autoscaling["min"]), floor)
    svc.replicas = {**row.replicas, "production": production}
    svc.strategy = row.strategy
    m.provenance.append(f"strategy: {svc.strategy} ← criticality: {svc.criticality}")


def _check_unsafe(svc: Service, source: str) -> None:
    for bad_field in ("display_name", "ingress_path", "japanese_name"):
        value = str(getattr(svc, bad_field))
        if unsafe_content(value):
            raise InputError(t("parasol.unsafe_name", value=value, what=unsafe_content(value)))
    for bc in svc.bounded_contexts:
        if unsafe_content(bc):
            raise InputError(f"{source}: " + t("parasol.unsafe_name", value=bc, what=unsafe_content(bc)))


def _add_phase5(svc: Service, contexts: list[Candidate], provenance: list[str], notes: list[str]) -> None:
    """What phase-5 bounded contexts add to a merged service (never a replacement; see the module docstring)."""
    for bc in contexts:
        name = bc.name
        known = any(norm(b) == norm(name) or norm(b.split(".")[0]) == norm(name) for b in svc.bounded_contexts)
        if not known:
            svc.bounded_contexts.append(name)
        state = t("parasol.prov.bc_listed" if known else "parasol.prov.bc_added")
        provenance.append(f"bounded_contexts (phase 5): {name} ← {bc.source} ({state})")
        domain = bc.fields.get("domain")
        if domain and domain != svc.criticality:
            notes.append(t("parasol.note.bc_domain", bc=name, bc_type=bc.fields.get("domain_text"),
                           crit=svc.criticality))
        new_events = [e for e in bc.fields.get("publishes") or [] if e not in svc.events.publishes]
        if new_events:
            svc.events.publishes += new_events
            provenance.append(f"events.publishes (phase 5): + {_show(new_events)} ← {bc.fields['events_source']}")
        stated_database = "database" in svc.tech_stack  # a service-level "データベース: なし" is a decision too
        stack = {k: v for k, v in (bc.fields.get("tech_stack") or {}).items() if k not in svc.tech_stack}
        if stack:
            svc.tech_stack = dict(sorted({**svc.tech_stack, **stack}.items()))
            provenance.append(f"tech_stack (phase 5): + {_show(dict(sorted(stack.items())))} ← {bc.source} "
                              f"({t('parasol.prov.phase5_fills')})")
        for key in ("database", "cache"):
            value = bc.fields.get(key)
            if value and getattr(svc, key) == "none" and not stated_database:
                setattr(svc, key, value)
                provenance.append(f"{key} (phase 5): {value} ← {bc.source}")
        if bc.fields.get("other_stores"):
            notes.append(t("parasol.note.other_stores", stores=", ".join(bc.fields["other_stores"]),
                           source=bc.source))


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return str(value)


def _check_slugs(services: list[DiscoveredService]) -> None:
    seen: dict[str, DiscoveredService] = {}
    for found in services:
        if found.service.name in RESERVED_SLUGS:
            raise InputError(t("parasol.reserved_slug", name=found.service.display_name, slug=found.service.name))
        other = seen.get(found.service.name)
        if other is not None:
            raise InputError(t("parasol.duplicate_slug", first=other.service.display_name,
                               second=found.service.display_name, slug=found.service.name))
        seen[found.service.name] = found


def _resolve_calls(services: list[DiscoveredService], groups: list[list[Candidate]]) -> None:
    """Dependency tables name services by display name; turn them into ``calls`` between slugs."""
    index: dict[str, str] = {}
    for found, group in zip(services, groups, strict=True):
        for cand in group:
            for key in grouping.keys_of(cand):
                index.setdefault(key, found.service.name)
        index.setdefault(norm(found.service.name), found.service.name)
    calls: dict[str, set[str]] = {s.service.name: set() for s in services}
    for found, group in zip(services, groups, strict=True):
        names, _, _ = _pick(group, "calls_names")
        callers, _, _ = _pick(group, "called_by_names")
        for name in names or []:  # "Integration Hub" names integration-hub-service too
            target = index.get(norm(name)) or index.get(norm(name) + "service")
            if target and target != found.service.name:
                calls[found.service.name].add(target)
            elif not target:
                found.notes.append(t("parasol.note.unknown_call", name=name))
        for name in callers or []:
            source = index.get(norm(name))
            if source and source != found.service.name:
                calls[source].add(found.service.name)
    for found in services:
        found.service.calls = sorted(calls[found.service.name])
        if found.service.calls:
            found.provenance.append(f"calls: {_show(found.service.calls)} ← " + t("parasol.prov.dependencies"))
