"""Plain-text tables for the terminal, where East Asian wide characters (Japanese service names, gate names
under ``--lang ja``) take two columns: the one place that measures text width."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def width(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int) -> str:
    """``text`` filled with spaces to ``columns`` terminal columns."""
    return text + " " * (columns - width(text))


def rows(table: Sequence[Sequence[str]], gap: str = "  ") -> list[str]:
    """Each row as one line, columns aligned to their widest cell, trailing spaces dropped."""
    widths = [max(width(row[i]) for row in table) for i in range(len(table[0]))] if table else []
    return [gap.join(pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in table]
