"""`validate --changed` (a one-service change) versus full `validate`, on repositories rendered from the template.

    python bench/bench_changed.py [--sizes 10,100,300] [--runs 3] [--out FILE]

Per size: ``parasol-gitops new`` with the answers of ``bench/run.py``, committed on ``main``; a branch changes
one line of one service's production overlay. Every command runs as a child process on that branch; each figure
is wall seconds and CPU seconds (user + sys of the command and every child it waited for: kustomize, git),
the median of ``--runs`` where it says so. validate remembers parsed kustomizations and kustomize builds in
``$XDG_CACHE_HOME`` (here a folder of the bench), so each figure says what the cache held:

- *cache from main*: the cache a ``validate`` run on ``main`` left (emptied first, then one untimed
  ``validate --changed`` on ``main``): the branch's changed overlay is built, the app graph's folders are
  remembered. What a pull request check sees when CI keeps the cache of the default branch's runs. Median.
- *re-run*: everything remembered, the changed overlay too (the same commit checked again). Median, the rounds
  alternating with full ``validate``.
- *cold*: an empty cache (a fresh CI runner). One run each.
- full ``validate``, cold (one run) and with its builds remembered (median, alternating with the re-runs).

The load average before the first timed run is printed, because the machine is shared: wall time under load
says little, CPU time says what the run costs. Never a test: times belong here.
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
            cache = work / "cache" / "parasol-gitops" / "validate"
            from_main = []
            for _ in range(args.runs):
                shutil.rmtree(cache, ignore_errors=True)
                git(repo, "checkout", "-q", "main")
                subprocess.run(changed, capture_output=True, check=False)
                git(repo, "checkout", "-q", "change")
                from_main += timed_cpu([changed], runs=1)
            main_cache = (statistics.median(w for w, _ in from_main), statistics.median(c for _, c in from_main))
            shutil.rmtree(cache, ignore_errors=True)
            [cold] = timed_cpu([changed], runs=1)
            shutil.rmtree(cache, ignore_errors=True)
            [whole_cold] = timed_cpu([full], runs=1)
            proc = subprocess.run(changed, capture_output=True, text=True, check=False)
            scope = json.loads(proc.stdout)["stats"]["changed"]
            mine, whole = timed_cpu([changed, full], runs=args.runs)
            rows.append((n, main_cache, mine, cold, whole_cold, whole, len(scope["built"]), len(scope["skipped"]),
                         load))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [f"Machine: {machine()}; change: one image tag in one service's production overlay. Wall / CPU "
             f"(user+sys, children included) in seconds; medians of {args.runs} round(s) where marked (m), single "
             "runs otherwise. What the cache held: see the docstring of bench/bench_changed.py.", "",
             "| services | `--changed`, cache from main (m) | `--changed` re-run (m) | `--changed` cold "
             "| full `validate` cold | full `validate` re-run (m) | ratio (CPU) | target | in scope | skipped "
             "| load before |",
             "|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|"]
    for n, main_cache, mine, cold, whole_cold, whole, built, skipped, load in rows:
        mark = (" ✅" if main_cache[0] <= 3.0 else " ❌") if n >= 300 else ""
        lines.append(f"| {n} | {main_cache[0]:.2f}{mark} / {main_cache[1]:.2f} | {mine[0]:.2f} / {mine[1]:.2f} "
                     f"| {cold[0]:.2f} / {cold[1]:.2f} | {whole_cold[0]:.2f} / {whole_cold[1]:.2f} "
                     f"| {whole[0]:.2f} / {whole[1]:.2f} | {main_cache[1] / whole_cold[1]:.2f} | ≤ 3 s at 300 "
                     f"| {built} | {skipped} | {load:.1f} |")
    publish("\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
