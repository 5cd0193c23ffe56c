"""The package works as installed, not only from its source tree (issue 10, "How it is proven", first proof).

The sdist and the wheel are built once per module from a copy of this checkout (``python -m build`` without
isolation, offline: the sdist first, then the wheel *from the sdist*, so MANIFEST.in is proven too). The wheel is
installed into a fresh virtual environment; it sees the system site-packages only for the dependencies
(copier, ruamel …), and each test checks that ``parasol_gitops`` itself is imported from the venv, not from the
editable checkout. Every command runs from a folder outside the source tree with PYTHONPATH unset.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

from parasol_gitops import resources

SOURCE_ENTRIES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "parasol_gitops", "copier.yml",
                  "template", "pipelines")
IGNORE = shutil.ignore_patterns("__pycache__", "*.py[co]", "_bundled", "*.egg-info")
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test User", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test User", "GIT_COMMITTER_EMAIL": "test@example.com",
}
VERSION = resources.version()
NEXT_VERSION = VERSION + ".post1"  # PEP 440 newer than VERSION, so Copier accepts it as an upgrade


def _data_files(root: Path) -> set[str]:
    """copier.yml, template/** and pipelines/** under root, as POSIX paths."""
    found = {"copier.yml"} if (root / "copier.yml").is_file() else set()
    for top in ("template", "pipelines"):
        found |= {p.relative_to(root).as_posix() for p in (root / top).rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts}
    return found


def _build(tmp: Path, *, version: str | None = None, template_note: str | None = None,
           wheel_only: bool = False) -> Path:
    """A copy of this checkout (optionally with another version and one more template file), built."""
    src = tmp / "src"
    src.mkdir(parents=True)
    for name in SOURCE_ENTRIES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=IGNORE)
        else:
            shutil.copy2(path, src / name)
    if version is not None:
        pyproject = src / "pyproject.toml"
        text, count = re.subn(r'(?m)^version = ".*"$', f'version = "{version}"', pyproject.read_text())
        assert count == 1
        pyproject.write_text(text)
    if template_note is not None:
        (src / "template" / "UPGRADE-NOTE.md.jinja").write_text(template_note)
    # without --wheel: the sdist first, then the wheel from the sdist (which proves MANIFEST.in)
    proc = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--skip-dependency-check",
                           *(["--wheel"] if wheel_only else []), "--outdir", str(tmp / "dist"), str(src)],
                          capture_output=True, text=True, timeout=300, env=_clean_env())
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return tmp / "dist"


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(GIT_IDENTITY)
    env.update(extra)
    return env


@dataclass
class Venv:
    root: Path
    cache: Path  # XDG_CACHE_HOME: the template repository lives under it

    @property
    def python(self) -> Path:
        return self.root / "bin" / "python"

    def run(self, *args: str, cwd: Path, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = _clean_env(XDG_CACHE_HOME=str(cache or self.cache), LC_ALL="C.UTF-8", LANG="C.UTF-8")
        return subprocess.run([str(self.root / "bin" / "parasol-gitops"), *args], cwd=cwd, env=env,
                              capture_output=True, text=True, timeout=300)


def _venv(path: Path, wheel: Path, cache: Path) -> Venv:
    # --without-pip: ensurepip would cost ~10 s; the running interpreter's pip installs into it (--python)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", str(path)],
                   check=True, timeout=120, env=_clean_env())
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(path / "bin" / "python"), "install",
                           "--quiet", "--disable-pip-version-check", "--no-deps", "--no-index", "--force-reinstall",
                           str(wheel)], capture_output=True, text=True, timeout=300, env=_clean_env())
    assert proc.returncode == 0, proc.stderr
    venv = Venv(path, cache)
    where = subprocess.run([str(venv.python), "-c", "import parasol_gitops; print(parasol_gitops.__file__)"],
                           cwd=path.parent, env=_clean_env(), capture_output=True, text=True, check=True)
    # the wheel's copy, never the editable checkout the system site-packages point at
    assert Path(where.stdout.strip()).is_relative_to(path), where.stdout
    return venv


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    tmp = tmp_path_factory.mktemp("installed")
    (wheel,) = dist.glob("*.whl")
    return _venv(tmp / "venv", wheel, tmp / "cache")


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder that is not inside the source tree."""
    path = tmp_path_factory.mktemp("work")
    assert not path.resolve().is_relative_to(ROOT)
    return path


def test_sdist_and_wheel_carry_the_template_and_the_pipeline_data(dist: Path) -> None:
    expected = _data_files(ROOT)
    assert {"copier.yml", "pipelines/schema.json", "pipelines/stages.yaml",
            "pipelines/examples/monorepo.yaml", "template/README.md.jinja"} <= expected
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    assert expected <= names, sorted(expected - names)[:5]
    (wheel,) = dist.glob("*.whl")
    assert wheel.name == f"parasol_gitops-{VERSION}-py3-none-any.whl"
    prefix = "parasol_gitops/_bundled/"
    with zipfile.ZipFile(wheel) as whl:
        bundled = {name[len(prefix):] for name in whl.namelist() if name.startswith(prefix)}
    assert bundled == expected


def test_installed_package_runs_every_command_outside_the_source_tree(installed: Venv, outside: Path) -> None:
    version = installed.run("--version", cwd=outside)
    assert version.returncode == 0 and version.stdout.strip() == f"parasol-gitops, version {VERSION}"

    created = installed.run("new", "shop", "--defaults", cwd=outside)
    assert created.returncode == 0, created.stderr
    repo = outside / "shop"
    answers = (repo / ".copier-answers.yml").read_text()
    cache_repo = installed.cache / "parasol-gitops" / "template-repo"
    assert f"_commit: v{VERSION}\n" in answers
    assert f"_src_path: {cache_repo}\n" in answers

    for args, cwd in ((("validate", "shop"), outside), (("status", "vms5", "shop"), outside),
                      (("pipeline", "--check", "--target", "github"), repo),
                      (("pipeline", "--target", "github", "--spec", "example:monorepo", "--out", "-"), outside)):
        proc = installed.run(*args, cwd=cwd)
        assert proc.returncode == 0, (args, proc.stdout[-2000:], proc.stderr[-2000:])
    monorepo = installed.run("pipeline", "--target", "gitlab", "--spec", "example:monorepo", "--out", "-",
                             cwd=outside)
    assert "# --- .gitlab-ci.yml ---" in monorepo.stdout


def test_the_template_commit_is_the_same_on_every_machine(installed: Venv, outside: Path,
                                                          tmp_path: Path) -> None:
    code = "from parasol_gitops import template_cache; print(template_cache.materialise()[1])"
    ids = []
    for cache in (installed.cache, tmp_path / "other-machine"):
        env = _clean_env(XDG_CACHE_HOME=str(cache))
        tag = subprocess.run([str(installed.python), "-c", code], cwd=outside, env=env, capture_output=True,
                             text=True, check=True).stdout.strip()
        assert tag == f"v{VERSION}"
        repo = cache / "parasol-gitops" / "template-repo"
        ids.append(subprocess.run(["git", "rev-parse", f"{tag}^{{commit}}"], cwd=repo, capture_output=True,
                                  text=True, check=True).stdout.strip())
    assert ids[0] == ids[1] and re.fullmatch(r"[0-9a-f]{40}", ids[0])


def _git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=_clean_env())
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_update_from_installed_packages_same_version_newer_version_and_another_machine(
        installed: Venv, tmp_path_factory: pytest.TempPathFactory) -> None:
    work = tmp_path_factory.mktemp("update")
    assert installed.run("new", "gitops", "--defaults", cwd=work).returncode == 0
    repo = work / "gitops"
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "generated")
    readme = repo / "README.md"
    readme.write_text(readme.read_text() + "\n## Team notes\n\nDeploys freeze on Fridays.\n")
    _git(repo, "commit", "-q", "-am", "user edit")

    same = installed.run("update", ".", cwd=repo)
    assert same.returncode == 0, same.stderr

    # a newer release of the package, with one more template file, installed beside the first (same cache)
    newer_dist = _build(tmp_path_factory.mktemp("build-next"), version=NEXT_VERSION, wheel_only=True,
                        template_note="# Upgrade note for {{ project_name }}\n")
    (wheel,) = newer_dist.glob("*.whl")
    newer = _venv(tmp_path_factory.mktemp("next") / "venv", wheel, installed.cache)
    assert newer.run("--version", cwd=work).stdout.strip() == f"parasol-gitops, version {NEXT_VERSION}"
    upgraded = newer.run("update", ".", cwd=repo)
    assert upgraded.returncode == 0, upgraded.stdout + upgraded.stderr
    assert (repo / "UPGRADE-NOTE.md").read_text() == "# Upgrade note for shop\n"
    assert f"_commit: v{NEXT_VERSION}\n" in (repo / ".copier-answers.yml").read_text()
    assert "## Team notes\n\nDeploys freeze on Fridays.\n" in readme.read_text()
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "template upgrade")

    # another machine (an empty cache) lacks the recorded tag: one line naming the remedy, nothing changed
    elsewhere = work / "elsewhere-cache"
    missing = newer.run("update", ".", cwd=repo, cache=elsewhere)
    assert missing.returncode == 2
    assert len(missing.stderr.strip().splitlines()) == 1, missing.stderr
    assert f"v{NEXT_VERSION}" in missing.stderr and "--template" in missing.stderr
    assert _git(repo, "status", "--porcelain") == ""
    # --template: a clone holding the tag (for a user, the parasol-gitops repository), given as a relative path
    holder = work / "template-clone"
    _git(work, "clone", "-q", str(installed.cache / "parasol-gitops" / "template-repo"), str(holder))
    moved = newer.run("update", ".", "--template", os.path.relpath(holder, repo), cwd=repo, cache=elsewhere)
    assert moved.returncode == 0, moved.stderr
    assert f"_src_path: {holder}\n" in (repo / ".copier-answers.yml").read_text()  # stored absolute
    assert _git(repo, "log", "-1", "--format=%s").strip() == f"Template source: {holder}"
    assert _git(repo, "status", "--porcelain") == ""


def test_a_local_template_source_is_recorded_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from parasol_gitops import template_cache

    (tmp_path / "tpl").mkdir()
    monkeypatch.chdir(tmp_path)
    assert template_cache.absolute_source("tpl") == str(tmp_path / "tpl")
    assert template_cache.absolute_source("./tpl/../tpl") == str(tmp_path / "tpl")
    for remote in ("https://github.com/org/parasol-gitops.git", "gh:org/parasol-gitops",
                   "git@github.com:org/parasol-gitops.git"):
        assert template_cache.absolute_source(remote) == remote


def test_only_a_materialised_template_repository_counts_as_the_cache() -> None:
    from parasol_gitops import template_cache

    assert template_cache.is_cache_repo("/home/someone/.cache/parasol-gitops/template-repo")
    for other in ("/work/parasol-gitops", "/srv/templates/template-repo", "https://x/parasol-gitops/template-repo",
                  None, 3):
        assert not template_cache.is_cache_repo(other)


def test_a_source_checkout_reads_its_own_files_and_version() -> None:
    assert resources.source_checkout() == ROOT and not resources.is_installed()
    assert resources.template_root() == ROOT and resources.schema_path() == ROOT / "pipelines" / "schema.json"
    (declared,) = re.findall(r'(?m)^version = "(.*)"$', (ROOT / "pyproject.toml").read_text())
    assert resources.version() == declared
