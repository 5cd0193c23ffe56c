"""What the CI subcommands share: reading the spec at run time, finding a service and an environment,
and writing step outputs (``$GITHUB_OUTPUT`` or a GitLab dotenv file)."""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from ..errors import InputError
from .spectypes import Environment, PipelineSpec, Service

DEFAULT_SPEC = "pipeline.yaml"
DOTENV = "deploy.env"


_Named = TypeVar("_Named", Service, Environment)


def load(spec: str) -> PipelineSpec:
    """The typed spec of the file ``spec`` (validated, every default filled)."""
    from ..messages import t
    from . import load_spec

    path = Path(spec)
    if not path.is_file():
        raise InputError(t("ci.no_spec", path=spec))
    return load_spec(path, display=spec).typed


def service(spec: PipelineSpec, name: str) -> Service:
    return _named(spec.services, name, "ci.unknown_service", suggest=True)


def environment(spec: PipelineSpec, name: str) -> Environment:
    return _named(spec.environments, name, "ci.unknown_environment", suggest=False)


def _named(entries: Sequence[_Named], name: str, unknown: str, *, suggest: bool) -> _Named:
    """The entry called ``name``; else exit 2 listing the known names (and the closest one for a service)."""
    from ..messages import t

    for entry in entries:
        if entry.name == name:
            return entry
    names = [e.name for e in entries]
    close = difflib.get_close_matches(name, names, n=1) if suggest else []
    raise InputError(t(unknown, name=name, known=", ".join(names)),
                     hint=t("ci.did_you_mean", name=close[0]) if close else None)


def output_file(explicit: str | None) -> Path:
    """``--output``, else ``$GITHUB_OUTPUT`` on GitHub, else ``deploy.env`` (a GitLab dotenv report)."""
    if explicit:
        return Path(explicit)
    github = os.environ.get("GITHUB_OUTPUT")
    return Path(github) if github else Path(DOTENV)


def write_outputs(path: Path, values: dict[str, str]) -> None:
    """Append ``KEY=value`` lines. GitHub reads every appended line; GitLab's dotenv reads the file as is."""
    for key, value in values.items():
        if "\n" in value or "\r" in value:  # one line each: a newline would forge another output
            from ..messages import t

            raise InputError(t("pipeline.spec.output_one_line", key=key))
    with path.open("a", encoding="utf-8") as out:
        for key, value in values.items():
            out.write(f"{key}={value}\n")
