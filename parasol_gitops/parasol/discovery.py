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
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..messages import t
from ..names import is_dns1123_label, slugify, unsafe_content
from ..spec import Events, Service
from . import markdown as md
from .project import ParasolProject

RANK_YAML, RANK_BOUNDARIES, RANK_DEFINITION, RANK_GUIDE = 1, 2, 3, 4
RANK_PHASE5 = 0  # additive only (see the module docstring); _merge keeps these candidates out of _pick
BC_FOLDER_PREFIX = re.compile(r"^bc-\d+-")
GRPC_PORT = 9090
RESERVED_SLUGS = ("platform",)  # the platform layer's own Application and folders (copier.yml rejects it too)
IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*$")
# Characters that change the meaning of a name in YAML, a shell or a path (issue #4: refuse, exit 2).
UNSAFE_NAME = re.compile(r"[$`;|<>\"'\\{}\[\]!#*\x00-\x1f\x7f]")
SCALING_WORDS = {"高": "high", "中": "medium", "低": "low", "high": "high", "medium": "medium", "low": "low"}
LEVEL_ORDER = ("low", "medium", "high")
OTHER_STORES = ("MongoDB", "Elasticsearch", "S3", "MinIO", "GCS", "Neo4j", "BigQuery", "Redshift", "InfluxDB",
                "Cassandra", "DynamoDB", "MySQL", "Kafka")
TECH_LABELS = {"言語": "language", "language": "language", "runtime": "language", "ランタイム": "language",
               "フレームワーク": "framework", "framework": "framework", "データベース": "database",
               "database": "database", "db": "database", "api": "api"}


@dataclass
class Candidate:
    """One source's view of one service."""

    source: str  # display path (relative to the project) and where inside it
    rank: int
    name: str
    folder: str | None = None  # an existing folder or id that can become the slug
    fields: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


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


class _Reader:
    """Reads files of one project; every problem becomes an InputError naming the file."""

    def __init__(self, project: ParasolProject) -> None:
        self.project = project
        self.root = project.root.resolve()
        self.read: list[str] = []

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def inside(self, path: Path) -> bool:
        return path == self.root or self.root in path.parents

    def resolve_link(self, path: Path) -> Path:
        """The file ``path`` stands for: itself, a symlink's target, or the target of a Git symlink checked out
        as a one-line text file (how the asashi fixture stores its bounded-context links)."""
        if path.is_symlink():
            target = Path(os.path.normpath(path.parent / os.readlink(path)))
            if not self.inside(target.resolve() if target.exists() else target):
                raise InputError(t("parasol.traversal", value=os.readlink(path), what=self.rel(path)))
            if not target.exists():
                raise InputError(t("parasol.dangling", file=self.rel(path), target=os.readlink(path)))
            return target.resolve()
        pointer = self._pointer(path)
        if pointer is not None:
            target = Path(os.path.normpath(path.parent / pointer))
            if not self.inside(target):
                raise InputError(t("parasol.traversal", value=pointer, what=self.rel(path)))
            if not target.is_file():
                raise InputError(t("parasol.dangling", file=self.rel(path), target=pointer))
            return target
        return path

    def check_folder(self, path: Path) -> None:
        """A linked folder must stay inside the project."""
        if path.is_symlink() and not self.inside(path.resolve()):
            raise InputError(t("parasol.traversal", value=os.readlink(path), what=self.rel(path)))

    def _pointer(self, path: Path) -> str | None:
        try:
            if path.stat().st_size > 1024:
                return None
            data = path.read_bytes()
        except OSError as exc:
            raise InputError(t("parasol.unreadable", file=self.rel(path), reason=exc.strerror or exc)) from None
        text = data.decode("utf-8", errors="replace")
        if "\n" in text.strip() or not text.strip().endswith(".md") or " " in text.strip():
            return None
        return text.strip() if "/" in text else None

    def text(self, path: Path) -> str:
        real = self.resolve_link(path)
        try:
            content = real.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise InputError(t("parasol.unreadable", file=self.rel(path), reason=reason)) from None
        self.read.append(self.rel(path))
        return content


def _walk(folder: Path, filename: str) -> list[Path]:
    """Files called ``filename`` under ``folder`` in sorted order, not following directory links."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames.sort()
        if filename in filenames:
            found.append(Path(dirpath) / filename)
    return sorted(found)


def norm(name: str) -> str:
    """Matching key for names written differently in different documents ("Beer Development Service",
    "beer-development-service")."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", name).casefold())


def topic(event: str) -> str:
    """A Kafka-style topic for an event name: ``YeastStrainRegistered`` → ``yeast-strain-registered``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", event.strip())
    return slugify(spaced)


def scaling_level(text: str) -> str | None:
    """高/中/低 (or high/medium/low), a range such as 低〜中 taking its upper end."""
    found = [SCALING_WORDS[w.lower()] for w in re.findall(r"高|中|低|high|medium|low", text, flags=re.IGNORECASE)]
    if not found:
        return None
    return max(found, key=LEVEL_ORDER.index)


def criticality_of(text: str) -> str | None:
    lowered = text.lower()
    for word, value in (("core", "core"), ("supporting", "supporting"), ("generic", "generic"),
                        ("platform", "generic"), ("コア", "core"), ("支援", "supporting"), ("汎用", "generic")):
        if word in lowered:
            return value
    return None


def stores_in(text: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if re.search(r"postgres|timescale", text, re.IGNORECASE):
        found["database"] = "postgresql"
    if re.search(r"redis", text, re.IGNORECASE):
        found["cache"] = "redis"
    others = [s for s in OTHER_STORES if re.search(rf"\b{re.escape(s)}\b", text, re.IGNORECASE)]
    if others:
        found["other_stores"] = others
    return found


def check_name(name: str, where: str) -> str:
    name = name.strip()
    if ".." in name.replace("\\", "/").split("/") or name.startswith("/") or "/.." in name or "../" in name:
        raise InputError(t("parasol.traversal", value=name, what=where))
    bad = unsafe_content(name)
    match = UNSAFE_NAME.search(name)
    if bad is None and match is not None:
        bad = f"'{match.group(0)}'"
    if bad is not None:
        raise InputError(f"{where}: " + t("parasol.unsafe_name", value=name, what=bad))
    return name


# --- sources ---------------------------------------------------------------------------------------------------


def from_parasol_yaml(project: ParasolProject) -> list[Candidate]:
    services = project.phase("phase4").get("services")
    if services is None:
        return []
    if not isinstance(services, list):
        raise InputError("parasol.yaml: phases.phase4.services: " + t("parasol.services_not_list"))
    found: list[Candidate] = []
    for i, entry in enumerate(services):
        where = f"parasol.yaml: phases.phase4.services[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
            raise InputError(f"{where}: " + t("parasol.service_needs_name"))
        cand = Candidate(where.replace(": ", " "), RANK_YAML, check_name(entry["name"], where))
        if entry.get("type"):
            cand.fields["criticality"] = criticality_of(str(entry["type"]))
        bcs = entry.get("bounded_contexts")
        if isinstance(bcs, list) and bcs:
            cand.fields["bounded_contexts"] = [str(b) for b in bcs]
        found.append(cand)
    return found


def from_service_definitions(reader: _Reader, arch: Path) -> list[Candidate]:
    found: list[Candidate] = []
    for path in _walk(arch, "service-definition.md"):
        text = reader.text(path)
        folder = path.parent.name
        cand = Candidate(reader.rel(path), RANK_DEFINITION, "", folder=folder)
        secs = md.sections(text)
        info: dict[str, str] = {}
        for sec in md.find_sections(secs, "基本情報", "basic information", "overview"):
            info.update(md.key_table(sec.lines))
        title = next((s.title for s in secs if s.level == 1), "")
        name = info.get("サービス名") or info.get("Service Name") or re.split(r"[（(]", title)[0].strip() or folder
        cand.name = check_name(name, cand.source)
        if info.get("日本語名"):
            cand.fields["japanese_name"] = info["日本語名"]
        domain = info.get("ドメインタイプ") or info.get("Domain Type")
        if domain:
            from .readers import domain_types
            from .readers.tables import line_of

            crit, known = domain_types.classify(domain)
            where = f"{cand.source}:{line_of(text, r'ドメインタイプ|Domain Type')}"
            cand.fields.update(domain_type=domain, domain_type_source=where, criticality=crit)
            if not known:
                cand.notes.append(t("parasol.note.domain_type", type=domain, crit=crit, where=where))
        bcs = _definition_bcs(reader, path, secs)
        if bcs:
            cand.fields["bounded_contexts"] = bcs
        for sec in md.find_sections(secs, "api"):
            base = re.search(r"Base URL:\s*(\S+)", "\n".join(sec.lines))
            if base:
                cand.fields["ingress_path"] = base.group(1)
            if "grpc" in sec.title.lower() or re.search(r"^#+\s.*grpc", "\n".join(sec.lines), re.I | re.M):
                cand.fields["grpc"] = True
        cand.fields["publishes"] = _events(md.find_sections(secs, "published events", "発行するイベント"))
        cand.fields["subscribes"] = _events(md.find_sections(secs, "subscribed events", "購読するイベント"))
        stores = "\n".join(line for sec in md.find_sections(secs, "データストア", "data store") for line in sec.lines)
        cand.fields.update(stores_in(stores))
        calls, called_by = _dependencies(md.find_sections(secs, "依存関係", "dependencies"))
        cand.fields["calls_names"], cand.fields["called_by_names"] = calls, called_by
        nfr = "\n".join(line for sec in md.find_sections(secs, "非機能要件", "スケーリング", "scaling")
                        for line in sec.lines)
        req = re.search(r"(?:Requirement|スケーリング要件|要件)\s*:\s*(.+)", nfr)
        if req and scaling_level(req.group(1)):
            cand.fields["scaling"] = scaling_level(req.group(1))
        replicas = re.search(r"Replicas\s*:\s*(\d+)", nfr)
        if replicas:
            cand.fields["replicas_min"] = int(replicas.group(1))
        from .readers import nfr as nfr_reader

        declared, warnings = nfr_reader.read(text, cand.source)
        cand.notes += warnings
        for key, (value, where) in declared.items():
            cand.fields[key] = value
            cand.fields[f"{key}_source"] = where
        stack = _tech_from_blocks(md.find_sections(secs, "技術スタック", "tech stack"))
        if stack:
            cand.fields["tech_stack"] = stack
        found.append(cand)
    return found


def _definition_bcs(reader: _Reader, path: Path, secs: list[md.Section]) -> list[str]:
    names: list[str] = []
    for sec in md.find_sections(secs, "bounded context"):
        for line in md.outside_fences(sec.lines):
            if names and line.strip() and not line[0].isspace() and not re.match(r"^[-*+]\s", line):
                break  # the list has ended ("**統合理由:**" and its bullets follow)
            if not re.match(r"^[-*+]\s", line):  # top-level bullets only; nested ones are references
                continue
            text = line[1:].strip().replace("**", "")
            text = re.split(r"\s+[-–—]\s+|\s*[（(]|:", text)[0].strip()
            text = re.sub(r"\s+BC$", "", text).strip()
            if text and not text.startswith("参照"):
                names.append(text)
    folder = path.parent / "bounded-contexts"
    if folder.is_dir() or folder.is_symlink():
        for entry in sorted(folder.iterdir()):
            reader.text(entry)  # a dangling, escaping or unreadable link is an error, even if not needed
            stem = re.sub(r"-bc$", "", entry.name.removesuffix(".md"))
            if stem not in names:
                names.append(stem)
    return names


def _events(secs: list[md.Section]) -> list[str]:
    events: list[str] = []
    for sec in secs:
        blocks = md.code_blocks(sec.lines)
        nodes = [n for block in blocks for n in md.loose_yaml(block)]
        names = [n.key for n in nodes if n.key] + [n.value for n in nodes if n.key is None]
        if not blocks:
            names = md.bullets(sec.lines)
        for name in names:
            word = re.split(r"[\s:（(]", name.replace("**", "").strip())[0]
            if IDENTIFIER.match(word) and topic(word) not in events:
                events.append(topic(word))
    return events


def _dependencies(secs: list[md.Section]) -> tuple[list[str], list[str]]:
    calls: list[str] = []
    called_by: list[str] = []
    for sec in secs:
        for part in md.sections("\n".join(sec.lines)):
            title = part.title.lower()
            rows = [r[0] for r in md.table(part.lines) if r and r[0]]
            if "提供先" in title or ("downstream" in title and "calls" not in title) or "依存元" in title:
                called_by.extend(rows)
            elif any(w in title for w in ("依存先", "upstream", "利用先", "calls")):
                calls.extend(rows)
    return calls, called_by


def _tech_from_blocks(secs: list[md.Section]) -> dict[str, str]:
    stack: dict[str, str] = {}
    for sec in secs:
        for block in md.code_blocks(sec.lines):
            for node in md.loose_yaml(block):
                if node.key and node.value:
                    stack.setdefault(TECH_LABELS.get(node.key.lower(), node.key.lower()), node.value)
        for label, value in md.bullet_pairs(sec.lines).items():
            stack.setdefault(TECH_LABELS.get(label.lower(), label.lower()), value)
    return stack


def from_service_boundaries(reader: _Reader, path: Path) -> list[Candidate]:
    text = reader.text(path)
    secs = md.sections(text)
    found: list[Candidate] = []
    crit: str | None = None
    for sub in secs:
        if sub.level <= 2:  # "## 3. Core Services詳細" sets the domain type of the "### 3.N" blocks below it
            crit = criticality_of(sub.title) if "service" in sub.title.lower() else None
            continue
        if crit is None:
            continue
        for block in md.code_blocks(sub.lines):
            nodes = md.loose_yaml(block)
            name_node = md.find_key(nodes, "サービス名", "Service Name")
            if name_node is None or not name_node.value:
                continue
            found.extend(_boundary_candidates(nodes, name_node.value, crit, f"{reader.rel(path)} § {sub.title}"))
    return found


def _boundary_candidates(nodes: list[md.Node], name: str, crit: str, source: str) -> list[Candidate]:
    name = check_name(name, source)
    sid = md.find_key(nodes, "サービスID", "Service ID")
    fields: dict[str, Any] = {"criticality": crit}
    bc_node = next((n for n in nodes if n.key and ("含まれるBC" in n.key or "bounded context" in n.key.lower())),
                   None)
    bcs = [re.split(r"\s*[（(]", b)[0].strip() for b in (bc_node.texts() if bc_node else [])]
    api = md.find_key(nodes, "REST API")
    paths = [p.rstrip("*").rstrip("/") for p in (api.texts() if api else []) if p.startswith("/")]
    if len(paths) == 1:
        fields["ingress_path"] = paths[0]
    elif paths:
        fields["rest_roots"] = paths
    pub = md.find_key(nodes, "Events (Publish)", "Published Events")
    sub = md.find_key(nodes, "Events (Subscribe)", "Subscribed Events")
    fields["publishes"] = [topic(e) for e in (pub.texts() if pub else []) if IDENTIFIER.match(e)]
    fields["subscribes"] = [topic(e) for e in (sub.texts() if sub else []) if IDENTIFIER.match(e)]
    store = md.find_key(nodes, "データストア", "Data Store")
    if store:
        fields.update(stores_in(" ".join(f"{c.key}: {c.value}" for c in store.children)))
    scale = md.find_key(nodes, "スケーリング要件", "Scaling")
    if scale and scaling_level(scale.value):
        fields["scaling"] = scaling_level(scale.value)
    stack = md.find_key(nodes, "技術スタック", "Tech Stack")
    if stack:
        fields["tech_stack"] = {TECH_LABELS.get(c.key.lower(), c.key.lower()): c.value
                                for c in stack.children if c.key and c.value and c.key != "理由"}
    instances = md.find_key(nodes, "インスタンス", "Instances")
    if instances and instances.children:
        result = []
        for item in instances.texts():
            ident = item.split()[0]
            label = re.search(r"[（(](.+?)[）)]", item)
            business = ident.rsplit("-", 1)[-1]
            inst_fields = dict(fields)
            inst_fields["bounded_contexts"] = [b.replace("{Business}", business.capitalize()) for b in bcs]
            display = f"{name} ({label.group(1) if label else business})"
            result.append(Candidate(f"{source} / {ident}", RANK_BOUNDARIES, display,
                                    folder=_id_slug(ident), fields=inst_fields))
        return result
    fields["bounded_contexts"] = bcs
    return [Candidate(source, RANK_BOUNDARIES, name, folder=_id_slug(sid.value) if sid else None, fields=fields)]


def _id_slug(ident: str) -> str | None:
    ident = ident.strip()
    slug = ident[4:] if ident.startswith("svc-") else ident
    return slug if is_dns1123_label(slug) else None


def from_guides(reader: _Reader, impl: Path) -> list[Candidate]:
    base = impl / "services"
    found: list[Candidate] = []
    if not base.is_dir():
        return found
    for svc_dir in sorted(p for p in base.iterdir() if p.is_dir()):
        where = reader.rel(svc_dir)
        reader.check_folder(svc_dir)
        cand = Candidate(where, RANK_GUIDE, check_name(svc_dir.name, where), folder=svc_dir.name)
        bcs: list[str] = []
        stack: dict[str, str] = {}
        for bc_dir in sorted(p for p in svc_dir.iterdir() if p.is_dir()):
            reader.check_folder(bc_dir)
            guide = bc_dir / "implementation-guide.md"
            if not (guide.exists() or guide.is_symlink()):
                continue
            bcs.append(check_name(bc_dir.name, reader.rel(bc_dir)))
            text = reader.text(guide)
            this = _tech_from_blocks(md.find_sections(text, "技術スタック", "tech stack"))
            for key, value in this.items():
                if key in stack and stack[key] != value:
                    cand.notes.append(t("parasol.note.tech_conflict", key=key, kept=stack[key], other=value,
                                         file=reader.rel(guide)))
                stack.setdefault(key, value)
        if not bcs:
            continue
        cand.source = f"{where}/*/implementation-guide.md"
        cand.fields["bounded_contexts"] = bcs
        if stack:
            cand.fields["tech_stack"] = stack
            cand.fields.update({k: v for k, v in stores_in(stack.get("database", "")).items() if k != "other_stores"})
        found.append(cand)
    return found


@dataclass
class BoundedContext:
    """One phase-5 bounded context as read from its folder."""

    folder: str  # bc-001-rd-water-science
    source: str  # the README, relative to the project
    name: str  # English name (RD-WaterScience), else the folder without bc-NNN-
    service_names: list[str]  # names and ids from ### 所属サービス
    domain: str | None  # core / supporting / generic
    domain_text: str
    fields: dict[str, Any]
    events_source: str = ""


def from_phase5(reader: _Reader, software: Path) -> tuple[list[BoundedContext], list[str]]:
    base = software / "bounded-contexts"
    found: list[BoundedContext] = []
    notes: list[str] = []
    if not base.is_dir():
        return found, notes
    reader.check_folder(base)
    for folder in sorted(p for p in base.iterdir() if p.is_dir()):
        reader.check_folder(folder)
        readme = folder / "README.md"
        if not (readme.exists() or readme.is_symlink()):
            notes.append(t("parasol.note.bc_no_readme", folder=reader.rel(folder)))
            continue
        found.append(_bounded_context(reader, folder, readme))
    return found, notes


def _bounded_context(reader: _Reader, folder: Path, readme: Path) -> BoundedContext:
    text = reader.text(readme)
    secs = md.sections(text)
    title = next((s.title for s in secs if s.level == 1), "")
    info: dict[str, str] = {}
    for sec in md.find_sections(secs, "概要", "overview"):
        info.update(md.key_table(sec.lines))
    stem = BC_FOLDER_PREFIX.sub("", folder.name)
    name = info.get("英語名") or info.get("English Name") or ""
    if not name:  # "# BC-001: R&D 水科学 [RD-WaterScience]" or "# BC-002 MKT-Beverage 飲料マーケティング"
        bracket = re.search(r"\[([A-Za-z][\w.-]*)\]", title)
        words = [w for w in re.split(r"[\s:：]+", title) if re.fullmatch(r"[A-Za-z][\w.&-]*", w)
                 and not re.fullmatch(r"BC-?\d+", w, re.I)]
        name = bracket.group(1) if bracket else next((w for w in words if norm(w) == norm(stem)), "")
    name = check_name(name or stem, reader.rel(readme))
    service_names: list[str] = []
    for sec in md.find_sections(secs, "所属サービス", "owning service"):
        for item in md.bullets(sec.lines):
            item = item.replace("**", "")
            service_names += [part.strip() for part in re.split(r"[（()）]", item) if part.strip()]
    domain_text = info.get("ドメイン分類") or info.get("Domain Type") or ""
    if not domain_text:
        for sec in md.find_sections(secs, "サブドメイン分類", "subdomain"):
            rows = md.table(sec.lines)
            domain_text = rows[0][0] if rows and rows[0] else ""
    fields: dict[str, Any] = {}
    stack: dict[str, str] = {}
    for sec in md.find_sections(secs, "技術スタック", "tech stack"):
        for row in md.table(sec.lines):
            if len(row) >= 2 and row[0] and row[1]:
                stack.setdefault(TECH_LABELS.get(row[0].lower(), row[0].lower()), row[1])
    if stack:
        fields["tech_stack"] = stack
        stores = stores_in(" ".join(v for k, v in stack.items() if k in ("database", "cache", "search", "event")))
        fields.update(stores)
    bc = BoundedContext(folder.name, reader.rel(readme), name, service_names, criticality_of(domain_text),
                        domain_text, fields)
    events_file = folder / "domain-language" / "domain-events.md"
    if events_file.exists() or events_file.is_symlink():
        events: list[str] = []
        for sec in md.sections(reader.text(events_file)):
            word = sec.title.split()[0] if sec.level == 2 and sec.title.split() else ""
            if re.fullmatch(r"[A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*", word) and topic(word) not in events:
                events.append(topic(word))
        if events:
            fields["publishes"] = events
            bc.events_source = reader.rel(events_file)
    return bc


def _attach_phase5(groups: list[list[Candidate]], contexts: list[BoundedContext], notes: list[str]) -> None:
    """Each bounded context joins one service group as a RANK_PHASE5 candidate (see the module docstring)."""
    def listed(group: list[Candidate]) -> list[str]:
        return [b for c in group for b in c.fields.get("bounded_contexts") or []]

    for bc in contexts:
        wanted = {norm(n) for n in bc.service_names} - {""}
        target = next((g for g in groups if wanted and wanted & set().union(*(_keys(c) for c in g))), None)
        if target is None:
            key = norm(bc.name)
            target = next((g for g in groups if any(norm(b) == key or norm(b.split(".")[0]) == key
                                                    for b in listed(g))), None)
        if target is None:
            stem = norm(BC_FOLDER_PREFIX.sub("", bc.folder))
            target = next((g for g in groups if stem in set().union(*(_keys(c) for c in g))), None)
        if target is None:
            notes.append(t("parasol.note.bc_unmatched", bc=bc.name, file=bc.source))
            continue
        fields = dict(bc.fields, bounded_contexts=[bc.name], domain=bc.domain, domain_text=bc.domain_text,
                      events_source=bc.events_source)
        target.append(Candidate(bc.source, RANK_PHASE5, bc.name, fields=fields))


def guides_present(project: ParasolProject) -> bool:
    base = project.output_dir / "6-implementation" / "services"
    return base.is_dir() and any(base.glob("*/*/implementation-guide.md"))


# --- merge -------------------------------------------------------------------------------------------------------


def discover(project: ParasolProject) -> Discovery:
    """Every service of ``project``; InputError for unreadable sources, bad names, no services, slug clashes."""
    reader = _Reader(project)
    out = project.output_dir
    arch = out / "4-architecture"
    candidates: list[Candidate] = from_parasol_yaml(project)
    if arch.is_dir():
        boundaries = arch / "service-boundaries.md"
        if boundaries.exists() or boundaries.is_symlink():
            candidates += from_service_boundaries(reader, boundaries)
        candidates += from_service_definitions(reader, arch)
    candidates += from_guides(reader, out / "6-implementation")
    contexts, phase5_notes = from_phase5(reader, out / "5-software")
    from . import layouts

    extra = layouts.read(reader, out)
    candidates += extra.candidates
    if not candidates:
        where = ", ".join(["parasol.yaml phases.phase4.services", "outputs/4-architecture/service-boundaries.md",
                           "outputs/4-architecture/**/service-definition.md", *extra.places,
                           "outputs/6-implementation/services/<Service>/<BC>/implementation-guide.md"])
        raise InputError(t("parasol.no_services", where=where))
    groups = _group(candidates)
    for group in groups:  # listed in a summary table only: a service with defaults, and the user is told
        only = next((c for c in group if c.fields.get("overview_only")), None)
        if only is not None and not any(c.rank > layouts.RANK_OVERVIEW for c in group):
            only.notes.append(layouts.overview_only_note(only.source, only.name))
    _attach_phase5(groups, contexts, phase5_notes)
    services = [_merge(group) for group in groups]
    _check_slugs(services)
    _resolve_calls(services, groups)
    services.sort(key=lambda s: s.service.name)
    project_name = project.name if is_dns1123_label(project.name) else slugify(project.name)
    return Discovery(project_name, services, sorted(set(reader.read) | {"parasol.yaml"}),
                     phase5_notes + extra.notes, extra.decisions)


def _keys(cand: Candidate) -> set[str]:
    keys = {norm(cand.name)}
    if cand.folder:
        keys.add(norm(cand.folder))
    return keys - {""}


def _group(candidates: list[Candidate]) -> list[list[Candidate]]:
    groups: list[list[Candidate]] = []
    group_keys: list[set[str]] = []
    for cand in candidates:
        keys = _keys(cand)
        hits = [i for i, gk in enumerate(group_keys) if gk & keys]
        if not hits:
            groups.append([cand])
            group_keys.append(keys)
            continue
        first = hits[0]
        for other in reversed(hits[1:]):  # a candidate that bridges two groups joins them
            groups[first] += groups.pop(other)
            group_keys[first] |= group_keys.pop(other)
        groups[first].append(cand)
        group_keys[first] |= keys
    return groups


def _pick(group: list[Candidate], key: str) -> tuple[Any, Candidate | None, list[tuple[Any, Candidate]]]:
    """The strongest source's value for ``key`` and the disagreeing weaker values."""
    ranked = sorted(group, key=lambda c: -c.rank)
    with_value = [(c.fields[key], c) for c in ranked if c.fields.get(key) not in (None, "", [], {})]
    if not with_value:
        return None, None, []
    value, winner = with_value[0]
    losers = [(v, c) for v, c in with_value[1:] if v != value]
    return value, winner, losers


def _merge(group: list[Candidate]) -> DiscoveredService:
    phase5 = [c for c in group if c.rank == RANK_PHASE5]
    sources = sorted({c.source for c in group} | {str(c.fields["events_source"]) for c in phase5
                                                  if c.fields.get("events_source")})
    group = [c for c in group if c.rank != RANK_PHASE5]
    ranked = sorted(group, key=lambda c: -c.rank)
    provenance: list[str] = []
    notes: list[str] = [n for c in ranked for n in c.notes]

    def record(label: str, value: Any, winner: Candidate | None, losers: list[tuple[Any, Candidate]]) -> None:
        if winner is None:
            provenance.append(f"{label}: {_show(value)} ← {t('parasol.prov.default')}")
            return
        line = f"{label}: {_show(value)} ← {winner.source}"
        if losers:
            line += f" ({t('parasol.prov.over')} " + "; ".join(f"{_show(v)} ← {c.source}" for v, c in losers) + ")"
        provenance.append(line)

    slug_source = next((c for c in ranked if c.folder and is_dns1123_label(c.folder)), None)
    display = next((c.name for c in ranked if c.rank == RANK_DEFINITION), None) or next(
        (c.name for c in sorted(group, key=lambda c: c.rank) if c.rank != RANK_GUIDE), ranked[0].name)
    if slug_source is not None:
        slug = slug_source.folder or ""
        provenance.append(f"name: {slug} ← " + t("parasol.prov.folder", source=slug_source.source))
    else:
        slug = slugify(display)
        provenance.append(f"name: {slug} ← " + t("parasol.prov.slug", name=display))
    svc = Service(name=slug, display_name=display)

    crit, winner, losers = _pick(group, "criticality")
    svc.criticality = crit or "supporting"
    record("criticality", svc.criticality, winner, losers)
    bcs, winner, losers = _pick(group, "bounded_contexts")
    same = [v for v, _ in losers if sorted(v) == sorted(bcs or [])]
    if same:  # phase-6 folders come sorted; a document with the same contexts has the designed order
        bcs = same[0]
        losers = [(v, c) for v, c in losers if sorted(v) != sorted(bcs)]
    svc.bounded_contexts = list(bcs or [])
    record("bounded_contexts", svc.bounded_contexts, winner, losers)

    path, winner, losers = _pick(group, "ingress_path")
    if path and not re.fullmatch(r"/[A-Za-z0-9/_.-]*", path):
        notes.append(t("parasol.note.bad_ingress", path=path, source=winner.source if winner else "?", slug=slug))
        path, winner, losers = None, None, []
    roots, roots_from, _ = _pick(group, "rest_roots")
    if not path and roots:
        notes.append(t("parasol.note.rest_roots", count=len(roots), source=roots_from.source if roots_from else "?",
                       paths=", ".join(roots), slug=slug))
    svc.ingress_path = path or ""
    record("ingress_path", path or f"/{slug}", winner, losers)

    grpc, winner, _ = _pick(group, "grpc")
    svc.grpc_port = GRPC_PORT if grpc else None
    if grpc:
        record("grpc_port", GRPC_PORT, winner, [])

    pubs, winner, losers = _pick(group, "publishes")
    subs, winner2, losers2 = _pick(group, "subscribes")
    svc.events = Events(publishes=list(pubs or []), subscribes=list(subs or []))
    record("events.publishes", svc.events.publishes, winner, losers)
    record("events.subscribes", svc.events.subscribes, winner2, losers2)

    db, winner, losers = _pick(group, "database")
    svc.database = db or "none"
    record("database", svc.database, winner, losers)
    cache, winner, losers = _pick(group, "cache")
    svc.cache = cache or "none"
    record("cache", svc.cache, winner, losers)
    others, other_from, _ = _pick(group, "other_stores")
    if others:
        notes.append(t("parasol.note.other_stores", stores=", ".join(others),
                       source=other_from.source if other_from else "?"))

    level, winner, losers = _pick(group, "scaling")
    svc.scaling = level or "medium"
    record("scaling", svc.scaling, winner, losers)
    domain_type, winner, losers = _pick(group, "domain_type")
    if domain_type:
        svc.domain_type = str(domain_type)
        where = winner.fields.get("domain_type_source") if winner else None
        provenance.append(f"domain_type: {svc.domain_type} ← {where or (winner.source if winner else '?')}" + (
            f" ({t('parasol.prov.over')} " + "; ".join(f"{_show(v)} ← {c.source}" for v, c in losers) + ")"
            if losers else ""))
    for key in ("slo", "autoscaling"):  # the project's own numbers, with the line they came from
        value, winner, _ = _pick(group, key)
        if value:
            setattr(svc, key, value)
            where = winner.fields.get(f"{key}_source") if winner else None
            provenance.append(f"{key}: {_show(value)} ← {where or (winner.source if winner else '?')}")

    stack, winner, losers = _pick(group, "tech_stack")
    svc.tech_stack = {str(k): str(v) for k, v in sorted((stack or {}).items())}
    if stack:
        record("tech_stack", svc.tech_stack, winner, losers)

    japanese, winner, losers = _pick(group, "japanese_name")
    if japanese and japanese != display:
        svc.japanese_name = check_name(str(japanese), winner.source if winner else "?")
        record("japanese_name", svc.japanese_name, winner, losers)
    _add_phase5(svc, phase5, provenance, notes)

    min_replicas, winner, _ = _pick(group, "replicas_min")
    production = max(svc.hpa_min, int(min_replicas or 0), 2 if svc.criticality == "core" else 1)
    if svc.autoscaling.get("min"):  # a declared range is the production floor, also below the level's default
        production = max(int(svc.autoscaling["min"]), 2 if svc.criticality == "core" else 1)
    svc.replicas = {"dev": 1, "staging": 2 if svc.criticality == "core" else 1, "production": production}
    svc.strategy = "canary" if svc.criticality == "core" else "rolling"
    provenance.append(f"strategy: {svc.strategy} ← criticality: {svc.criticality}")
    for bad_field in ("display_name", "ingress_path", "japanese_name"):
        value = str(getattr(svc, bad_field))
        if unsafe_content(value):
            raise InputError(t("parasol.unsafe_name", value=value, what=unsafe_content(value)))
    for bc in svc.bounded_contexts:
        if unsafe_content(bc):
            raise InputError(f"{ranked[0].source}: " + t("parasol.unsafe_name", value=bc, what=unsafe_content(bc)))
    return DiscoveredService(svc, sources, provenance, notes)


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
            for key in _keys(cand):
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
