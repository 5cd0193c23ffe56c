"""`validate --changed` (a one-service change) versus full `validate`, on repositories rendered from the template.

    python bench/bench_changed.py [--sizes 10,100,300] [--runs 3] [--out FILE]

Per size: ``parasol-gitops new`` with the answers of ``bench/run.py``, committed on ``main``; a branch changes
one line of one service's production overlay. Both commands run as child processes on that branch, alternating
within each round; each figure is the median of ``--runs``. Never a test: times belong here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRDS = ROOT.parent / "shared" / "schemas" / "crds"
sys.path.insert(0, str(ROOT / "bench"))

from run import _once, answers_for, machine, publish, timed_many, write_yaml  # noqa: E402

PY = sys.executable
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=b@b"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)


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
            proc = subprocess.run(changed, capture_output=True, text=True, check=False)
            scope = json.loads(proc.stdout)["stats"]["changed"]
            mine, whole = timed_many([(changed, None), (full, None)], runs=args.runs)
            rows.append((n, mine.seconds, whole.seconds, len(scope["built"]), len(scope["skipped"])))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [f"Machine: {machine()}; median of {args.runs} round(s); change: one image tag in one service's "
             "production overlay.", "",
             "| services | `validate --changed` (s) | full `validate` (s) | ratio | target | in scope | skipped |",
             "|---:|---:|---:|---:|---|---:|---:|"]
    for n, mine_s, whole_s, built, skipped in rows:
        mark = (" ✅" if mine_s <= 3.0 else " ❌") if n >= 300 else ""
        lines.append(f"| {n} | {mine_s:.2f}{mark} | {whole_s:.2f} | {mine_s / whole_s:.2f} | ≤ 3 s at 300 | {built} "
                     f"| {skipped} |")
    publish("\n".join(lines) + "\n", args.out)


if __name__ == "__main__":
    main()
