"""One message catalogue in English and Japanese.

Entries live in the ``_<area>.py`` modules beside this file (one per area so that each area owns its
text), and are merged here into one table. Every user-facing sentence goes through :func:`t`.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Mapping

from . import (
    _checks,
    _ci,
    _core,
    _daily,
    _failsafe,
    _fidelity,
    _package,
    _parasol,
    _pipeline,
    _platform,
    _template,
    _validate,
)

Lang = str  # "en" | "ja"
LANGS = ("en", "ja")

CATALOGUE: dict[str, Mapping[str, str]] = {}
for _area in (
    _core, _pipeline, _template, _parasol, _validate, _checks, _package, _failsafe, _fidelity, _ci, _platform, _daily
):
    for _key, _texts in _area.MESSAGES.items():
        if _key in CATALOGUE:
            raise RuntimeError(f"message key {_key!r} defined twice")
        CATALOGUE[_key] = _texts

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
