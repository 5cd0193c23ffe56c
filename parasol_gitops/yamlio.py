"""Deterministic YAML with ruamel.yaml: one dumper configuration for every file the product writes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from .errors import SpecError


def dumper() -> YAML:
    """A round-trip YAML emitter with the settings every generated file shares."""
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.width = 4096  # never fold long scripts or expressions: folding changes nothing but diffs
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    return yaml


def dump(data: Any, *, header: str | None = None) -> str:
    """``data`` as YAML text ending in one newline, ``header`` (without '# ') as leading comments."""
    buf = io.StringIO()
    if header:
        for line in header.splitlines():
            buf.write(f"# {line}".rstrip() + "\n")
    dumper().dump(data, buf)
    return buf.getvalue()


def dump_all(docs: list[Any], *, header: str | None = None) -> str:
    buf = io.StringIO()
    if header:
        for line in header.splitlines():
            buf.write(f"# {line}".rstrip() + "\n")
    dumper().dump_all(docs, buf)
    return buf.getvalue()


def load_file(path: Path, *, display: str | None = None) -> Any:
    """Parse a YAML file (round-trip types) or raise :class:`SpecError` naming the file and the line."""
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(shown, "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(shown, "", f"cannot read: {exc}") from None
    return load_text(text, display=shown)


def load_text(text: str, *, display: str) -> Any:
    try:
        return dumper().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1) if mark is not None else "?"
        raise SpecError(display, "", f"malformed YAML at line {line}: {exc.problem or exc.context}") from None
    except YAMLError as exc:
        raise SpecError(display, "", f"malformed YAML: {exc}") from None
