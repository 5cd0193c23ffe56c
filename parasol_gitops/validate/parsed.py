"""Parsed kustomization files remembered between runs, keyed by their bytes.

Parsing the ~1,200 kustomization files of a 300-service repository is the largest share of a `validate
--changed` run that changes one file (measured: ~0.8 CPU-s of libyaml plus PyYAML's constructor). The parse is a
function of the text alone, so its result is kept in ``$XDG_CACHE_HOME/parasol-gitops/validate/``, one file
per repository root, under the SHA-256 of the text: an edited file has another key and is parsed again, and a
stale entry can never be used. Only results that JSON holds exactly (strings, numbers, booleans, null, lists,
string-keyed maps) are kept; anything else (a date, a binary scalar) is parsed every time. A cache that cannot
be read or written costs the parse and nothing else. Each run keeps only the entries it used, and a
repository's file not used for :data:`KEEP_DAYS` days is removed (test runs and CI checkouts leave many roots).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError
from ..fsutil import atomic_write, cache_dir
from .objects import Loader

KEEP_DAYS = 30


class ParsedKustomizations:
    def __init__(self, root: Path) -> None:
        name = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:24]
        self.file = cache_dir("validate") / f"kustomizations-{name}.json"
        try:
            old = json.loads(self.file.read_bytes())
        except (OSError, ValueError):
            old = {}
        self.old: dict[str, Any] = old if isinstance(old, dict) else {}
        self.used: dict[str, Any] = {}

    def load(self, text: str) -> Any:
        """``yaml.load(text)`` with libyaml's safe loader, or its remembered result; raises ``yaml.YAMLError``."""
        key = hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
        if key in self.old:
            self.used[key] = self.old[key]
            return self.old[key]
        data = yaml.load(text, Loader=Loader)
        if json_exact(data):
            self.used[key] = data
        return data

    def save(self) -> None:
        if self.used.keys() == self.old.keys():
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.file, json.dumps(self.used, separators=(",", ":")).encode())
        except (OSError, InputError):  # a read-only or full cache folder only costs the next run a parse
            return
        remove_unused(self.file.parent.glob("kustomizations-*.json"))


def remove_unused(files: Iterable[Path]) -> None:
    """Remove the cache files among ``files`` not used (modified) for :data:`KEEP_DAYS` days."""
    oldest = time.time() - KEEP_DAYS * 86400
    for other in files:
        with contextlib.suppress(OSError):
            if other.stat().st_mtime < oldest:
                other.unlink()


def json_exact(value: Any) -> bool:
    """True when ``json.loads(json.dumps(value)) == value`` with the same types throughout."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(json_exact(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and json_exact(v) for k, v in value.items())
    return False
