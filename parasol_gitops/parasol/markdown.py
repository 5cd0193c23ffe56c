"""Tolerant readers for the Markdown that Parasol phases write.

The documents are written by people and language models: code fences are sometimes left open, YAML blocks
are often not valid YAML (``スケーリング要件: 低〜中`` followed by a list), tables carry bold markers. So the
readers here never fail: they return what they can recognise and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)(.*)$")
KEY_VALUE = re.compile(r"^([^:#][^:]*?)\s*:(?:\s+(.*))?$")


@dataclass
class Section:
    level: int
    title: str
    lines: list[str]
    line: int  # 1-based line of the heading (0 for the preamble)


def sections(text: str) -> list[Section]:
    """Split at headings. Level-2+ headings count even inside a fence (a fence left open must not hide the
    rest of the document); a level-1 ``# `` line inside a fence is a YAML or shell comment and does not."""
    result = [Section(0, "", [], 0)]
    in_fence = False
    for number, line in enumerate(text.splitlines(), start=1):
        fence = FENCE.match(line)
        if fence:
            # "```yaml" inside an open block starts a new block (the old one was never closed)
            in_fence = not in_fence or bool(fence.group(2).strip())
            result[-1].lines.append(line)
            continue
        match = HEADING.match(line)
        if match and (len(match.group(1)) >= 2 or not in_fence):
            result.append(Section(len(match.group(1)), match.group(2).strip(), [], number))
            in_fence = False
            continue
        result[-1].lines.append(line)
    return result


def find_sections(text_or_sections: str | list[Section], *needles: str) -> list[Section]:
    """Sections whose title contains any of ``needles`` (case-insensitive), with their sub-sections' lines."""
    secs = sections(text_or_sections) if isinstance(text_or_sections, str) else text_or_sections
    found: list[Section] = []
    lowered = [n.lower() for n in needles]
    for i, sec in enumerate(secs):
        if sec.level and any(n in sec.title.lower() for n in lowered):
            lines = list(sec.lines)
            for sub in secs[i + 1:]:
                if sub.level <= sec.level:
                    break
                lines.append("#" * sub.level + " " + sub.title)
                lines.extend(sub.lines)
            found.append(Section(sec.level, sec.title, lines, sec.line))
    return found


def code_blocks(lines: list[str]) -> list[list[str]]:
    """Contents of fenced blocks; a fence still open at the end counts up to the end."""
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        fence = FENCE.match(line)
        if fence:
            if current is None:
                current = []
            elif not fence.group(2).strip():
                blocks.append(current)
                current = None
            else:  # "```yaml" while a block is open: the previous block was never closed
                blocks.append(current)
                current = []
            continue
        if current is not None:
            current.append(line)
    if current is not None:
        blocks.append(current)
    return blocks


def outside_fences(lines: list[str]) -> list[str]:
    out: list[str] = []
    in_fence = False
    for line in lines:
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if not in_fence:
            out.append(line)
    return out


@dataclass
class Node:
    key: str | None  # None for a list item or a bare line
    value: str
    children: list[Node] = field(default_factory=list)

    def find(self, *keys: str) -> Node | None:
        return find_key(self.children, *keys)

    def texts(self) -> list[str]:
        """Values of the children (list items, or keys when the children are a mapping)."""
        return [c.value if c.key is None else c.key for c in self.children]


def loose_yaml(lines: list[str]) -> list[Node]:
    """An indentation tree of ``key: value`` lines and ``- item`` lines; comments and blanks dropped."""
    root = Node(None, "")
    stack: list[tuple[int, Node]] = [(-1, root)]
    for raw in lines:
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if stripped.startswith("- ") or stripped == "-":
            indent += 1  # an item sits one level below a key at the same column
            node = Node(None, stripped[1:].strip())
        else:
            match = KEY_VALUE.match(stripped)
            node = Node(match.group(1).strip(), (match.group(2) or "").strip()) if match else Node(None, stripped)
        while stack[-1][0] >= indent:
            stack.pop()
        stack[-1][1].children.append(node)
        stack.append((indent, node))
    return root.children


def find_key(nodes: list[Node], *keys: str) -> Node | None:
    """The first node (depth-first) whose key equals one of ``keys`` (case-insensitive)."""
    wanted = {k.lower() for k in keys}
    for node in nodes:
        if node.key is not None and node.key.lower() in wanted:
            return node
        hit = find_key(node.children, *keys)
        if hit is not None:
            return hit
    return None


def table(lines: list[str]) -> list[list[str]]:
    """Rows of the pipe tables in ``lines`` (header and separator rows dropped), cells without ``**``."""
    rows: list[list[str]] = []
    for line in lines:
        stripped = line.strip()
        if not stripped.startswith("|"):
            continue
        cells = [c.strip().replace("**", "").strip() for c in stripped.strip("|").split("|")]
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            if rows:
                rows.pop()  # the row before a separator is a header
            continue
        rows.append(cells)
    return rows


def key_table(lines: list[str]) -> dict[str, str]:
    """A two-column ``| 項目 | 値 |`` table as a dict."""
    return {row[0]: row[1] for row in table(lines) if len(row) >= 2}


BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")


def bullets(lines: list[str]) -> list[str]:
    return [m.group(1).strip() for m in (BULLET.match(line) for line in outside_fences(lines)) if m]


def bullet_pairs(lines: list[str]) -> dict[str, str]:
    """``- **言語**: Python 3.12`` / ``- 言語: Python`` bullets as {label: value}."""
    pairs: dict[str, str] = {}
    for item in bullets(lines):
        text = item.replace("**", "")
        for sep in (":", "："):
            if sep in text:
                label, value = text.split(sep, 1)
                if label.strip() and value.strip():
                    pairs.setdefault(label.strip(), value.strip())
                break
    return pairs
