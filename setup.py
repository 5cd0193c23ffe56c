"""Build hooks only; the project's metadata is in pyproject.toml.

The Copier template (``copier.yml``, ``template/``) and the pipeline data (``pipelines/``) stay at the top of the
repository, where ``copier copy <this repository>`` and contributors expect them. A build copies them into
``parasol_gitops/_bundled/`` of the wheel, so every install (wheel, sdist, ``pipx``, ``pip install git+URL``)
carries what the commands read; ``parasol_gitops/resources.py`` finds them there. MANIFEST.in puts the same
three entries into the sdist, so a wheel built from the sdist gets them too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
BUNDLED = ("copier.yml", "template", "pipelines")
IGNORED = shutil.ignore_patterns("__pycache__", "*.py[co]", ".DS_Store", "*~")


class BuildPyWithTemplate(build_py):
    """build_py that also copies the template and pipeline data into the package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself (resources.source_checkout)
        target = Path(self.build_lib) / "parasol_gitops" / "_bundled"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name in BUNDLED:
            src = HERE / name
            if not src.exists():
                raise SystemExit(f"setup.py: {src} is missing; the package would not work without it")
            if src.is_dir():
                shutil.copytree(src, target / name, ignore=IGNORED)
            else:
                shutil.copy2(src, target / name)


setup(cmdclass={"build_py": BuildPyWithTemplate})
