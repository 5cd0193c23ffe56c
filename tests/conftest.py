"""Shared test helpers: the real consumers (validators) and the project's shared test data.

In CI (``CI=true``) a missing validator fails the test; elsewhere it fails too unless
PARASOL_GITOPS_ALLOW_MISSING_TOOLS=1 is set for a quick local loop. Nothing is ever silently skipped.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TOOLS_BIN = ROOT / ".tools" / "node_modules" / ".bin"
CRD_SCHEMAS = SHARED / "schemas" / "crds"
PARASOL_FIXTURES = SHARED / "fixtures" / "parasol"

# The field test's sample services carry their own test suites: their generated pipelines run them, not this
# repository's pytest. (A conftest.py of their own would shadow this module for `from conftest import …`.)
collect_ignore_glob = ["field/services/*"]


def find_tool(name: str) -> str:
    """Absolute path of a validator, or a test failure explaining how to install it."""
    local = TOOLS_BIN / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("PARASOL_GITOPS_ALLOW_MISSING_TOOLS") == "1" and os.environ.get("CI") != "true":
        pytest.skip(f"{name} not installed (PARASOL_GITOPS_ALLOW_MISSING_TOOLS=1)")
    pytest.fail(f"{name} is not installed: run tests/install-tools.sh (../shared/TOOLCHAIN.md)")


def run_tool(args: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
             timeout: int = 300) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(args, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared test data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def crd_schemas(shared_dir: Path) -> Path:
    return CRD_SCHEMAS


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> CliResult:
    """The real entry point (``parasol_gitops.cli.main``) in-process: exit code, stdout and stderr."""
    from parasol_gitops import messages
    from parasol_gitops.cli import main

    messages.set_language(None)
    out, err = io.StringIO(), io.StringIO()
    old_cwd = Path.cwd()
    old_env = {k: os.environ.get(k) for k in (env or {})}
    code = 0
    try:
        os.environ.update(env or {})
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        os.chdir(old_cwd)
        for k, v in old_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        messages.set_language(None)
    return CliResult(code, out.getvalue(), err.getvalue())


def run_cli_subprocess(*args: str, cwd: Path | None = None,
                       env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The installed console script in a child process, for tests about tracebacks, stdout and exit codes."""
    return run_tool([sys.executable, "-m", "parasol_gitops", *args], cwd=cwd, env=env)
