"""Refuse answers to questions the template does not ask (Copier silently ignores them: ``servces=[…]`` would
generate the default services). Copier calls :func:`check` through
:func:`parasol_gitops.copier_patches.reject_unknown_questions`, on the questions of the version it renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import messages
from .errors import InputError


def check(data: Mapping[str, Any], questions: Mapping[str, Any] | list[str], where: str) -> None:
    """:class:`InputError` naming the first answer whose key is not a question, with the closest question."""
    from .services import suggest

    known = sorted(str(q) for q in questions if not str(q).startswith("_"))
    for key in sorted(str(k) for k in data):
        if key.startswith("_") or key in known:
            continue
        raise InputError(messages.t("answers.unknown_question", name=key, where=where, known=", ".join(known))
                         + suggest(key, known))
