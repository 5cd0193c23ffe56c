"""Are the CI files on disk what ``pipeline.yaml`` synthesizes? (PGO-PIPELINE-*)

Targets checked: the ``ci_target`` answer of ``.copier-answers.yml`` (``both`` → GitHub and GitLab); without
it, every target that has at least one of its files on disk; with none on disk, GitHub.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import SpecError
from . import sandbox
from .findings import Finding, finding


def check(root: Path, answers: dict[str, Any]) -> tuple[list[Finding], dict[str, Any]]:
    """Findings, and facts for ``status`` (``spec``: the parsed pipeline or None, ``in_sync``: bool)."""
    facts: dict[str, Any] = {"spec": None, "in_sync": False, "targets": []}
    spec_file = root / "pipeline.yaml"
    if not spec_file.is_file():
        return [finding("PGO-PIPELINE-MISSING", ".", "pipeline.yaml not found")], facts
    refused = sandbox.check_file(root.resolve(), spec_file)
    if refused is not None:
        return [finding(refused[0], "pipeline.yaml", f"{refused[1]}: not read")], facts
    try:
        from .. import pipeline as synth
    except ImportError:
        synth = None
    if synth is None or not hasattr(synth, "load_spec") or not hasattr(synth, "synthesize"):
        return [finding("PGO-PIPELINE-MISSING", "pipeline.yaml", "the pipeline synthesizer is not installed",
                        severity="info")], facts
    try:
        spec = synth.load_spec(spec_file)
    except SpecError as exc:
        return [finding("PGO-PIPELINE-SPEC", "pipeline.yaml", exc.message)], facts
    facts["spec"] = spec
    target_files = {"github": tuple(getattr(synth, "GITHUB_FILES", ())), "gitlab": tuple(getattr(synth, "GITLAB_FILES",
                                                                                                   ()))}
    ci = answers.get("ci_target")
    if ci in ("github", "gitlab"):
        targets = [ci]
    elif ci == "both":
        targets = ["github", "gitlab"]
    else:
        targets = [t for t, files in target_files.items() if any((root / f).is_file() for f in files)] or ["github"]
    facts["targets"] = targets
    out: list[Finding] = []
    for target in targets:
        try:
            expected = synth.synthesize(spec, target, source="pipeline.yaml")
        except SpecError as exc:
            out.append(finding("PGO-PIPELINE-SPEC", "pipeline.yaml", exc.message))
            continue
        for rel, text in sorted(expected.items()):
            f = root / rel
            if not f.is_file():
                out.append(finding("PGO-PIPELINE-DRIFT", rel, f"{target}: file missing"))
                continue
            try:
                same = sandbox.read_text(root.resolve(), f) == text
            except (sandbox.Refused, OSError, UnicodeDecodeError) as exc:
                out.append(finding("PGO-PIPELINE-DRIFT", rel, f"{target}: {exc}"))
                continue
            if not same:
                out.append(finding("PGO-PIPELINE-DRIFT", rel, f"{target}: differs from pipeline.yaml"))
    facts["in_sync"] = not out
    return out, facts
