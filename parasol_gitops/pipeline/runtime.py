"""What the CI subcommands share: reading the spec at run time, finding a service and an environment,
and writing step outputs (``$GITHUB_OUTPUT`` or a GitLab dotenv file)."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from ..errors import InputError

DEFAULT_SPEC = "pipeline.yaml"
DOTENV = "deploy.env"


def load(spec: str) -> dict[str, Any]:
    from ..messages import t
    from . import load_spec

    path = Path(spec)
    if not path.is_file():
        raise InputError(t("ci.no_spec", path=spec))
    return load_spec(path, display=spec)


def service(spec: dict[str, Any], name: str) -> dict[str, Any]:
    from ..messages import t

    services: list[dict[str, Any]] = spec["services"]
    for svc in services:
        if svc["name"] == name:
            return svc
    names = [s["name"] for s in spec["services"]]
    close = difflib.get_close_matches(name, names, n=1)
    raise InputError(t("ci.unknown_service", name=name, known=", ".join(names)),
                     hint=t("ci.did_you_mean", name=close[0]) if close else None)


def environment(spec: dict[str, Any], name: str) -> dict[str, Any]:
    from ..messages import t

    environments: list[dict[str, Any]] = spec["environments"]
    for env in environments:
        if env["name"] == name:
            return env
    names = [e["name"] for e in spec["environments"]]
    raise InputError(t("ci.unknown_environment", name=name, known=", ".join(names)))


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
