"""Speed at scale, each figure next to the floor measured in the same run (issue: speed at scale).

    python bench/run.py [--sizes 10,100,300] [--runs 3] [--out bench/results.md]

Every command runs as a child process under ``/usr/bin/time -v`` so that wall time and peak memory
(maximum resident set size) come from the same run; each figure is the median of ``--runs`` rounds, and in
each round a command and its floor run one after the other, so both see the same machine.
Floors:
- new: a bare Copier template writing the same number of files (per service and shared) with trivial content;
- pipeline: ruamel.yaml dumping the very documents the synthesizer produced (parse once, dump again);
- validate: ``kubectl kustomize`` on every overlay, one after another;
- --help: ``python -c "import click"``.
Never a test: times belong here, counts belong in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
PY = sys.executable


@dataclass
class Sample:
    seconds: float
    peak_mb: float


def timed_many(jobs: list[tuple[list[str], Callable[[], None] | None]], runs: int = 3) -> list[Sample]:
    """Median wall time and median peak RSS of each ``(cmd, prepare)`` over ``runs`` rounds.

    The commands take turns (a round runs each once, ``prepare()`` before it), so a figure and its floor see
    the same machine: this machine's speed drifts by tens of percent within minutes.
    """
    secs: list[list[float]] = [[] for _ in jobs]
    mems: list[list[float]] = [[] for _ in jobs]
    for _ in range(runs):
        for i, (cmd, prepare) in enumerate(jobs):
            if prepare is not None:
                prepare()
            seconds, peak = _once(cmd)
            secs[i].append(seconds)
            mems[i].append(peak)
    return [Sample(statistics.median(s), statistics.median(m)) for s, m in zip(secs, mems, strict=True)]


def timed(cmd: list[str], *, runs: int = 3, prepare: Callable[[], None] | None = None) -> Sample:
    return timed_many([(cmd, prepare)], runs)[0]


def _once(cmd: list[str]) -> tuple[float, float]:
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    assert wall and rss, proc.stderr[-500:]
    parts = [float(p) for p in wall.group(1).split(":")]
    seconds = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) == 3 else 0)
    return seconds, int(rss.group(1)) / 1024


def answers_for(n: int) -> dict:
    strategies = ["rolling", "canary", "blue-green"]
    services = []
    for i in range(n):
        services.append({
            "name": f"svc-{i:03d}",
            "port": 8080,
            "strategy": strategies[i % 3],
            "database": "postgresql" if i % 4 == 0 else "none",
            "cache": "redis" if i % 5 == 0 else "none",
            "criticality": ["core", "supporting", "generic"][i % 3],
            "scaling": ["high", "medium", "low"][i % 3],
            "replicas": {"dev": 1, "staging": 2, "production": 3},
        })
    return {"project_name": "bench", "services": services}


def write_yaml(path: Path, data: object) -> None:
    import yaml

    path.write_text(yaml.safe_dump(data, sort_keys=True), encoding="utf-8")


def floor_template(dest: Path, per_service: int, shared: int) -> None:
    """A Copier template with no logic: ``per_service`` trivial files for each service, ``shared`` others."""
    (dest / "template").mkdir(parents=True)
    (dest / "copier.yml").write_text(textwrap.dedent("""\
        _subdirectory: template
        project_name: {type: str, default: bench}
        services: {type: yaml, default: []}
    """))
    svc_dir = dest / "template" / "{% yield s from services %}{{ s.name }}{% endyield %}"
    svc_dir.mkdir(parents=True)
    for i in range(per_service):
        (svc_dir / f"f{i}.yaml.jinja").write_text("name: {{ s.name }}\n")
    for i in range(shared):
        (dest / "template" / f"shared{i}.yaml.jinja").write_text("project: {{ project_name }}\n")
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    subprocess.run(["git", "add", "-A"], cwd=dest, check=True)
    subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "floor"], cwd=dest, check=True)


def count_files(root: Path, services: list[str]) -> tuple[int, int]:
    """(files per service, shared files) of a rendered repository, ignoring .git."""
    files = [p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts]
    per = [p for p in files if any(f"/{s}/" in f"/{p.relative_to(root).as_posix()}" for s in services[:1])]
    return len(per), len(files) - len(per) * len(services)


def overlays(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.glob("services/*/overlays/*/kustomization.yaml"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10,100,300")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results.md"))
    ap.add_argument("--skip", default="", help="comma-separated rows to skip: new,pipeline,validate,help")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    skip = set(filter(None, args.skip.split(",")))
    kubectl = shutil.which("kustomize") or shutil.which("kubectl")
    kcmd = [kubectl] if kubectl and kubectl.endswith("kustomize") else [kubectl or "kubectl", "kustomize"]
    rows: list[tuple[str, str, float, float, float, float | None, str]] = []
    cli = [PY, "-m", "parasol_gitops"]
    work = Path(tempfile.mkdtemp(prefix="pgo-bench-"))
    cache = work / "cache"
    os.environ["XDG_CACHE_HOME"] = str(cache)  # the children's caches: this run's own, never the user's
    try:
        if "help" not in skip:
            mine, floor = timed_many([([*cli, "--help"], None), ([PY, "-c", "import click"], None)],
                                     runs=max(args.runs, 5))
            rows.append(("`--help` start-up", "-", mine.seconds, floor.seconds, mine.peak_mb, 1.5, "import click"))
        for n in sizes:
            answers = answers_for(n)
            data_file = work / f"answers-{n}.yml"
            write_yaml(data_file, answers)
            repo = work / f"repo-{n}"

            def fresh(path: Path = repo) -> None:
                shutil.rmtree(path, ignore_errors=True)

            new_cmd = [*cli, "new", str(repo), "--data-file", str(data_file), "--defaults"]
            fresh()
            _once(new_cmd)  # the repository the other rows use, and the file counts of the floor template
            if "new" not in skip:
                names = [s["name"] for s in answers["services"]]
                per, shared = count_files(repo, names)
                ftpl = work / f"floor-tpl-{n}"
                floor_template(ftpl, per, max(shared, 0))
                fdest = work / f"floor-{n}"
                floor_cmd = [PY, "-c", (
                    "import sys, yaml, copier; copier.run_copy(sys.argv[1], sys.argv[2], "
                    "data=yaml.safe_load(open(sys.argv[3])), defaults=True, quiet=True)")
                    , str(ftpl), str(fdest), str(data_file)]

                def cold_start(path: Path = repo) -> None:
                    fresh(path)
                    shutil.rmtree(cache / "parasol-gitops", ignore_errors=True)

                # a first run on a machine (empty Jinja bytecode cache) and the usual case (warm cache)
                cold, new, floor = timed_many([(new_cmd, cold_start), (new_cmd, fresh),
                                               (floor_cmd, lambda p=fdest: fresh(p))], runs=args.runs)
                # the issue sets this target at 300 services; below, Copier's and Jinja's fixed costs
                # (import, compiling ~180 real templates against trivial ones) are most of the time
                goal = 1.3 if n >= 300 else None
                note = f"bare Copier, {per}×{n}+{shared} files"
                rows.append(("`new`, empty cache", str(n), cold.seconds, floor.seconds, cold.peak_mb, goal, note))
                rows.append(("`new`", str(n), new.seconds, floor.seconds, new.peak_mb, goal, note))
            if "pipeline" not in skip:
                spec = repo / "pipeline.yaml"
                for target in ("github", "gitlab"):
                    out = work / f"pipe-{n}-{target}"
                    pipe_cmd = [*cli, "pipeline", "--target", target, "--spec", str(spec), "--out", str(out)]
                    _once(pipe_cmd)
                    files = [str(p) for p in sorted(out.rglob("*.yml"))]
                    floor_cmd = [PY, "-c", (
                        "import sys, io\nfrom ruamel.yaml import YAML\ny = YAML()\n"
                        "for f in sys.argv[1:]:\n    d = y.load(open(f))\n    y.dump(d, io.StringIO())\n"), *files]
                    mine, floor = timed_many([(pipe_cmd, lambda p=out: fresh(p)), (floor_cmd, None)], runs=args.runs)
                    rows.append((f"`pipeline --target {target}`", str(n), mine.seconds, floor.seconds,
                                 mine.peak_mb, 3.0, "ruamel load+dump of the same files"))
            if "validate" not in skip:
                schemas = SHARED / "schemas" / "crds"
                check_cmd = [*cli, "validate", str(repo), "--schema-location", str(schemas), "--format", "json"]
                loop = [PY, "-c", (
                    "import json, subprocess, sys\n"
                    "for d in sys.argv[2:]:\n"
                    "    subprocess.run(json.loads(sys.argv[1]) + [d], check=True, capture_output=True)\n"),
                    json.dumps(kcmd), *[str(p) for p in overlays(repo)]]
                mine, floor = timed_many([(check_cmd, None), (loop, None)], runs=args.runs)
                rows.append(("`validate`", str(n), mine.seconds, floor.seconds, mine.peak_mb, 0.6,
                             f"`kubectl kustomize` × {len(overlays(repo))} overlays, sequential"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    table = render(rows)
    Path(args.out).write_text(table, encoding="utf-8")
    print(table)


def machine() -> str:
    """The machine a table was measured on, as every bench script's first line states it."""
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def publish(text: str, out: str | None) -> None:
    """Print a results table and, with ``--out``, write it to that file."""
    if out:
        Path(out).write_text(text, encoding="utf-8")
    print(text)


def render(rows: list[tuple[str, str, float, float, float, float | None, str]]) -> str:
    lines = [
        f"Machine: {machine()}. Median of the runs; peak memory = maximum RSS from `/usr/bin/time -v`.",
        "",
        "| what | services | time (s) | floor (s) | ratio | target ratio | peak MB | floor measured |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for what, n, mine, floor, mem, target, note in rows:
        ratio = mine / floor if floor else float("inf")
        ok = "" if target is None else " ✅" if ratio <= target else " ❌"
        goal = "— (≤ 1.3 at 300)" if target is None else f"≤ {target}"
        lines.append(
            f"| {what} | {n} | {mine:.2f} | {floor:.2f} | {ratio:.2f}{ok} | {goal} | {mem:.0f} | {note} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
