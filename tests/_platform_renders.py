"""Renders for the platform-phase tests (tests/test_platform_*.py): the shared answer sets of _scaffold_renders plus
``platform-data`` (tests/answers/platform-data.yml) and ``default-external`` (the defaults with an external
managed database), each rendered once per process through the product API."""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from _scaffold_renders import _TMP, ANSWERS_DIR, final_answers, rendered

EXTRA: dict[str, dict[str, Any]] = {
    "platform-data": yaml.safe_load((ANSWERS_DIR / "platform-data.yml").read_text(encoding="utf-8")),
    "default-external": {"database_provider": "external"},
}


@cache
def render(name: str) -> Path:
    if name not in EXTRA:
        return rendered(name)
    from parasol_gitops import scaffold

    dest = _TMP / f"platform-{name}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scaffold.render(dest, EXTRA[name])
    return dest


def answers(name: str) -> dict[str, Any]:
    return final_answers(render(name))
