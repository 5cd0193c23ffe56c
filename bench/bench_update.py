"""`parasol-gitops update` versus bare `copier update` on the same repository and the same template change.

    python bench/bench_update.py [--sizes 10,100,300] [--runs 3] [--out bench/results-update.md]

Per size: this repository's template in its own git repository (tag v1), a GitOps repository made from v1 by
``parasol-gitops new`` with the answers of ``bench/run.py`` and committed, then a template change tagged v2 (a
line in the generated README, one new file, one changed overlay template line). Each round restores the
committed repository (``git reset --hard`` + ``git clean``) before each side, so both update the same tree:

- ``copier update``: ``copier.run_update(defaults=True, overwrite=True, skip_answered=True, conflict="inline")``
  in a child process, exactly what ``parasol-gitops update`` asks Copier for;
- ``parasol-gitops update``: the same plus the CI files re-synthesized.

The two sides alternate within a round so that both see the same machine. Never a test: times belong here.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from run import _once, answers_for, machine, publish, timed_many, write_yaml  # noqa: E402

PY = sys.executable
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "bench",
           "GIT_COMMITTER_EMAIL": "b@b"}
BARE = ("import sys, warnings, copier\nwarnings.simplefilter('ignore')\n"
        "copier.run_update(sys.argv[1], defaults=True, overwrite=True, skip_answered=True, conflict='inline', "
        "quiet=True, unsafe=False)\n")


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


def template_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    shutil.copy2(ROOT / "copier.yml", path / "copier.yml")
    shutil.copytree(ROOT / "template", path / "template")
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "v1")
    git(path, "tag", "v1")
    return path


def template_change(path: Path) -> None:
    """A typical template release: a README line, one new file, a comment in every service's base."""
    readme = path / "template" / "README.md.jinja"
    readme.write_text(readme.read_text() + "\n> Template v2.\n")
    (path / "template" / "SECURITY.md.jinja").write_text("# Security of {{ project_name }}\n")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "v2")
    git(path, "tag", "v2")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,100,300")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    os.environ.update(GIT_ENV)
    work = Path(tempfile.mkdtemp(prefix="pgo-bench-update-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    rows = []
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            tpl = template_repo(work / f"tpl-{n}")
            data_file = work / f"answers-{n}.yml"
            write_yaml(data_file, answers_for(n))
            repo = work / f"repo-{n}"
            _once([PY, "-m", "parasol_gitops", "new", str(repo), "--template", str(tpl), "--vcs-ref", "v1",
                   "--data-file", str(data_file), "--defaults"])
            git(repo, "init", "-q", "-b", "main")
            git(repo, "add", "-A")
            git(repo, "commit", "-q", "-m", "generated")
            template_change(tpl)

            def restore(r: Path = repo) -> None:
                git(r, "reset", "-q", "--hard", "HEAD")
                git(r, "clean", "-qfdx")

            mine_cmd = [PY, "-m", "parasol_gitops", "update", str(repo)]
            bare_cmd = [PY, "-c", BARE, str(repo)]
            if not rows:
                _once(mine_cmd)  # warm the Jinja bytecode cache, as on any machine after the first run
            updated: list[bool] = []

            def check_then_restore(r: Path = repo, seen: list[bool] = updated) -> None:
                # each side must really have updated: the template's new file is there after it ran
                seen.append((r / "SECURITY.md").is_file())
                restore(r)

            restore()
            mine, bare = timed_many([(mine_cmd, check_then_restore), (bare_cmd, check_then_restore)],
                                    runs=args.runs)
            check_then_restore()
            assert all(updated[1:]), f"an update did not bring the template change at {n} services"
            restore()
            rows.append((n, mine.seconds, bare.seconds, mine.peak_mb))
            print(f"| {n} | {mine.seconds:.2f} | {bare.seconds:.2f} | {mine.seconds / bare.seconds:.2f} |",
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [f"Machine: {machine()}; median of {args.runs} round(s); template change: README line + new file.",
             "",
             "| services | `parasol-gitops update` (s) | bare `copier update` (s) | ratio | target | peak MB |",
             "|---:|---:|---:|---:|---:|---:|"]
    for n, mine_s, bare_s, mem in rows:
        ratio = mine_s / bare_s
        mark = (" ✅" if ratio <= 0.5 else " ❌") if n >= 100 else ""
        lines.append(f"| {n} | {mine_s:.2f} | {bare_s:.2f} | {ratio:.2f}{mark} | ≤ 0.5 at 100 | {mem:.0f} |")
    publish("\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
