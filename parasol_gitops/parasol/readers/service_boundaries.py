"""``outputs/4-architecture/service-boundaries.md``: one YAML-ish block per service, grouped by Core / Supporting /
Platform sections; ``インスタンス`` expands one definition into one service per instance."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...names import is_dns1123_label
from .. import markdown as md
from ..candidate import RANK_BOUNDARIES, Candidate
from ..heuristics import IDENTIFIER, TECH_LABELS, check_name, criticality_of, scaling_level, stores_in, topic
from .files import Reader


def read(reader: Reader, path: Path) -> list[Candidate]:
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
