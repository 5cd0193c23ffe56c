"""The language a Parasol project is written in, judged from its own prose.

A prose line is a line outside code fences that is not a table separator and holds words: it counts as Japanese
when it contains kana or kanji, as English when it holds at least two ASCII words and no Japanese. Service
names, code and YAML keys are English in Japanese projects too, so lines (not characters) are compared, and
fenced blocks and YAML keys are left out. Japanese wins when it has more lines than English.
"""

from __future__ import annotations

import re
from pathlib import Path

JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}")
MAX_FILES = 60  # enough to judge; a huge phase 4 must not slow every command down
MAX_BYTES = 200_000


def count_lines(text: str, *, yaml: bool = False) -> tuple[int, int]:
    ja = en = 0
    fenced = False
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced or not line or (line.startswith("#") and yaml) or set(line) <= set("|-: "):
            continue
        if yaml:  # only the values are prose; keys are the schema
            line = line.split(":", 1)[1] if ":" in line else line.lstrip("- ")
        if JAPANESE.search(line):
            ja += 1
        elif len(WORD.findall(line)) >= 2:
            en += 1
    return ja, en


def prose_language(yaml_text: str, phase4: Path) -> tuple[str, int, int] | None:
    """("ja" | "en", Japanese lines, English lines), or None when there is no prose to judge."""
    ja, en = count_lines(yaml_text, yaml=True)
    if phase4.is_dir():
        files = sorted(p for p in phase4.rglob("*.md") if p.is_file())[:MAX_FILES]
        for path in files:
            try:
                text = path.read_bytes()[:MAX_BYTES].decode("utf-8", errors="replace")
            except OSError:
                continue  # discovery reports unreadable files; the language guess does not need them
            j, e = count_lines(text)
            ja, en = ja + j, en + e
    if ja + en == 0:
        return None
    return ("ja" if ja > en else "en"), ja, en
