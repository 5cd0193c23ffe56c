"""`parasol-gitops validate` on a large repository versus `kubectl kustomize` on each overlay, one after another.

    python bench/bench_validate.py [--services 100] [--envs dev,staging,production] [--runs 3] [--template]

The repository is written by ``tests/repo_builders.write_repo`` (hand-built, every check passing) or, with
``--template``, rendered from this repository's Copier template through ``parasol_gitops.scaffold.copy`` with the
answers of ``bench/run.py``. Both sides run as child processes; each figure is the median of ``--runs``.
The floor builds only ``services/*/overlays/*`` and ``platform/overlays/*``; validate also builds every other
root, reads bootstrap/, validates every object against its schema, resolves the app graph and runs the
policies. Never a test: times belong here, counts belong in tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRDS = ROOT.parent / "shared" / "schemas" / "crds"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))


def run_once(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    return time.perf_counter() - start, proc


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--services", type=int, default=100)
    ap.add_argument("--envs", default="dev,staging,production")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--template", action="store_true", help="render the Copier template instead of the builder")
    args = ap.parse_args()
    envs = args.envs.split(",")
    work = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    try:
        repo = work / "repo"
        if args.template:
            from run import answers_for

            from parasol_gitops import scaffold

            answers = answers_for(args.services)
            answers["environments"] = [{"name": e} for e in envs]
            scaffold.copy(repo, answers)
        else:
            from repo_builders import write_repo

            write_repo(repo, services=[f"svc-{i:03d}" for i in range(args.services)], envs=envs)
        overlays = sorted(str(p.parent) for p in [*repo.glob("services/*/overlays/*/kustomization.yaml"),
                                                   *repo.glob("platform/overlays/*/kustomization.yaml")])
        kubectl = shutil.which("kubectl") or "kubectl"
        loop = [sys.executable, "-c",
                "import subprocess, sys\n"
                "for d in sys.argv[2:]:\n"
                "    subprocess.run([sys.argv[1], 'kustomize', d], check=True, capture_output=True)\n",
                kubectl, *overlays]
        mine_cmd = [sys.executable, "-m", "parasol_gitops", "validate", str(repo), "--schema-location", str(CRDS),
                    "--format", "json", "--quiet"]
        # alternate the two sides so that load from other processes weighs on both alike
        mine_times, floor_times = [], []
        for _ in range(args.runs):
            seconds, proc = run_once(mine_cmd)
            if proc.returncode not in (0, 1):
                raise SystemExit(f"validate failed: {proc.stderr}")
            mine_times.append(seconds)
            seconds, loop_proc = run_once(loop)
            if loop_proc.returncode != 0:
                raise SystemExit(f"kubectl loop failed: {loop_proc.stderr}")
            floor_times.append(seconds)
        mine, floor = statistics.median(mine_times), statistics.median(floor_times)
        import json

        stats = json.loads(proc.stdout)["stats"]
        print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
              f"median of {args.runs} run(s); repository: {'template' if args.template else 'builder'}, "
              f"{args.services} services × {len(envs)} environments")
        print()
        print("| what | time (s) | notes |")
        print("|---|---:|---|")
        print(f"| `parasol-gitops validate` | {mine:.2f} | {stats['kustomizations_built']} kustomizations built, "
              f"{stats['objects']} objects schema-checked, app graph + policies |")
        print(f"| `kubectl kustomize` loop | {floor:.2f} | {len(overlays)} overlays, one after another, build only |")
        print(f"| ratio | {mine / floor:.2f} | validate ÷ loop (lower is better) |")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
