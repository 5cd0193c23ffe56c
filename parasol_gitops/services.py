"""Add or remove one service of a generated GitOps repository by re-answering ``services`` through Copier.

Both run ``copier update`` (:func:`parasol_gitops.scaffold.update`) at the template version the repository
already records (``_commit``), with the changed ``services`` list, so the answers file holds the new list and
a later ``update`` keeps it; the template's files for the service appear or go, and every other file is
merged as in any update. Everything a user can get wrong (an existing, invalid or unknown name, an unknown
field, a service still called by another) is refused before Copier runs, so nothing is written then.

``remove`` then deletes what belonged to the service and nothing else: its folders (``services/<name>``,
``helm/<name>``), including files the team added there, and its Applications (``apps/<env>/<name>.yaml``).
Its ``pipeline.yaml`` entry goes with the re-rendered ``pipeline.yaml``, its CI jobs with the re-synthesized
CI files.
"""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import layout, messages
from .errors import InputError
from .scaffold import ANSWERS_FILE


def service_fields() -> list[str]:
    """The keys a service entry may have (besides ``name``): the fields of :class:`spec.Service` and events."""
    from .spec import Service

    return sorted((set(Service.__dataclass_fields__) | {"events"}) - {"name"})


def suggest(word: str, known: list[str]) -> str:
    """`` (did you mean X?)`` for the closest known name, or nothing."""
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return messages.t("answers.did_you_mean", name=close[0]) if close else ""


def current_answers(dest: Path) -> dict[str, Any]:
    from . import yamlio

    path = Path(dest) / ANSWERS_FILE
    if not path.is_file():
        raise InputError(messages.t("template.scaffold.update_no_answers", path=str(dest), answers=ANSWERS_FILE))
    data = yamlio.load_data_file(path, display=ANSWERS_FILE) or {}
    if not isinstance(data, dict) or not isinstance(data.get("services"), list):
        raise InputError(messages.t("service.no_services", path=str(path)))
    return data


def add(dest: Path, name: str, fields: Mapping[str, Any] | None = None) -> list[str]:
    """Add service ``name`` (with ``fields``); returns the conflicted files (empty when the update merged)."""
    from .names import is_dns1123_label, slugify

    answers = current_answers(dest)
    services = answers["services"]
    if not is_dns1123_label(name):
        raise InputError(messages.t("name.not_dns1123", name=name, slug=slugify(name)))
    if name in _names(services):
        raise InputError(messages.t("service.exists", name=name))
    known = service_fields()
    for key in fields or {}:
        if key == "name" or key not in known:
            raise InputError(messages.t("service.unknown_field", field=key) + suggest(key, known))
    entry = {"name": name, **dict(fields or {})}
    return _reanswer(dest, answers, [*services, entry])


def remove(dest: Path, name: str) -> list[str]:
    """Remove service ``name``, its folders and Applications; returns the conflicted files."""
    answers = current_answers(dest)
    services = answers["services"]
    names = _names(services)
    if name not in names:
        raise InputError(messages.t("service.unknown", name=name) + suggest(name, names))
    if len(services) == 1:
        raise InputError(messages.t("service.last", name=name))
    callers = sorted(str(s.get("name")) for s in services if isinstance(s, dict) and name in (s.get("calls") or []))
    if callers:
        raise InputError(messages.t("service.still_called", name=name, callers=", ".join(callers)))
    kept = [s for s in services if not (isinstance(s, dict) and s.get("name") == name)]
    conflicts = _reanswer(dest, answers, kept)
    root = Path(dest).resolve()
    for folder in layout.service_folders(root, name):
        if folder.is_dir():
            shutil.rmtree(folder)
    for app in layout.service_apps(root, name):
        app.unlink()
    return conflicts


def _names(services: list[Any]) -> list[str]:
    return [str(s.get("name")) for s in services if isinstance(s, dict)]


def _reanswer(dest: Path, answers: Mapping[str, Any], services: list[Any]) -> list[str]:
    """``copier update`` to the recorded template version with the new ``services`` answer."""
    from .scaffold import update

    commit = answers.get("_commit")
    return update(dest, {"services": services}, vcs_ref=str(commit) if commit else None)
