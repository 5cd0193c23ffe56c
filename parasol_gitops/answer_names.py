"""Refuse answers to questions the template does not ask (Copier silently ignores them: ``servces=[…]`` would
generate the default services).

The check runs inside Copier, on the template version Copier is about to render (a local folder, a git URL, a
tag), so it knows that version's questions without cloning the template a second time. It runs once, on the
outermost ``run_copy``/``run_update`` (an update's inner renders replay recorded answers, which may name
questions an older version had), and before anything is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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


@contextmanager
def reject_unknown_questions(data: Mapping[str, Any], where: str) -> Iterator[None]:
    """While active, the first Copier run checks ``data`` against its template's questions."""
    keys = dict(data)
    if not keys:
        yield
        return
    try:
        from copier import _main

        worker_cls = _main.Worker
        originals = {name: worker_cls.__dict__[name] for name in ("run_copy", "run_update")}
    except (ImportError, AttributeError, KeyError):
        yield
        return
    done: list[bool] = []

    def guarded(name: str) -> Any:
        def run(worker: Any, *args: Any, **kwargs: Any) -> Any:
            if not done:
                done.append(True)
                check(keys, worker.template.questions_data, where)
            return originals[name](worker, *args, **kwargs)

        return run

    for name in originals:
        setattr(worker_cls, name, guarded(name))
    try:
        yield
    finally:
        for name, value in originals.items():
            setattr(worker_cls, name, value)
