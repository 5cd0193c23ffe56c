"""One message catalogue in English and Japanese.

Entries live in the ``<area>.yaml`` files beside this file (one per area so that each area owns its text; data,
not code, so that translators edit text without touching Python), and are merged here into one table. Every
user-facing sentence goes through :func:`t`.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Mapping
from pathlib import Path

import yaml

Lang = str  # "en" | "ja"
LANGS = ("en", "ja")

AREAS = ("core", "pipeline", "template", "parasol", "validate", "checks", "package", "failsafe", "fidelity", "ci",
         "platform", "daily")
CATALOGUE_DIR = Path(__file__).resolve().parent


def _load() -> dict[str, Mapping[str, str]]:
    # libyaml's plain loader, not yamlio: yamlio reports its errors through this catalogue. Duplicate keys inside
    # one file are caught by tests/test_messages_catalogue.py (which reads each file with the strict loader).
    from .. import resources

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    sources = [(CATALOGUE_DIR / f"{area}.yaml", "") for area in AREAS]
    # The answer validators' messages live in the template (bare Copier renders them); they join the one table as
    # ``answer.<name>``. Absent only from a broken install, which fails on its own when it renders.
    answers = resources.data_root() / "template" / "_lib" / "answer-messages.yaml"
    if answers.is_file():
        sources.append((answers, "answer."))
    catalogue: dict[str, Mapping[str, str]] = {}
    for path, prefix in sources:
        for key, texts in yaml.load(path.read_text(encoding="utf-8"), Loader=loader).items():
            if prefix + key in catalogue:
                raise RuntimeError(f"message key {prefix + key!r} defined twice")
            catalogue[prefix + key] = texts
    return catalogue


CATALOGUE: dict[str, Mapping[str, str]] = _load()

_current: Lang | None = None


def set_language(lang: Lang | None) -> None:
    """Fix the language for this process (``--lang`` or a project's ``settings.language``)."""
    global _current
    if lang is not None and lang not in LANGS:
        raise ValueError(lang)
    _current = lang


def detect_language() -> Lang:
    """``--lang`` if given, else the locale: Japanese when LC_ALL/LC_MESSAGES/LANG start with ja."""
    if _current:
        return _current
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "ja" if loc.lower().startswith("ja") else "en"


def t(key: str, lang: Lang | None = None, /, **params: object) -> str:
    """The message ``key`` in ``lang`` (default: the detected language), formatted with ``params``."""
    texts = CATALOGUE[key]
    text = texts.get(lang or detect_language()) or texts["en"]
    return text.format(**params) if params else text
