"""All YAML in and out of the product: one dumper configuration (ruamel.yaml) for every file it writes, and the
bounded loaders for every YAML file it reads (specs, answers, overlays, values files, records, parasol.yaml).

One library per direction, and why: files are *written* with ruamel.yaml only, because a file the tool edits
(``bump``, ``parasol.yaml``) must keep its comments, key order and quoting, and a file it creates should look
like one it edits. Files that are only *read* go through libyaml (:func:`load_data_text`, below), because
ruamel's pure-Python scanner is about 20 times slower; ruamel reads only what is written back. No other module
imports ``yaml`` or ``ruamel.yaml`` to read or write a document.

Limits on input, checked before or while parsing so that a hostile file costs little (each a ``SpecError``,
exit 2, one line naming the file):

- :data:`MAX_BYTES` (1 MiB) per file, checked on the size before reading (only regular files are read);
- :data:`MAX_LINE` (16 Ki characters) per line, checked before ruamel sees the text: ruamel's scanner is
  quadratic on one long line (a 1 MB comment line took 16.5 s);
- :data:`MAX_DEPTH` (100) levels of nesting, counted while composing, far below where Python's recursion
  limit ends ruamel and the code walking the data (about 300 levels);
- :data:`MAX_ALIAS_NODES` (100,000): the nodes that aliases would expand to, counted while composing (an alias
  adds the size of its anchored node), so a billion-laughs document is refused after reading a few lines
  instead of being expanded by the first code that walks it.

Typical files are far below all four: the 300-service pipeline spec of ``bench/`` is about 50 KB, 10 levels deep.

Two ways in. :func:`load_text`/:func:`load_file` give ruamel's round-trip types, for files the tool edits and
writes back (``bump``, ``parasol.yaml``). :func:`load_data_text`/:func:`load_data_file` give plain data for files
it only reads (pipeline specs, answers): they parse with libyaml (PyYAML's C parser, about 20 times faster than
ruamel's pure-Python scanner, whose cost — some 30 µs per byte — made a 70 KB spec take over 2 s of CPU), with
the YAML 1.2 core schema ruamel uses (``yes``/``no``/``on`` stay strings, ``010`` is ten, no sexagesimal
numbers), ruamel's refusal of duplicate keys, and the same limits, checked on libyaml's events before anything is
constructed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

import yaml  # typed by types-PyYAML (a test extra): PyYAML ships no stubs of its own
from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent

from .errors import SpecError
from .messages import t

MAX_BYTES = 1024 * 1024
MAX_LINE = 16 * 1024
MAX_DEPTH = 100
MAX_ALIAS_NODES = 100_000


class _Limit(YAMLError):
    """A limit was hit while composing; carries the finished message (the file name is added by the caller)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BoundedComposer(Composer):
    """ruamel's composer counting depth and alias expansion as it builds nodes (see the module docstring)."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader)
        self._depth = 0
        self._nodes = 0  # nodes of the document as if every alias were expanded
        self._aliased = 0
        self._size: dict[Any, int] = {}  # anchor → expanded size of its node

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        line = event.start_mark.line + 1 if event.start_mark is not None else "?"
        nesting = isinstance(event, CollectionStartEvent)  # a level is a mapping or a sequence, not a scalar
        self._depth += nesting
        try:
            if self._depth > MAX_DEPTH:
                raise _Limit(t("yaml.too_deep", limit=MAX_DEPTH, line=line))
            if self.parser.check_event(AliasEvent):
                size = self._size.get(event.anchor, 1)
                self._aliased += size
                self._nodes += size
                if self._aliased > MAX_ALIAS_NODES:
                    raise _Limit(t("yaml.too_many_aliases", limit=MAX_ALIAS_NODES, line=line))
                return super().compose_node(parent, index)
            before = self._nodes
            self._nodes += 1
            node = super().compose_node(parent, index)
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                self._size[anchor] = self._nodes - before
            return node
        finally:
            self._depth -= nesting


def check_size(data: bytes | str, *, display: str) -> None:
    """Refuse ``data`` above :data:`MAX_BYTES` or with a line above :data:`MAX_LINE`, before any parsing."""
    size = len(data.encode("utf-8")) if isinstance(data, str) and len(data) * 4 > MAX_BYTES else len(data)
    if size > MAX_BYTES:
        raise SpecError(display, "", t("yaml.too_large", size=size, limit=MAX_BYTES))
    newline = b"\n" if isinstance(data, bytes) else "\n"
    start = 0
    number = 1
    # find() per line in C, not a Python loop over characters: a 1 MiB file is checked in about a millisecond
    while True:
        end = data.find(newline, start)  # type: ignore[arg-type]
        stop = len(data) if end < 0 else end
        if stop - start > MAX_LINE:
            raise SpecError(display, "", t("yaml.line_too_long", line=number, length=stop - start, limit=MAX_LINE))
        if end < 0:
            return
        start = end + 1
        number += 1


def _data_loader() -> Any:
    """PyYAML's C loader (the pure one where libyaml is missing) with YAML 1.2 core schema resolution."""
    import re

    base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc]
        yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}

    resolvers = (
        ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)"
                  r"|\.(?:nan|NaN|NAN))$", "-+.0123456789"),
        ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        ("timestamp", r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
                      r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$", "0123456789"),
        ("merge", r"^(?:<<)$", "<"),
    )
    for name, pattern, first in resolvers:
        Loader.add_implicit_resolver(f"tag:yaml.org,2002:{name}", re.compile(pattern), list(first))

    def construct_int(loader: Any, node: Any) -> int:
        value = loader.construct_scalar(node)
        return int(value, 0) if value[:2] in ("0o", "0x") else int(value, 10)

    def construct_float(loader: Any, node: Any) -> float:
        value = str(loader.construct_scalar(node)).lower()
        if value.endswith(".inf"):
            return float("-inf") if value.startswith("-") else float("inf")
        return float("nan") if value == ".nan" else float(value)

    Loader.add_constructor("tag:yaml.org,2002:int", construct_int)
    Loader.add_constructor("tag:yaml.org,2002:float", construct_float)
    return Loader


_DATA_LOADER: Any = None


def _check_events(text: str, loader_cls: Any) -> None:
    """The limits (depth, alias expansion) and ruamel's duplicate-key refusal, on libyaml's event stream."""
    ev = yaml.events

    depth = 0
    nodes = aliased = 0
    size: dict[str, int] = {}
    # per open collection: [anchor, nodes at start, is mapping, keys seen, next scalar is a key]
    stack: list[list[Any]] = []

    def as_key(event: Any) -> None:
        top = stack[-1] if stack else None
        if top is None or not top[2]:
            return
        if top[4] and isinstance(event, ev.ScalarEvent):
            if event.value in top[3] and event.value != "<<":
                raise _Limit(t("yaml.duplicate_key", line=_line(event), key=event.value))
            top[3].add(event.value)
        top[4] = not top[4]

    for event in yaml.parse(text, Loader=loader_cls):
        line = _line(event)
        if isinstance(event, ev.AliasEvent):
            as_key(event)
            grow = size.get(event.anchor or "", 1)
            nodes += grow
            aliased += grow
            if aliased > MAX_ALIAS_NODES:
                raise _Limit(t("yaml.too_many_aliases", limit=MAX_ALIAS_NODES, line=line))
        elif isinstance(event, ev.ScalarEvent):
            as_key(event)
            nodes += 1
            if event.anchor is not None:
                size[event.anchor] = 1
        elif isinstance(event, ev.CollectionStartEvent):
            as_key(event)
            depth += 1
            if depth > MAX_DEPTH:
                raise _Limit(t("yaml.too_deep", limit=MAX_DEPTH, line=line))
            nodes += 1
            stack.append([event.anchor, nodes - 1, isinstance(event, ev.MappingStartEvent), set(), True])
        elif isinstance(event, ev.CollectionEndEvent):
            depth -= 1
            anchor, start, *_ = stack.pop()
            if anchor is not None:
                size[anchor] = nodes - start


def _line(event: Any) -> int:
    """1-based line of a parser event (PyYAML always sets the mark on parsed events; the stubs allow None)."""
    mark = event.start_mark
    return int(mark.line) + 1 if mark is not None else 0


def load_data_text(text: str, *, display: str) -> Any:
    """Plain data (dict, list, str, int, float, bool, None, date) from YAML ``text`` within the limits."""
    return _load_data(text, display, lambda loader: yaml.load(text, Loader=loader))


def load_data_all(text: str, *, display: str) -> list[Any]:
    """Every document of a multi-document YAML ``text`` as plain data (empty documents dropped), within the
    limits of :func:`load_data_text`."""
    docs: list[Any] = _load_data(
        text, display, lambda loader: [d for d in yaml.load_all(text, Loader=loader) if d is not None]
    )
    return docs


def _load_data(text: str, display: str, parse: Callable[[Any], Any]) -> Any:
    global _DATA_LOADER
    if _DATA_LOADER is None:
        _DATA_LOADER = _data_loader()
    check_size(text, display=display)
    try:
        _check_events(text, _DATA_LOADER)
        return parse(_DATA_LOADER)  # a SafeLoader subclass: no arbitrary tags
    except _Limit as exc:
        raise SpecError(display, "", exc.message) from None
    except yaml.MarkedYAMLError as exc:
        raise malformed(display, exc) from None
    except (yaml.YAMLError, ValueError) as exc:
        raise malformed(display, exc) from None


def plain(value: Any) -> Any:
    """ruamel's round-trip types (CommentedMap, CommentedSeq, scalar strings) → plain dict/list/str, so the data
    compares, copies and serialises like anything else (Copier answers, spec defaults)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def load_data_file(path: Path, *, display: str | None = None) -> Any:
    """:func:`load_data_text` of a file read by :func:`read_text` (regular file, size checked first)."""
    shown = display or str(path)
    return load_data_text(read_text(path, display=shown), display=shown)


def loader() -> YAML:
    """A round-trip loader with the limits of this module (same settings as :func:`dumper`)."""
    yaml = dumper()
    yaml.Composer = BoundedComposer
    return yaml


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
    return dump_all([data], header=header)


def dump_all(docs: list[Any], *, header: str | None = None) -> str:
    """:func:`dump` of several documents, separated by ``---``."""
    buf = io.StringIO()
    for line in (header or "").splitlines():
        buf.write(f"# {line}".rstrip() + "\n")
    dumper().dump_all(docs, buf)
    return buf.getvalue()


def load_file(path: Path, *, display: str | None = None) -> Any:
    """Parse a YAML file (round-trip types) or raise :class:`SpecError` naming the file and the line."""
    shown = display or str(path)
    return load_text(read_text(path, display=shown), display=shown)


def read_text(path: Path, *, display: str | None = None) -> str:
    """The UTF-8 text of the regular file ``path`` within :data:`MAX_BYTES`, or :class:`SpecError`.

    The size is checked on the open file before reading, and at most one byte more than the limit is read, so a
    file that grows meanwhile, a FIFO or a device never makes this read without end."""
    import os
    import stat

    shown = display or str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise SpecError(shown, "", t("file.missing")) from None
    except OSError as exc:
        raise SpecError(shown, "", t("file.unreadable", problem=exc.strerror or exc)) from None
    with os.fdopen(fd, "rb") as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SpecError(shown, "", t("yaml.not_regular"))
        if info.st_size > MAX_BYTES:
            raise SpecError(shown, "", t("yaml.too_large", size=info.st_size, limit=MAX_BYTES))
        raw = fh.read(MAX_BYTES + 1)
    check_size(raw, display=shown)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SpecError(shown, "", t("file.unreadable", problem=exc)) from None


def load_text(text: str, *, display: str) -> Any:
    check_size(text, display=display)
    try:
        return loader().load(text)
    except _Limit as exc:
        raise SpecError(display, "", exc.message) from None
    except RecursionError:  # unreachable within MAX_DEPTH; kept so that no input can end in a traceback
        raise SpecError(display, "", t("yaml.nesting_too_deep")) from None
    except (MarkedYAMLError, YAMLError) as exc:
        raise malformed(display, exc) from None


def malformed(display: str, exc: Exception, line_of: Callable[[int], int] | None = None) -> SpecError:
    """The one-line error for YAML that does not parse (PyYAML's or ruamel's error): the line when the parser
    knows it (``line_of`` maps it back to what the user sees, for a cleaned terminal capture)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return SpecError(display, "", t("yaml.malformed_at", problem=exc))
    line = mark.line + 1
    problem = getattr(exc, "problem", None) or getattr(exc, "context", None)
    return SpecError(display, "", t("yaml.malformed", line=line_of(line) if line_of else line, problem=problem))
