"""Issue 11, "Data loss": no lost edit under concurrency, an interrupted update leaves the project as it was, and
killed runs leave nothing that the next run does not clean up.

Every CLI here runs as a real child process (``python -m parasol_gitops``) so that it can be raced and killed.
Exact points are reached through the test hook ``PARASOL_GITOPS_TEST_CHECKPOINT`` (``fsutil.checkpoint``): the
child announces the point with a file and pauses there, the test sends the signal.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT
from parasol_builders import make_project, tree_hashes
from test_update import GIT_ENV, git, make_template_repo, new_repo, release

OVERLAY = """\
# production overlay: edited by hand and by two deploy jobs
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base
images:
  - name: ghcr.io/example/orders
    newTag: "0.0.0"
  - name: ghcr.io/example/payments
    newTag: "0.0.0"
"""


def child_env(tmp_path: Path, checkpoint: str | None = None, **extra: str) -> dict[str, str]:
    marks = tmp_path / "checkpoints"
    marks.mkdir(exist_ok=True)
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8", **extra}
    env.pop("PARASOL_GITOPS_TEST_CHECKPOINT", None)
    if checkpoint:
        env["PARASOL_GITOPS_TEST_CHECKPOINT"] = checkpoint
        env["PARASOL_GITOPS_TEST_CHECKPOINT_DIR"] = str(marks)
    return env


def spawn(args: list[str], env: dict[str, str], cwd: Path | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "parasol_gitops", *args], env=env, cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_for_mark(tmp_path: Path, name: str, proc: subprocess.Popen[str], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (tmp_path / "checkpoints" / f"{name}.{proc.pid}").exists():
            return
        if proc.poll() is not None:
            _out, err = proc.communicate()
            pytest.fail(f"child ended ({proc.returncode}) before checkpoint {name}: {err[-2000:]}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"checkpoint {name} not reached in {timeout} s")


def interrupt_at(tmp_path: Path, args: list[str], point: str, sig: signal.Signals,
                 cwd: Path | None = None, **extra: str) -> tuple[int, str]:
    """Run the CLI until it pauses at ``point``, send ``sig``, return (exit code, stderr)."""
    proc = spawn(args, child_env(tmp_path, f"{point}:120", **extra), cwd=cwd)
    wait_for_mark(tmp_path, point, proc)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    return proc.returncode, err


def state(root: Path) -> tuple[dict[str, str], str, str]:
    """What the user sees of a project: every file's bytes, ``git status`` and the index."""
    status = git(root, "status", "--porcelain", "--untracked-files=all", "--ignored")
    index = git(root, "ls-files", "--stage")
    return tree_hashes(root), status, index


# --- 1. concurrent bump ----------------------------------------------------------------------------------------


def test_twenty_pairs_of_concurrent_bumps_keep_both_edits(tmp_path: Path) -> None:
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    target = overlay / "kustomization.yaml"
    # Both children pause 0.3 s between reading the file and writing it back: without the lock each would write
    # its edit over the other's (the issue saw 49 lost edits in 50 trials without any pause).
    env = child_env(tmp_path, "locked-read:0.3")
    for trial in range(20):
        target.write_text(OVERLAY, encoding="utf-8")
        procs = [spawn(["bump", "--overlay", str(overlay), "--image", f"ghcr.io/example/{name}={trial}.{i}.0"], env)
                 for i, name in enumerate(("orders", "payments"))]
        results = [(p.wait(timeout=120), p.stderr.read() if p.stderr else "") for p in procs]
        for proc in procs:
            for stream in (proc.stdout, proc.stderr):
                if stream:
                    stream.close()
        assert [code for code, _ in results] == [0, 0], results
        text = target.read_text(encoding="utf-8")
        assert f'newTag: "{trial}.0.0"' in text and f'newTag: "{trial}.1.0"' in text, f"trial {trial}: {text}"
        assert sorted(p.name for p in overlay.iterdir()) == ["kustomization.yaml"]  # no temporary left


def test_dr_record_of_one_drill_twice_at_once_never_loses_the_refusal(tmp_path: Path) -> None:
    """Two different results for the same drill at once: exactly one is written, the other refused (exit 2)."""
    env = child_env(tmp_path, "locked-read:0.3")
    (tmp_path / ".copier-answers.yml").write_text("project_name: demo\n")  # dr record wants a GitOps repository
    args = ["dr", "record", str(tmp_path), "--backup", "daily-1", "--rto-minutes", "10", "--rpo-minutes", "5",
            "--date", "2026-01-02"]
    procs = [spawn([*args, "--result", result], env) for result in ("succeeded", "failed")]
    codes = sorted(p.wait(timeout=120) for p in procs)
    for proc in procs:
        proc.communicate()
    assert codes == [0, 2]
    written = (tmp_path / "dr" / "drills" / "2026-01-02-daily-1.yaml").read_text()
    assert written.count("result:") == 1


def test_parasol_yaml_edited_during_a_run_keeps_the_users_edit(tmp_path: Path) -> None:
    """The phase-7 splice is a read-modify-write: an edit the user saved while ``platform`` ran survives it."""
    from parasol_gitops.parasol import progress
    from parasol_gitops.parasol.project import load

    root = make_project(tmp_path / "shop")
    project = load(root / "parasol.yaml")
    marked = progress.mark_started(project, "2026-01-01T00:00:00Z")
    users = project.raw_text.replace("name: demo-shop", "name: demo-shop  # renamed by hand", 1)
    assert users != project.raw_text
    (root / "parasol.yaml").write_text(users, encoding="utf-8")
    progress.write(project, marked, backup=False,
                   redo=lambda fresh: progress.mark_started(fresh, "2026-01-01T00:00:00Z"))
    text = (root / "parasol.yaml").read_text(encoding="utf-8")
    assert "# renamed by hand" in text
    assert "status: in_progress" in text
    progress.restore(project, None, written=marked)  # the file is not what this run wrote: left alone
    assert (root / "parasol.yaml").read_text(encoding="utf-8") == text


# --- 2. update killed mid-run --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def updatable(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A project generated from template v1 and committed; v2 changes every YAML file and adds one."""
    base = tmp_path_factory.mktemp("update")
    saved = {k: os.environ.get(k) for k in GIT_ENV}
    os.environ.update(GIT_ENV)
    try:
        template = make_template_repo(base / "template-src")
        dest = base / "project"
        new_repo(template, dest)
        changed = 0
        for path in sorted((template / "template").rglob("*.yaml.jinja")):
            path.write_text(path.read_text(encoding="utf-8") + "\n# template v2\n", encoding="utf-8")
            changed += 1
        assert changed > 10
        (template / "template" / "UPGRADING.md").write_text("# Upgraded to v2\n", encoding="utf-8")
        release(template, "v2", "template v2")
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return template, dest


UPDATE_POINTS = [
    ("update-cloned", signal.SIGINT),
    ("update-staged", signal.SIGINT),
    ("update-moving", signal.SIGINT),
    ("update-moved", signal.SIGTERM),
    ("update-cloned", signal.SIGKILL),
    ("update-staged", signal.SIGKILL),
]


@pytest.mark.parametrize(("point", "sig"), UPDATE_POINTS, ids=[f"{p}-{s.name}" for p, s in UPDATE_POINTS])
def test_interrupted_update_leaves_the_project_as_it_was(updatable: tuple[Path, Path], tmp_path: Path,
                                                         point: str, sig: signal.Signals) -> None:
    _, dest = updatable
    before = state(dest)
    systmp = tmp_path / "systmp"
    systmp.mkdir()
    code, err = interrupt_at(tmp_path, ["update", str(dest), "--vcs-ref", "v2"], point, sig, TMPDIR=str(systmp))
    assert code == (-9 if sig == signal.SIGKILL else 130), err
    assert "Traceback" not in err
    assert state(dest) == before
    work = dest / ".git" / "parasol-gitops"
    assert not (work / "update-journal.json").exists()
    if sig != signal.SIGKILL:  # cleaned up at once; after SIGKILL the next run sweeps them (see below)
        assert [p.name for p in work.iterdir()] == []
        assert list(systmp.iterdir()) == []


@pytest.mark.parametrize("point", ["update-moving", "update-moved"])
def test_update_killed_while_moving_in_is_rolled_back_by_the_next_run(updatable: tuple[Path, Path],
                                                                      tmp_path: Path, point: str) -> None:
    _, dest = updatable
    before = state(dest)
    code, _ = interrupt_at(tmp_path, ["update", str(dest), "--vcs-ref", "v2"], point, signal.SIGKILL)
    assert code == -9
    assert state(dest) != before  # killed between renames: half moved in, journal on disk
    assert (dest / ".git" / "parasol-gitops" / "update-journal.json").is_file()
    # The next run rolls back first, says so, and only then clones: stop it there and look.
    proc = spawn(["update", str(dest), "--vcs-ref", "v2"], child_env(tmp_path, "update-cloned:120"))
    wait_for_mark(tmp_path, "update-cloned", proc)
    assert state(dest) == before
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "was interrupted while moving files in; restored" in err
    assert "removed 1 temporary folder(s)" in err  # the killed run's staging clone
    assert state(dest) == before
    assert [p.name for p in (dest / ".git" / "parasol-gitops").iterdir()] == []


def test_update_after_interruptions_completes_with_every_change(updatable: tuple[Path, Path],
                                                                tmp_path: Path) -> None:
    _, dest = updatable
    proc = spawn(["update", str(dest), "--vcs-ref", "v2"], child_env(tmp_path))
    _out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert (dest / "UPGRADING.md").read_text() == "# Upgraded to v2\n"
    changed = git(dest, "status", "--porcelain").splitlines()
    assert len(changed) > 10
    assert all((dest / line[3:]).read_text().endswith("# template v2\n")
               for line in changed if line[3:].endswith(".yaml") and line.startswith(" M"))


# --- 3. killed new / platform leave nothing behind -----------------------------------------------------------


def test_killed_new_leaves_temporaries_that_the_next_run_removes(tmp_path: Path) -> None:
    systmp = tmp_path / "systmp"
    systmp.mkdir()
    work = tmp_path / "work"
    work.mkdir()
    proc = spawn(["new", str(work / "first"), "--defaults"], child_env(tmp_path, "new-rendered:120",
                                                                        TMPDIR=str(systmp)))
    wait_for_mark(tmp_path, "new-rendered", proc)
    proc.kill()
    proc.communicate()
    left = sorted(p.name for p in work.iterdir())
    assert len(left) == 1 and left[0].startswith(f".first.render-pgo{proc.pid}-"), left
    assert [p.name for p in systmp.iterdir()] == [p.name for p in systmp.glob(f"parasol-gitops-pgo{proc.pid}-*")]
    assert list(systmp.iterdir())  # Copier's clone of the template was in the tool's own temporary folder
    # a foreign folder of the same shape whose pid is alive (ours) must survive the sweep
    alive = work / f".other.render-pgo{os.getpid()}-keep"
    alive.mkdir()
    second = spawn(["new", str(work / "second"), "--defaults"], child_env(tmp_path, TMPDIR=str(systmp)))
    _, err = second.communicate(timeout=600)
    assert second.returncode == 0, err
    assert sorted(p.name for p in work.iterdir()) == [alive.name, "second"]
    assert list(systmp.iterdir()) == []


def test_interrupted_new_removes_its_staging_at_once(tmp_path: Path) -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        work = tmp_path / sig.name
        work.mkdir()
        code, err = interrupt_at(tmp_path, ["new", str(work / "repo"), "--defaults"], "new-rendered", sig)
        assert code == 130, err
        assert list(work.iterdir()) == []


def test_killed_platform_is_reported_and_finished_by_the_next_run(tmp_path: Path) -> None:
    root = make_project(tmp_path / "shop")
    original = (root / "parasol.yaml").read_bytes()
    code, _ = interrupt_at(tmp_path, ["platform"], "new-rendered", signal.SIGINT, cwd=root)
    assert code == 130
    assert (root / "parasol.yaml").read_bytes() == original  # SIGINT: restored at once
    assert not (root / "outputs" / "7-platform").exists()
    code, _ = interrupt_at(tmp_path, ["platform"], "new-rendered", signal.SIGKILL, cwd=root)
    assert code == -9
    assert "status: in_progress" in (root / "parasol.yaml").read_text()
    assert [p.name for p in (root / "outputs").iterdir() if p.name.startswith(".")]  # the render folder
    proc = spawn(["platform"], child_env(tmp_path), cwd=root)
    _out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert "the last phase-7 run (started " in err and "was interrupted" in err
    assert "status: completed" in (root / "parasol.yaml").read_text()
    assert not [p.name for p in (root / "outputs").iterdir() if p.name.startswith(".")]


def test_a_second_platform_run_at_once_is_refused_and_the_lock_nests(tmp_path: Path) -> None:
    """The run lock is per process: a second process is refused; within the run, editing parasol.yaml in the
    same folder (outputs configured as the project root) does not wait for the run's own lock."""
    from parasol_gitops.errors import InputError
    from parasol_gitops.fsutil import folder_lock, locked_update
    from parasol_gitops.parasol import progress
    from parasol_gitops.parasol.project import load

    root = make_project(tmp_path / "shop")
    project = load(root / "parasol.yaml")
    project.output_dir = root
    with progress.run_lock(project):
        assert locked_update(root / "parasol.yaml", lambda old: (old or b"") + b"# edited\n")
        other = subprocess.run(
            [sys.executable, "-c", "import sys; from pathlib import Path; from parasol_gitops.fsutil import "
             "folder_lock\ntry:\n    with folder_lock(Path(sys.argv[1]), wait=False): pass\nexcept "
             "BlockingIOError:\n    sys.exit(7)", str(root)], env=child_env(tmp_path), check=False)
        assert other.returncode == 7
    with folder_lock(root, wait=False):  # released
        pass
    with pytest.raises(InputError, match="another parasol-gitops platform run"):
        holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from pathlib import Path; from "
                                   "parasol_gitops.fsutil import folder_lock\nwith folder_lock(Path(sys.argv[1])):"
                                   "\n    print('held', flush=True); time.sleep(30)", str(root)],
                                  env=child_env(tmp_path), stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout is not None and holder.stdout.readline() == "held\n"
            with progress.run_lock(project):
                pass
        finally:
            holder.kill()
            holder.communicate()


def _small_repo(root: Path) -> Path:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "a.txt").write_text("a v1\n")
    (root / "b.txt").write_text("b v1\n")
    (root / "keep").mkdir()
    (root / "keep" / "k.txt").write_text("k\n")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "v1")
    return root


def _edit(work: Path) -> list[str]:
    (work / "a.txt").write_text("a v2\n")
    (work / "b.txt").unlink()
    (work / "new" / "deep").mkdir(parents=True)
    (work / "new" / "deep" / "c.txt").write_text("c\n")
    return []


@pytest.mark.parametrize("point", ["update-moving", "update-moved"])
def test_journal_rolls_back_a_move_cut_short_in_process_and_after_a_kill(tmp_path: Path, point: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The journal logic on a small repository, without Copier: an exception at each point of the move rolls
    back at once; the same point with the process "killed" (no rollback, no clean-up) is rolled back by
    :func:`staging.recover` on the next run."""
    from parasol_gitops import staging

    root = _small_repo(tmp_path / "repo")
    before = state(root)
    repo = staging.locate(root)

    def stop_at(name: str) -> None:
        if name == point:
            raise KeyboardInterrupt(name)

    monkeypatch.setattr(staging, "checkpoint", stop_at)
    with staging.update_lock(repo), pytest.raises(KeyboardInterrupt):
        staging.staged_update(repo, _edit)
    assert state(root) == before
    assert list(repo.work.iterdir()) == []

    # a kill: neither the rollback nor the removal of the staging folder runs
    monkeypatch.setattr(staging, "_rollback", lambda *_args: 0)
    monkeypatch.setattr(staging.shutil, "rmtree", lambda *_args, **_kwargs: None)
    with staging.update_lock(repo), pytest.raises(KeyboardInterrupt):
        staging.staged_update(repo, _edit)
    assert state(root) != before
    monkeypatch.undo()
    with staging.update_lock(repo) as notes:
        assert notes[0].startswith(f"the last update of {root} was interrupted while moving files in; restored 3")
    assert state(root) == before
    # the "killed" run's staging folder is this live process's, so the sweep keeps it (a dead pid's goes)
    assert [p.name.startswith(f".update.stage-pgo{os.getpid()}-") for p in repo.work.iterdir()] == [True]


def test_journal_moves_every_kind_of_change_in(tmp_path: Path) -> None:
    from parasol_gitops import staging

    root = _small_repo(tmp_path / "repo")
    repo = staging.locate(root)
    with staging.update_lock(repo):
        assert staging.staged_update(repo, _edit) == []
    assert (root / "a.txt").read_text() == "a v2\n"
    assert not (root / "b.txt").exists()
    assert (root / "new" / "deep" / "c.txt").read_text() == "c\n"
    assert git(root, "status", "--porcelain", "--untracked-files=all").splitlines() == [
        " M a.txt", " D b.txt", "?? new/deep/c.txt"]
    assert list(repo.work.iterdir()) == []


def test_copiers_unmerged_index_entries_reach_the_projects_index(tmp_path: Path) -> None:
    """Copier records an inline conflict as stages 1-3 in the index, with blobs it hashed into the clone's object
    store: both must reach the project, or ``git status``/``git mergetool`` would not see the conflict."""
    from parasol_gitops import staging

    root = _small_repo(tmp_path / "repo")

    def conflict(work: Path) -> list[str]:
        (work / "a.txt").write_text("<<<<<<< before updating\na mine\n=======\na theirs\n>>>>>>> after updating\n")
        lines = [f"0 {'0' * 40}\ta.txt"]
        for stage, text in ((1, "a base\n"), (2, "a mine\n"), (3, "a theirs only in the clone\n")):
            sha = subprocess.run(["git", "hash-object", "-w", "--stdin"], cwd=work, input=text, text=True,
                                 capture_output=True, check=True).stdout.strip()
            lines.append(f"100644 {sha} {stage}\ta.txt")
        subprocess.run(["git", "update-index", "--index-info"], cwd=work, input="\n".join(lines) + "\n",
                       text=True, check=True)
        return ["a.txt"]

    repo = staging.locate(root)
    with staging.update_lock(repo):
        assert staging.staged_update(repo, conflict) == ["a.txt"]
    unmerged = git(root, "ls-files", "-u").splitlines()
    assert [line.split()[2] for line in unmerged] == ["1", "2", "3"]
    theirs = unmerged[2].split()[1]
    assert git(root, "cat-file", "blob", theirs) == "a theirs only in the clone\n"
    assert git(root, "status", "--porcelain").splitlines() == ["UU a.txt"]
