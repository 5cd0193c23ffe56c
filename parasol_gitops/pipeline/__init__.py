"""The pipeline synthesizer: pipeline.yaml → GitHub Actions or GitLab CI.

Import-light on purpose (``parasol-gitops --help`` must stay fast): the emitters, ruamel.yaml and
jsonschema are imported inside the functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import resources
from ..errors import InputError
from .targets import FILES, GITHUB_FILES, GITLAB_FILES, TARGETS

if TYPE_CHECKING:
    from .specfile import NormalizedSpec
    from .spectypes import PipelineSpec

# the checkout's pipelines/ or the installed package's bundled copy (see parasol_gitops/resources.py)
PIPELINES_DIR = resources.pipelines_dir()

__all__ = [
    "FILES",
    "GITHUB_FILES",
    "GITLAB_FILES",
    "PIPELINES_DIR",
    "TARGETS",
    "files_for_target",
    "load_spec",
    "synthesize",
    "typed_spec",
    "validate_spec",
]


def load_spec(path: Path, *, display: str | None = None) -> NormalizedSpec:
    """Parse + jsonschema-validate + semantic checks; raises SpecError naming the file and path.
    The result is the normalized mapping; its ``typed`` attribute is the :class:`~.spectypes.PipelineSpec`."""
    from .specfile import load_spec as _load

    return _load(path, display=display)


def validate_spec(data: Mapping[str, Any], *, source: str) -> NormalizedSpec:
    """The checks of :func:`load_spec` on parsed data; returns the normalized spec."""
    from .specfile import validate_spec as _validate

    return _validate(data, source=source)


def files_for_target(target: str) -> tuple[str, ...]:
    if target in FILES:
        return FILES[target]
    from ..messages import t

    raise InputError(t("pipeline.unknown_target", target=target))


def typed_spec(spec: Mapping[str, Any] | PipelineSpec, source: str) -> PipelineSpec:
    """The typed spec of ``spec``: as is, the one :func:`load_spec` built, or validated now (a raw mapping)."""
    from .specfile import NormalizedSpec
    from .specfile import validate_spec as _validate
    from .spectypes import PipelineSpec

    if isinstance(spec, PipelineSpec):
        return spec
    if isinstance(spec, NormalizedSpec):
        return spec.typed
    return _validate(spec, source=source).typed


def synthesize(spec: Mapping[str, Any] | PipelineSpec, target: str, *,
               source: str = "pipeline.yaml") -> dict[str, str]:
    """Relative path → file text for ``target``. Pure and deterministic. ``spec`` may be raw, the result of
    :func:`load_spec` or a :class:`~.spectypes.PipelineSpec`."""
    files_for_target(target)
    from .model import build_model

    model = build_model(typed_spec(spec, source))
    if target == "github":
        from .github import emit

        return emit(model)
    from ..errors import SpecError
    from .gitlab import StrategyConflict, emit

    try:
        return emit(model)
    except StrategyConflict as exc:
        raise SpecError(source, exc.path, exc.problem) from None




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
