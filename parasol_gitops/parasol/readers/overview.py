"""Services listed in phase-4 summary documents rather than in one definition file each.

- ``architecture-overview.md``: the services table (a ``サービス名`` / ``Service`` column, optional ``BC`` and
  ``TVDC`` / ``ドメインタイプ`` / ``Domain Type`` columns). A service listed here without a definition file is
  still a service: defaults fill what the table does not say, and a warning says so.
- ``architecture-design.md`` (one document for the whole of phase 4): the table of bounded contexts
  (``| VS | BC | ドメインタイプ | … |``, cells such as ``BC1: Fermentation Platform``); each bounded context is
  deployed as one service, and the data-store table (``| VS | BC | Primary Store | Secondary Store |``) gives
  its stores.
A row whose cell count differs from its header is skipped with a warning naming the file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...messages import t
from ...names import is_dns1123_label
from . import domain_types
from .tables import Table, tables

OVERVIEW_FILE = "architecture-overview.md"
DESIGN_FILE = "architecture-design.md"
NAME_COLUMNS = ("サービス名", "service name", "service")
TYPE_COLUMNS = ("tvdc", "ドメインタイプ", "domain type", "domain", "type", "分類")
BC_ID = re.compile(r"^(BC-?\d+)\s*[:：]?\s*(.*)$", re.IGNORECASE)


def bad_rows(table: Table, rel: str) -> list[str]:
    return [t("parasol.note.bad_row", file=rel, line=row.line, cells=len(row.cells), header=len(table.header))
            for row in table.bad_rows]


def overview_rows(text: str, rel: str) -> tuple[list[dict[str, Any]], list[str]]:
    """One dict per service row: name, line, bounded_contexts, domain_type."""
    rows: list[dict[str, Any]] = []
    notes: list[str] = []
    for table in tables(text):
        name_col = table.column(*NAME_COLUMNS)
        if name_col is None:
            continue
        bc_col = next((i for i, c in enumerate(table.header) if c.strip().lower() in ("bc", "bounded context",
                                                                                       "bounded contexts")), None)
        type_col = table.column(*TYPE_COLUMNS)
        notes += bad_rows(table, rel)
        for row in table.rows:
            name = row.cells[name_col].strip("` ")
            if not name or name == "-":
                continue
            entry: dict[str, Any] = {"name": name, "line": row.line, "bounded_contexts": []}
            if bc_col is not None and row.cells[bc_col] not in ("", "-", "—"):
                entry["bounded_contexts"] = [b.strip() for b in re.split(r"[,、/]", row.cells[bc_col]) if b.strip()]
            if type_col is not None and row.cells[type_col]:
                entry["domain_type"] = row.cells[type_col]
            rows.append(entry)
    return rows, notes


def design_rows(text: str, rel: str) -> tuple[list[dict[str, Any]], list[str]]:
    """One dict per bounded context of an ``architecture-design.md``: id, name, line, domain_type, stores."""
    found: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    store_rows: list[tuple[str, str]] = []
    for table in tables(text):
        bc_col = next((i for i, c in enumerate(table.header) if c.strip().upper() == "BC"), None)
        if bc_col is None:
            continue
        notes += bad_rows(table, rel)
        type_col = table.column("ドメインタイプ", "domain type", "tvdc")
        store_cols = [i for i, c in enumerate(table.header) if "store" in c.lower() or "ストア" in c]
        for row in table.rows:
            match = BC_ID.match(row.cells[bc_col])
            if not match:
                continue
            ident, name = match.group(1).upper().replace("-", ""), match.group(2).strip()
            if name and type_col is not None:
                found.setdefault(ident, {"id": ident, "name": name, "line": row.line,
                                         "domain_type": row.cells[type_col]})
            if store_cols:
                store_rows.append((ident, " ".join(row.cells[i] for i in store_cols)))
    for ident, stores in store_rows:
        if ident in found:
            found[ident]["stores"] = stores
    return list(found.values()), notes


def classify(domain_type: str, where: str, notes: list[str]) -> str:
    crit, known = domain_types.classify(domain_type)
    if not known:
        notes.append(t("parasol.note.domain_type", type=domain_type, crit=crit, where=where))
    return crit


def slug_folder(name: str) -> str | None:
    return name if is_dns1123_label(name) else None


def present(arch: Path, name: str) -> Path | None:
    path = arch / name
    return path if path.exists() or path.is_symlink() else None
