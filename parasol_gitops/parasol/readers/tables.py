"""Pipe tables with their line numbers, for readers that must name the line of a value or of a malformed row."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SEPARATOR = re.compile(r":?-{2,}:?")
FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class Row:
    line: int  # 1-based
    cells: list[str]


@dataclass
class Table:
    line: int  # 1-based line of the header
    header: list[str]
    rows: list[Row] = field(default_factory=list)
    bad_rows: list[Row] = field(default_factory=list)  # cell count differs from the header's

    def column(self, *needles: str) -> int | None:
        """Index of the first header cell containing any of ``needles`` (case-insensitive)."""
        lowered = [n.lower() for n in needles]
        for i, cell in enumerate(self.header):
            if any(n in cell.lower() for n in lowered):
                return i
        return None


def _cells(line: str) -> list[str]:
    return [c.strip().replace("**", "").strip() for c in line.strip().strip("|").split("|")]


def tables(text: str) -> list[Table]:
    """Every pipe table outside code fences: a row, then a separator row, then body rows."""
    found: list[Table] = []
    lines = text.splitlines()
    fenced = False
    current: Table | None = None
    for i, raw in enumerate(lines):
        if FENCE.match(raw):
            fenced = not fenced
            current = None
            continue
        stripped = raw.strip()
        if fenced or not stripped.startswith("|"):
            current = None
            continue
        cells = _cells(stripped)
        if current is None:
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if nxt.startswith("|") and all(SEPARATOR.fullmatch(c) for c in _cells(nxt) if c):
                current = Table(i + 1, cells)
                found.append(current)
            continue
        if all(SEPARATOR.fullmatch(c) for c in cells if c):
            continue
        row = Row(i + 1, cells)
        (current.rows if len(cells) == len(current.header) else current.bad_rows).append(row)
    return found


def line_of(text: str, pattern: str, start: int = 0) -> int:
    """1-based line of the first match of ``pattern`` at or after line ``start`` (0 when absent)."""
    regex = re.compile(pattern)
    for number, line in enumerate(text.splitlines(), start=1):
        if number >= start and regex.search(line):
            return number
    return 0
