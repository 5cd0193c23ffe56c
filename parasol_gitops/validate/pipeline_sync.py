"""Are the CI files on disk what ``pipeline.yaml`` synthesizes? (PGO-PIPELINE-*)

Targets checked: the ``ci_target`` answer of ``.copier-answers.yml`` (``both`` → GitHub and GitLab); without
it, every target that has at least one of its files on disk; with none on disk, GitHub.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import SpecError
from . import sandbox
from .findings import Finding, finding

if TYPE_CHECKING:
    from ..pipeline.spectypes import PipelineSpec


def check(root: Path, answers: dict[str, Any]) -> tuple[list[Finding], dict[str, Any]]:
    """Findings, and facts for ``status`` (``spec``: the parsed pipeline or None, ``in_sync``: bool)."""
    facts: dict[str, Any] = {"spec": None, "in_sync": False, "targets": []}
    spec_file = root / "pipeline.yaml"
    if not spec_file.is_file():
        return [finding("PGO-PIPELINE-MISSING", ".", "pipeline.yaml not found")], facts
    refused = sandbox.check_file(root.resolve(), spec_file)
    if refused is not None:
        return [finding(refused[0], "pipeline.yaml", f"{refused[1]}: not read")], facts
    from ..pipeline import FILES, load_spec

    try:
        spec = load_spec(spec_file)
    except SpecError as exc:
        return [finding("PGO-PIPELINE-SPEC", "pipeline.yaml", exc.message)], facts
    facts["spec"] = spec
    ci = answers.get("ci_target")
    if ci in ("github", "gitlab"):
        targets = [ci]
    elif ci == "both":
        targets = ["github", "gitlab"]
    else:
        targets = [t for t, files in FILES.items() if any((root / f).is_file() for f in files)] or ["github"]
    facts["targets"] = targets
    out: list[Finding] = []
    for target in targets:
        problems: dict[str, str] = {}
        try:
            differences = target_drift(root, spec, target, source="pipeline.yaml", problems=problems)
        except SpecError as exc:
            out.append(finding("PGO-PIPELINE-SPEC", "pipeline.yaml", exc.message))
            continue
        for rel, have, _ in differences:
            what = problems.get(rel) or ("file missing" if have is None else "differs from pipeline.yaml")
            out.append(finding("PGO-PIPELINE-DRIFT", rel, f"{target}: {what}"))
    facts["in_sync"] = not out
    return out, facts


def target_drift(root: Path, spec: Mapping[str, Any] | PipelineSpec, target: str, *, source: str,
                 problems: dict[str, str] | None = None) -> list[tuple[str, str | None, str]]:
    """The one drift check of ``validate`` and ``pipeline --check``: ``target``'s files under ``root`` against
    what ``spec`` synthesizes. Every file the target can write is looked at, so one the spec no longer
    produces (a deploy.yml without deploy stages) counts as drifted while it is on disk."""
    from ..pipeline import files_for_target, synthesize

    expected = synthesize(spec, target, source=source)
    return drift(root, expected, list(files_for_target(target)), problems=problems)


def drift(root: Path, expected: dict[str, str], files: list[str] | None = None, *,
          problems: dict[str, str] | None = None) -> list[tuple[str, str | None, str]]:
    """``(path, text on disk or None, expected text)`` of every file of ``files`` (default: all of ``expected``)
    that differs from what the synthesizer writes; the one drift check of ``validate`` and ``pipeline --check``.
    Files are read through the validate sandbox; one it refuses (outside the root, too big, not a regular file,
    not UTF-8) counts as drifted with no text, and ``problems`` (when given) gets the reason."""
    top = root.resolve()
    out: list[tuple[str, str | None, str]] = []
    for rel in sorted(files if files is not None else expected):
        path = root / rel
        have: str | None = None
        if path.is_file():
            try:
                have = sandbox.read_text(top, path)
            except (sandbox.Refused, OSError, UnicodeDecodeError) as exc:
                if problems is not None:
                    problems[rel] = str(exc)
                out.append((rel, None, expected.get(rel, "")))
                continue
        if rel not in expected and have is None:
            continue  # a file this spec does not produce, and rightly absent
        want = expected.get(rel, "")  # not produced but present: stale, the diff removes it all
        if have != want:
            out.append((rel, have, want))
    return out


def unified_diff(rel: str, have: str | None, want: str, *, max_lines: int = 60) -> str:
    """``git diff``-style difference from the file on disk to what ``pipeline.yaml`` synthesizes, cut after
    ``max_lines`` lines with a note saying how many more there are."""
    import difflib

    lines = list(difflib.unified_diff((have or "").splitlines(keepends=True), want.splitlines(keepends=True),
                                      fromfile=f"a/{rel}" if have is not None else "/dev/null", tofile=f"b/{rel}"))
    lines = [line if line.endswith("\n") else line + "\n" for line in lines]
    if len(lines) > max_lines:
        more = len(lines) - max_lines
        lines = [*lines[:max_lines], f"... ({more} more diff lines; run `parasol-gitops pipeline` to rewrite)\n"]
    return "".join(lines)
