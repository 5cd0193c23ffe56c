"""Where the data files the commands read live: the Copier template, the pipeline schema, stages and examples.

One place answers it for every caller. Running from a source checkout (``pip install -e .`` or
``PYTHONPATH=<checkout>``), the files are the checkout's own top-level ``copier.yml``, ``template/`` and
``pipelines/``, so an edit is seen at once. Installed from a wheel, an sdist, ``pipx`` or a git URL, they are
the copy that the build put into ``parasol_gitops/_bundled/`` (see ``setup.py``): the same three entries under
the same names, so a relative path means the same in both.

Import-light on purpose: ``--help`` and ``--version`` import this module.
"""

from __future__ import annotations

import functools
from pathlib import Path

DISTRIBUTION = "parasol-gitops"
PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DIR = PACKAGE_DIR / "_bundled"
# What a data root holds; a folder missing any of them is not one.
DATA_ENTRIES = ("copier.yml", "template", "pipelines")


def _is_data_root(path: Path) -> bool:
    return (
        (path / "copier.yml").is_file()
        and (path / "template").is_dir()
        and (path / "pipelines" / "schema.json").is_file()
    )


@functools.cache
def source_checkout() -> Path | None:
    """The source checkout this package runs from (the folder holding ``pyproject.toml``), or None when installed."""
    root = PACKAGE_DIR.parent
    if (root / "pyproject.toml").is_file() and _is_data_root(root):
        return root
    return None


@functools.cache
def data_root() -> Path:
    """The folder holding ``copier.yml``, ``template/`` and ``pipelines/``: the checkout, else the bundled copy.

    Never raises: when neither holds the files (a broken install), the bundled path is returned and the caller
    that opens a file names the missing path in its own error.
    """
    return source_checkout() or BUNDLED_DIR


def is_installed() -> bool:
    """True when the data comes from the bundled copy of an installed package, not from a source checkout."""
    return source_checkout() is None


def has_template(root: Path | None = None) -> bool:
    root = data_root() if root is None else root
    return (root / "copier.yml").is_file() and (root / "template").is_dir()


def template_root() -> Path:
    """The Copier template root: ``copier.yml`` with ``_subdirectory: template``."""
    return data_root()


def rules_path() -> Path:
    """The platform's rules (parasol_gitops/rules.py): part of the template, which includes it too."""
    return template_root() / "template" / "_lib" / "rules.yaml"


def versions_path() -> Path:
    """Every pinned version (parasol_gitops/versions.py): part of the template, which includes it too."""
    return template_root() / "template" / "_lib" / "versions.yaml"


def pipelines_dir() -> Path:
    return data_root() / "pipelines"


def schema_path() -> Path:
    return pipelines_dir() / "schema.json"


def stages_path() -> Path:
    return pipelines_dir() / "stages.yaml"


def examples_dir() -> Path:
    return pipelines_dir() / "examples"


@functools.cache
def version() -> str:
    """The package version. One source, ``pyproject.toml``: a checkout reads it there (an editable install's
    metadata keeps the version of the day it was installed); an installed package reads its metadata."""
    root = source_checkout()
    if root is not None:
        import tomllib

        with (root / "pyproject.toml").open("rb") as fh:
            found = tomllib.load(fh).get("project", {}).get("version")
        if isinstance(found, str) and found:
            return found
    from importlib import metadata

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"
