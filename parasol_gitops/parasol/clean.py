"""Recover YAML that was captured from a terminal pager (``bat``/``less``): ANSI colour codes and a
``   N │ `` line-number border around every line.

Decision (issue #4): such a file is cleaned and the run proceeds, saying so on stderr. The border carries the
original line numbers, so a YAML error in the cleaned text is still reported at the line the user sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
# "   12   │ text" (bat) — number, spaces, a box-drawing vertical bar, one optional space, the content.
BORDER = re.compile(r"^\s*(\d+)\s+[│|┃]\s?(.*)$")
BOX_ONLY = re.compile(r"^[\s─━┬┼┴┌┐└┘├┤│┃═]*$")


@dataclass(frozen=True)
class Cleaned:
    text: str
    contaminated: bool
    # What was removed, in this order, as kinds the reader's language names (catalogue parasol.cleaned.<kinds joined
    # by _>): ("ansi",), ("border",) or ("ansi", "border").
    removed: tuple[str, ...] = ()
    line_numbers: tuple[int, ...] = ()  # cleaned line i (0-based) → original number


def clean_terminal_capture(raw: str) -> Cleaned:
    """The YAML hidden in ``raw``; ``raw`` itself (uncontaminated) when it holds no capture artefacts."""
    removed: tuple[str, ...] = ()
    text = raw
    if ANSI.search(text):
        text = ANSI.sub("", text)
        removed = ("ansi",)
    lines = text.splitlines()
    bordered = [BORDER.match(line) for line in lines]
    numbered = [m for m in bordered if m]
    # A border only counts when it frames (nearly) every non-box line; a YAML file may contain a '|' by itself.
    framed = [line for line in lines if not BOX_ONLY.match(line)]
    if numbered and len(numbered) >= max(1, len(framed) - 1):
        content = [m.group(2) for m in numbered]
        numbers = tuple(int(m.group(1)) for m in numbered)
        return Cleaned("\n".join(content) + "\n", True, (*removed, "border"), numbers)
    if not removed:
        return Cleaned(raw, False)
    return Cleaned(text if text.endswith("\n") else text + "\n", True, removed, tuple(range(1, len(lines) + 1)))


def original_line(cleaned: Cleaned, line: int) -> int:
    """The line number the user sees in the captured file for 1-based ``line`` of the cleaned text."""
    if cleaned.line_numbers and 1 <= line <= len(cleaned.line_numbers):
        return cleaned.line_numbers[line - 1]
    return line
