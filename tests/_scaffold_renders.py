"""Renders of the bundled template through the product API (``parasol_gitops.scaffold.render``), cached per
process, for the docs / Helm / repository-file tests. The working tree is what is rendered (dirty changes too)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ANSWERS_DIR = Path(__file__).parent / "answers"
_TMP = Path(tempfile.mkdtemp(prefix="parasol-gitops-renders-"))
atexit.register(shutil.rmtree, _TMP, True)

# name → (answers file in tests/answers or None for the defaults, overrides)
ANSWER_SETS: dict[str, tuple[str | None, dict[str, Any]]] = {
    "default": (None, {}),
    "one-service": ("one-service.yml", {}),
    "six-mixed-helm-ja": ("six-mixed-helm-ja.yml", {}),
    # the same six services as kustomize packaging: the reference the Helm charts must equal
    "six-mixed-kustomize": ("six-mixed-helm-ja.yml", {"packaging": "kustomize"}),
    "parasol-helm-traefik": ("parasol-helm-traefik.yml", {}),
    "six-mixed-helm-parasol": ("six-mixed-helm-ja.yml", {"layout": "parasol", "docs_language": "en"}),
}


def answers_for(name: str) -> dict[str, Any]:
    file, overrides = ANSWER_SETS[name]
    data: dict[str, Any] = {}
    if file:
        data = yaml.safe_load((ANSWERS_DIR / file).read_text(encoding="utf-8"))
    return {**data, **overrides}


@cache
def rendered(name: str) -> Path:
    from parasol_gitops import scaffold

    dest = _TMP / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scaffold.render(dest, answers_for(name))
    return dest


def final_answers(root: Path) -> dict[str, Any]:
    """The answers Copier recorded (defaults filled in)."""
    return yaml.safe_load((root / ".copier-answers.yml").read_text(encoding="utf-8"))


def template_copy(name: str, *, pipelines: bool = False) -> tuple[Path, bool]:
    """The working tree's copier.yml and template (and pipelines/) as a plain folder ``name`` of this process,
    and whether it was made now (False: an earlier caller made it). Copier renders a plain folder in place, where
    from the checkout (a git repository) it would clone the whole repository for every render (4x slower)."""
    from parasol_gitops import resources

    dest = _TMP / name
    if dest.exists():
        return dest, False
    dest.mkdir()
    shutil.copy2(resources.template_root() / "copier.yml", dest / "copier.yml")
    shutil.copytree(resources.template_root() / "template", dest / "template")
    if pipelines:
        shutil.copytree(resources.pipelines_dir(), dest / "pipelines")
    return dest, True
