"""Issue 11 item 9: hostile files end in a finding, never a hang, a crash (exit 134) or a leftover.

Each hostile input of ``hostile_repos.HOSTILE`` is added to a clean repository and validated in a child process
with a time limit: exit 1, the expected finding and its message, the repository unchanged, no temporary folder
and no child process left. Then the process-group handling itself: a kustomize that never ends is killed with
its whole group on SIGTERM and SIGINT (exit 143 / 2 "aborted", temporaries removed), and on the child time limit.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import CRD_SCHEMAS, ROOT, find_tool
from hostile_repos import HOSTILE
from repo_builders import write_repo
from test_hardening_validate_network import snapshot

from parasol_gitops.validate import sandbox

MESSAGES = {
    "fifo-loose": "not a regular file (FIFO, socket or device): not read",
    "fifo-resource": "resources[6]: fifo.yaml: not a regular file (FIFO, socket or device): folder not built",
    "dev-zero-loose": "resolves outside the repository root: not read",
    "dev-zero-resource": "resources[6]: zero.yaml: resolves outside the repository root: folder not built",
    "helm-range-300000000": "renderer stopped at the 2048 MB memory limit",
    "kustomization-50mb": "bytes, above the 8388608-byte limit: not read",
    "resource-50mb": "bytes, above the 8388608-byte limit: folder not built",
    "build-35mb-in-5-files": "bytes, above the 33554432-byte limit of one build",
}


def processes_mentioning(text: str) -> list[str]:
    """Command lines of live processes containing ``text`` (read from /proc; nothing is signalled)."""
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit() and int(pid) != os.getpid():
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(f"{pid}: {cmdline}")
    return found


def validate(repo: Path, tmp: Path, *, timeout: int = 90, **env: str) -> subprocess.CompletedProcess[str]:
    tmp.mkdir(exist_ok=True)
    full = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp), **env}
    return subprocess.run([sys.executable, "-m", "parasol_gitops", "validate", str(repo), "--format", "json",
                           "--schema-location", str(CRD_SCHEMAS)], capture_output=True, text=True, env=full,
                          timeout=timeout)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_a_finding(tmp_path: Path, name: str) -> None:
    find_tool("kubectl")
    repo = write_repo(tmp_path / "repo", services=("orders",), envs=("dev",))
    check, where = HOSTILE[name](repo)
    before = snapshot(repo) if not name.startswith("fifo") else None  # reading a FIFO to hash it would block
    start = time.monotonic()
    proc = validate(repo, tmp_path / "tmp")
    elapsed = time.monotonic() - start
    assert proc.returncode == 1, proc.stderr
    data: dict[str, Any] = json.loads(proc.stdout)
    messages = [f["message"] for f in data["findings"] if f["id"] == check and f["where"] == where]
    assert messages and MESSAGES[name] in messages[0], data["findings"]
    assert "Traceback" not in proc.stderr and "goroutine" not in proc.stderr
    assert elapsed < 60  # bench/bench_hostile_validate.py holds the real time budget
    assert before is None or snapshot(repo) == before
    assert list((tmp_path / "tmp").iterdir()) == []
    assert processes_mentioning(str(tmp_path)) == []


def _endless_kustomize(bin_dir: Path, marker: Path) -> None:
    """A ``kustomize`` that never ends and leaves a grandchild: what a 50 MB build or a hung fetch looks like."""
    bin_dir.mkdir()
    script = bin_dir / "kustomize"
    script.write_text(f'#!/bin/sh\n"{sys.executable}" -c "import time; time.sleep(600)" "{marker}" &\nwait\n')
    script.chmod(0o755)


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])  # 128 + signal
def test_interrupt_kills_the_child_group_and_removes_temporaries(tmp_path: Path, sig: int, code: int) -> None:
    repo = write_repo(tmp_path / "repo", services=("orders",), envs=("dev",))
    marker = tmp_path / "endless-kustomize"
    _endless_kustomize(tmp_path / "bin", marker)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp),
           "PATH": f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.Popen([sys.executable, "-m", "parasol_gitops", "validate", str(repo), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        while not (processes_mentioning(str(marker)) and list(tmp.glob("parasol-gitops-pgo*-batch_*"))):
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.1)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == code, err
    assert "Traceback" not in err
    time.sleep(0.2)
    assert processes_mentioning(str(marker)) == []
    assert list(tmp.iterdir()) == []


def test_child_time_limit_kills_the_whole_group(tmp_path: Path) -> None:
    marker = f"{tmp_path}/grandchild"
    start = time.monotonic()
    result = sandbox.run_child(["/bin/sh", "-c", f'"{sys.executable}" -c "import time; time.sleep(600)" {marker} '
                                "& wait"], timeout=1.5)
    assert time.monotonic() - start < 10
    assert result.failure == "stopped after the 1.5 s time limit"
    time.sleep(0.2)
    assert processes_mentioning(marker) == []


def test_child_memory_limit_is_a_failure_not_a_crash_of_validate() -> None:
    result = sandbox.run_child([sys.executable, "-c", "x = bytearray(3 * 1024 ** 3)"], timeout=30)
    assert result.returncode != 0 and result.failure == "stopped at the 2048 MB memory limit"
    assert "MemoryError" in result.stderr


def test_limits_are_what_the_readme_documents() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sandbox.MAX_FILE_BYTES == 8 * 1024 * 1024 and "8 MiB" in readme
    assert sandbox.MAX_BUILD_BYTES == 32 * 1024 * 1024 and "32 MiB" in readme
    assert sandbox.CHILD_ADDRESS_SPACE == 2 * 1024 ** 3 and "2 GiB" in readme
    assert f"{sandbox.KUSTOMIZE_TIMEOUT} s" in readme and f"{sandbox.HELM_TIMEOUT} s" in readme


def test_a_spinning_child_of_a_sigkilled_validate_ends_at_its_cpu_limit(tmp_path: Path) -> None:
    marker = f"{tmp_path}/spinner"
    parent = subprocess.Popen([sys.executable, "-c", (
        "import sys; from parasol_gitops.validate import sandbox; "
        f"sandbox.run_child([sys.executable, '-c', 'while True: pass', {marker!r}], timeout=2)")],
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 30
    while not processes_mentioning(marker):
        assert time.monotonic() < deadline and parent.poll() is None
        time.sleep(0.05)
    parent.kill()  # SIGKILL: no handler runs, nobody enforces the wall-clock limit any more
    parent.wait()
    deadline = time.monotonic() + 60  # 3 CPU-seconds, on a shared machine
    while processes_mentioning(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert processes_mentioning(marker) == []


def test_temporaries_of_a_killed_run_are_removed_by_the_next(tmp_path: Path) -> None:
    """SIGKILL leaves no chance to clean up: the next validate removes the folders whose owner is dead, and only
    those (a live run's folder and anything without the tool's mark stay)."""
    repo = write_repo(tmp_path / "repo", services=("orders",), envs=("dev",))
    tmp = tmp_path / "tmp"
    dead = tmp / "parasol-gitops-pgo999999999-batch_abc123"
    alive = tmp / f"parasol-gitops-pgo{os.getpid()}-batch_def456"
    foreign = tmp / "parasol-gitops-batch-unmarked"
    for folder in (dead, alive, foreign):
        (folder / "k").mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    proc = subprocess.run([sys.executable, "-m", "parasol_gitops", "validate", str(repo), "--quiet"],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert not dead.exists() and alive.is_dir() and foreign.is_dir()
