"""`validate --changed` (a one-service change) versus full `validate`, on repositories rendered from the template.

    python bench/bench_changed.py [--sizes 10,100,300] [--runs 3] [--out FILE]

Per size: ``parasol-gitops new`` with the answers of ``bench/run.py``, committed on ``main``; a branch changes
one line of one service's production overlay. Both commands run as child processes on that branch, alternating
within each round; each figure is the median of ``--runs``: wall seconds, and CPU seconds (user + sys of the
command and every child it waited for: kustomize, git). The load average before the first round is printed,
because the machine is shared: wall time under load says little, CPU time says what the run costs. Never a
test: times belong here.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRDS = ROOT.parent / "shared" / "schemas" / "crds"
sys.path.insert(0, str(ROOT / "bench"))

from run import _once, answers_for, machine, publish, write_yaml  # noqa: E402

PY = sys.executable
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=b@b"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


def timed_cpu(cmds: list[list[str]], runs: int) -> list[tuple[float, float]]:
    """``(median wall s, median CPU s)`` per command; the commands take turns within each round."""
    samples: list[list[tuple[float, float]]] = [[] for _ in cmds]
    for _ in range(runs):
        for i, cmd in enumerate(cmds):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, check=False)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if proc.returncode not in (0, 1):
                raise SystemExit(f"bench: {' '.join(cmd)} failed ({proc.returncode})")
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            samples[i].append((wall, cpu))
    return [(statistics.median(w for w, _ in s), statistics.median(c for _, c in s)) for s in samples]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,100,300")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pgo-bench-changed-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")
    rows = []
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            data_file = work / f"answers-{n}.yml"
            write_yaml(data_file, answers_for(n))
            repo = work / f"repo-{n}"
            _once([PY, "-m", "parasol_gitops", "new", str(repo), "--data-file", str(data_file), "--defaults"])
            git(repo, "init", "-q", "-b", "main")
            git(repo, "add", "-A")
            git(repo, "commit", "-qm", "generated")
            git(repo, "checkout", "-qb", "change")
            overlay = repo / "services" / "svc-001" / "overlays" / "production" / "kustomization.yaml"
            overlay.write_text(overlay.read_text().replace('newTag: "0.1.0"', 'newTag: "0.2.0"'))
            git(repo, "commit", "-qam", "bump svc-001 in production")
            common = ["--schema-location", str(CRDS), "--format", "json", "--quiet"]
            full = [PY, "-m", "parasol_gitops", "validate", str(repo), *common]
            changed = [PY, "-m", "parasol_gitops", "validate", str(repo), "--changed=main", *common]
            load = os.getloadavg()[0]
            # a first run: no parsed kustomizations remembered (a fresh CI runner); later rounds reuse them
            shutil.rmtree(work / "cache" / "parasol-gitops" / "validate", ignore_errors=True)
            [cold] = timed_cpu([changed], runs=1)
            proc = subprocess.run(changed, capture_output=True, text=True, check=False)
            scope = json.loads(proc.stdout)["stats"]["changed"]
            mine, whole = timed_cpu([changed, full], runs=args.runs)
            rows.append((n, cold, mine, whole, len(scope["built"]), len(scope["skipped"]), load))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [f"Machine: {machine()}; median of {args.runs} round(s); change: one image tag in one service's "
             "production overlay. Wall / CPU (user+sys, children included) in seconds.", "",
             "| services | `validate --changed` wall / CPU | its first run (cold cache) | full `validate` wall / CPU "
             "| ratio (CPU) | target | in scope | skipped | load before |",
             "|---:|---:|---:|---:|---:|---|---:|---:|---:|"]
    for n, (cold_s, cold_cpu), (mine_s, mine_cpu), (whole_s, whole_cpu), built, skipped, load in rows:
        mark = (" ✅" if mine_s <= 3.0 else " ❌") if n >= 300 else ""
        lines.append(f"| {n} | {mine_s:.2f}{mark} / {mine_cpu:.2f} | {cold_s:.2f} / {cold_cpu:.2f} "
                     f"| {whole_s:.2f} / {whole_cpu:.2f} | {mine_cpu / whole_cpu:.2f} | ≤ 3 s at 300 | {built} "
                     f"| {skipped} | {load:.1f} |")
    publish("\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
