"""Benchmark: `pipeline` synthesis for 10/100/300 services, both targets, against a ruamel.yaml floor.

The floor dumps the very same documents (parsed back from our output) with ruamel.yaml, so the ratio
is our cost over the unavoidable YAML emission. Median of 3 runs. "CLI" is the whole command in a child
process (start-up, reading and checking pipeline.yaml, writing the files). "largest file" matters for
GitLab's max_yaml_size_bytes limit (1 MB; 2 MB after gitlab-org/gitlab!160826). Peak memory is this process's
and the largest CLI child's maximum resident set size. Not a test: prints a markdown table.
Run: python bench/bench_pipeline.py
"""

from __future__ import annotations

import io
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ruamel.yaml import YAML

from parasol_gitops.pipeline import synthesize, validate_spec
from parasol_gitops.yamlio import dumper


def spec(n: int) -> dict:
    return {
        "version": 1, "project": "bench",
        "services": [{"name": f"svc-{i:03d}", "path": f"services/svc-{i:03d}", "image": f"ghcr.io/example/svc-{i:03d}",
                      "strategy": ("rolling", "canary", "blue-green")[i % 3], "commands": {"unit": "make test"}}
                     for i in range(n)],
        "environments": [{"name": "dev", "tier": "development"}, {"name": "staging", "tier": "staging"},
                         {"name": "production", "tier": "production"}],
        "stages": [
            {"name": "lint_and_test", "type": "lint_and_test"},
            {"name": "build", "type": "build", "needs": ["lint_and_test"]},
            {"name": "security_scan", "type": "security_scan", "needs": ["build"]},
            {"name": "deploy_dev", "type": "deploy", "environment": "dev", "needs": ["security_scan"]},
            {"name": "deploy_staging", "type": "deploy", "environment": "staging", "needs": ["deploy_dev"]},
            {"name": "deploy_production", "type": "deploy", "environment": "production", "needs": ["deploy_staging"]},
        ],
        "repository_checks": True,
    }


def median(fn, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    rows = ["| services | target | synthesize (s) | ruamel dump floor (s) | ratio | CLI (s) | files | output bytes "
            "| largest file |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---:|"]
    tmp = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    for n in (10, 100, 300):
        raw = spec(n)
        spec_file = tmp / f"pipeline-{n}.yaml"
        spec_file.write_text(json.dumps(raw))  # JSON is YAML: the CLI reads it like any pipeline.yaml
        for target in ("github", "gitlab"):
            files = synthesize(raw, target)
            docs = [YAML().load(text) for text in files.values()]

            def floor(docs=docs) -> None:
                for doc in docs:
                    dumper().dump(doc, io.StringIO())

            ours = median(lambda raw=raw, target=target: synthesize(validate_spec(raw, source="bench"), target))
            base = median(floor)
            size = sum(len(t.encode()) for t in files.values())
            largest = max(len(t.encode()) for t in files.values())
            cli = median(lambda target=target, spec_file=spec_file: subprocess.run(
                [sys.executable, "-m", "parasol_gitops.cli", "pipeline", "--target", target, "--spec", str(spec_file),
                 "--out", str(tmp / f"out-{target}")], check=True, capture_output=True))
            rows.append(f"| {n} | {target} | {ours:.3f} | {base:.3f} | {ours / base:.2f}x | {cli:.3f} | {len(files)} "
                        f"| {size} | {largest} |")
    print("\n".join(rows))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    cli_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\npeak memory (max resident set): benchmark process {peak_mb:.0f} MB, largest CLI run {cli_mb:.0f} MB")


if __name__ == "__main__":
    main()
