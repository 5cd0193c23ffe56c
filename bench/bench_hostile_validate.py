"""`parasol-gitops validate` on hostile repositories: each must end in under 2 s with the Python process under
150 MB, exit 1 with the expected finding, and leave no child process or temporary folder behind.

    python bench/bench_hostile_validate.py [--runs 3] [--max-seconds 2] [--max-mb 150]

Each hostile input (``tests/hostile_repos.HOSTILE``: a FIFO named ``*.yaml``, ``x.yaml -> /dev/zero``, a Helm
``range until 300000000``, a 50 MB kustomization, a 50 MB resource) is added to a minimal repository (one
kustomization with one ConfigMap) so that the figure is the cost of the hostile input, not of a large repository.
validate runs as a child process; its peak memory is the Python process's own (``RUSAGE_SELF``, printed by the
child on exit), not that of kustomize or the Helm renderer, which have their own limits (see
``parasol_gitops/validate/sandbox.py``). The wall time is the median of ``--runs``. Exits 1 when a limit is
missed, so CI can run it.
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
sys.path.insert(0, str(ROOT / "tests"))

from hostile_repos import HOSTILE  # noqa: E402 - tests/ is on the path only now

CHILD = """import resource, sys
from parasol_gitops.cli import main
try:
    main(sys.argv[1:])
finally:
    print("PEAK_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def minimal_repo(root: Path) -> Path:
    """One kustomization (services/orders/base, where the hostile builders add resources) with one ConfigMap."""
    base = root / "services/orders/base"
    base.mkdir(parents=True)
    (base / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: orders\n")
    (base / "kustomization.yaml").write_text("resources:\n  - cm.yaml\n")
    return root


def run(repo: Path, tmp: Path) -> tuple[float, int, int, dict[str, object], float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", CHILD, "validate", str(repo), "--format", "json", "--quiet"],
                          capture_output=True, text=True, env=env, timeout=120)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime  # validate and all its children
    peak = next(int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("PEAK_KB"))
    return seconds, peak // 1024, proc.returncode, json.loads(proc.stdout) if proc.stdout.strip() else {}, cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-seconds", type=float, default=2.0)
    ap.add_argument("--max-mb", type=float, default=150.0)
    args = ap.parse_args()
    failed = False
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)\n")
    print("| hostile input | exit | finding | median wall s | median CPU s (all processes) | peak MB (Python) "
          "| left behind |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as work:
        for name, add in HOSTILE.items():
            repo = minimal_repo(Path(work) / name / "repo")
            check, where = add(repo)
            tmp = Path(work) / name / "tmp"
            tmp.mkdir()
            samples = [run(repo, tmp) for _ in range(args.runs)]
            seconds = statistics.median(s[0] for s in samples)
            cpu = statistics.median(s[4] for s in samples)
            peak = max(s[1] for s in samples)
            code, data = samples[-1][2], samples[-1][3]
            found = any(f["id"] == check and f["where"] == where for f in data.get("findings", []))  # type: ignore[union-attr]
            left = sorted(p.name for p in tmp.iterdir())
            ok = code == 1 and found and seconds < args.max_seconds and peak < args.max_mb and not left
            failed |= not ok
            print(f"| {name} | {code} | {check} {'✓' if found else '✗ missing'} | {seconds:.2f} | {cpu:.2f} | {peak} | "
                  f"{', '.join(left) or '—'} |{'' if ok else ' **FAIL**'}")
            shutil.rmtree(Path(work) / name, ignore_errors=True)
    print(f"\nlimits: wall < {args.max_seconds} s, Python < {args.max_mb} MB, exit 1 with the finding, nothing "
          f"left behind; load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
