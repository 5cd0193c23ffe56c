"""Hostile YAML inputs of issue 11 (item 8, 10), written to files; shared by tests/test_hardening_limits.py (exit
code and message) and bench/bench_hostile.py (time and memory of each as a child process)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

SERVICE = "services:\n  - name: orders\n    path: services/orders\n    image: ghcr.io/example/orders\n"


def billion_laughs() -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "version: 1\n" + SERVICE + "\n".join(lines) + "\n"


def ten_million_leaves() -> str:
    lines = [f"x0: &x0 [{', '.join(['leaf'] * 10)}]"]
    lines += [f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 10)}]" for i in range(1, 7)]
    return "version: 1\n" + SERVICE + "\n".join(lines) + "\n"


def comment_line() -> str:
    return "version: 1\n# " + "x" * 1_000_000 + "\n" + SERVICE


def deep_flow() -> str:
    return "version: 1\n" + SERVICE + "x: " + "[" * 400 + "]" * 400 + "\n"


def deep_block() -> str:
    return "version: 1\n" + SERVICE + "".join(f"{'  ' * i}k:\n" for i in range(400)) + "  " * 400 + "k: v\n"


def needs_chain() -> str:
    stages = ["stages:", "  - {name: s0, type: lint_and_test}"]
    stages += [f"  - {{name: s{i}, type: lint_and_test, needs: [s{i - 1}]}}" for i in range(1, 1500)]
    return "version: 1\n" + SERVICE + "\n".join(stages) + "\n"


def too_large() -> str:
    line = "# " + "x" * 1000 + "\n"
    return "version: 1\n" + SERVICE + line * 1100


def newline_key() -> str:
    return "version: 1\n" + SERVICE + '"bad\\nkey": 1\n'


# name → (file content, the fragment the one-line error must contain)
CASES: dict[str, tuple[Callable[[], str], str]] = {
    "billion-laughs": (billion_laughs, "aliases expand to more than 100000 nodes"),
    "ten-million-leaves": (ten_million_leaves, "aliases expand to more than 100000 nodes"),
    "1mb-comment-line": (comment_line, "line 2 is 1000002 characters long, above the limit of 16384"),
    "depth-400-flow": (deep_flow, "nesting deeper than 100 levels"),
    "depth-400-block": (deep_block, "nesting deeper than 100 levels"),
    "needs-chain-1500": (needs_chain, "stages: 1500 stages, above the limit of 100"),
    "above-1mib": (too_large, "above the limit of 1048576 bytes for a YAML input"),
}


def write_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (make, _) in CASES.items():
        path = folder / f"{name}.yaml"
        path.write_text(make(), encoding="utf-8")
        paths[name] = path
    return paths
