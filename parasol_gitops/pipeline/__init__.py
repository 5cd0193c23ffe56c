"""The pipeline synthesizer: pipeline.yaml → GitHub Actions or GitLab CI.

Import-light on purpose (``parasol-gitops --help`` must stay fast): the emitters, ruamel.yaml and
jsonschema are imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import resources
from ..errors import InputError

GITHUB_FILES: tuple[str, ...] = (
    ".github/workflows/ci.yml",
    ".github/workflows/deploy.yml",
    ".github/workflows/rollback.yml",
    ".github/workflows/repository-checks.yml",
)
GITLAB_FILES: tuple[str, ...] = (
    ".gitlab-ci.yml",
    ".gitlab/ci/service-rolling.yml",
    ".gitlab/ci/service-canary.yml",
    ".gitlab/ci/service-blue-green.yml",
)
TARGETS: tuple[str, ...] = ("github", "gitlab")
# the checkout's pipelines/ or the installed package's bundled copy (see parasol_gitops/resources.py)
PIPELINES_DIR = resources.pipelines_dir()

__all__ = [
    "GITHUB_FILES",
    "GITLAB_FILES",
    "PIPELINES_DIR",
    "TARGETS",
    "files_for_target",
    "load_spec",
    "synthesize",
    "validate_spec",
]


def load_spec(path: Path, *, display: str | None = None) -> dict[str, Any]:
    """Parse + jsonschema-validate + semantic checks; raises SpecError naming the file and path."""
    from .specfile import load_spec as _load

    return _load(path, display=display)


def validate_spec(data: Mapping[str, Any], *, source: str) -> dict[str, Any]:
    """The checks of :func:`load_spec` on parsed data; returns the normalized spec."""
    from .specfile import validate_spec as _validate

    return _validate(data, source=source)


def files_for_target(target: str) -> tuple[str, ...]:
    if target == "github":
        return GITHUB_FILES
    if target == "gitlab":
        return GITLAB_FILES
    raise InputError(f"unknown target '{target}' (choose github or gitlab)")


def synthesize(spec: Mapping[str, Any], target: str, *, source: str = "pipeline.yaml") -> dict[str, str]:
    """Relative path → file text for ``target``. Pure and deterministic. ``spec`` may be raw or normalized."""
    files_for_target(target)
    from .model import build_model

    normalized = _normalized(spec, source)
    model = build_model(normalized)
    if target == "github":
        from .github import emit

        return emit(model)
    from ..errors import SpecError
    from .gitlab import StrategyConflict, emit

    try:
        return emit(model)
    except StrategyConflict as exc:
        raise SpecError(source, exc.path, exc.problem) from None


def _normalized(spec: Mapping[str, Any], source: str) -> dict[str, Any]:
    from .specfile import validate_spec as _validate

    if spec.get("_normalized"):
        return dict(spec)
    out = _validate(spec, source=source)
    return out


# The Parasol tech stack's language → services[].language (what `parasol-gitops test` falls back on when a
# service's path holds no build file). First match wins; template/pipeline.yaml.jinja mirrors this table.
LANGUAGE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("java-gradle", ("kotlin", "gradle")),
    ("java-maven", ("java", "spring")),
    ("node", ("typescript", "javascript", "node")),
    ("python", ("python", "django", "fastapi", "flask")),
    ("rust", ("rust",)),
)


def language_of(text: str) -> str:
    """``Python 3.12 / FastAPI`` → ``python``; '' when the text names no language `test` knows."""
    lower = text.lower()
    for language, words in LANGUAGE_WORDS:
        if any(word in lower for word in words):
            return language
    tokens = lower.replace("/", " ").replace(",", " ").split()
    return "go" if "go" in tokens or "golang" in tokens else ""
