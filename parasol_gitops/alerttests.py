"""``parasol-gitops alerts test``: the alert rules of a GitOps repository proven by Prometheus's own ``promtool``.

- Every ``PrometheusRule`` under ``platform/`` passes ``promtool check rules`` (its ``spec.groups`` written as a
  plain rule file: promtool reads rule files, not Kubernetes objects).
- Every unit-test file ``tests/alerts/**/*.test.yaml`` passes ``promtool test rules``. Its ``rule_files`` name the
  repository's files; an entry that is a PrometheusRule manifest is replaced by its extracted groups. Annotations
  are dropped from the extracted rules: the tests judge which alerts fire with which labels, and an annotation's
  rendered ``$value`` text would make every expected alert a copy of floating-point formatting.

Nothing is written into the repository (a temporary folder holds the extracted files). No test file, or no
``promtool`` on PATH, is a failure: a check that did not run never passes.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import yamlio
from .errors import InputError, SpecError, ToolMissingError
from .messages import t

TESTS_GLOB = "tests/alerts/**/*.test.yaml"
TIMEOUT_SECONDS = 300


@dataclass
class Report:
    checked: list[str] = field(default_factory=list)  # rule sources that passed promtool check rules
    passed: list[str] = field(default_factory=list)  # test files that passed promtool test rules
    failures: list[str] = field(default_factory=list)  # one entry per failed file: "<file>: <promtool output>"

    @property
    def ok(self) -> bool:
        return not self.failures and bool(self.passed)


def _load_all(path: Path) -> list[Any]:
    try:
        return yamlio.load_data_all(yamlio.read_text(path), display=str(path))
    except SpecError as exc:
        raise InputError(t("alerts.unreadable", path=str(path), problem=exc.problem)) from None


def _promtool_yaml(data: Any) -> str:
    """What promtool reads: JSON, which is YAML that its YAML 1.1 parser takes as written (every string quoted,
    so a label value such as ``yes`` or ``on`` stays a string instead of turning into a boolean)."""
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def _rule_groups(path: Path) -> list[Any] | None:
    """The groups of the PrometheusRule manifests in ``path`` (None when the file holds none)."""
    groups: list[Any] = []
    found = False
    for doc in _load_all(path):
        if isinstance(doc, dict) and doc.get("kind") == "PrometheusRule":
            found = True
            groups.extend(((doc.get("spec") or {}).get("groups")) or [])
    return groups if found else None


def _without_annotations(groups: list[Any]) -> list[Any]:
    out = []
    for g in groups:
        g = dict(g)
        g["rules"] = [{k: v for k, v in r.items() if k != "annotations"} for r in g.get("rules") or []]
        out.append(g)
    return out


def _promtool(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("promtool")
    if exe is None:
        raise ToolMissingError(t("alerts.no_promtool"))
    return subprocess.run([exe, *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)


def run(root: Path) -> Report:
    if not root.is_dir():
        raise InputError(t("alerts.not_folder", path=str(root)))
    tests = sorted(p for p in root.glob(TESTS_GLOB) if p.is_file())
    sources = sorted(p for p in (root / "platform").rglob("*.y*ml") if p.is_file()) if (root / "platform").is_dir() \
        else []
    report = Report()
    with tempfile.TemporaryDirectory(prefix="parasol-gitops-alerts-") as tmp:
        work = Path(tmp)
        extracted: dict[Path, Path] = {}

        def extract(path: Path) -> Path | None:
            key = path.resolve()
            if key not in extracted:
                groups = _rule_groups(path)
                if groups is None:
                    return None
                out = work / "rules" / f"{len(extracted):03d}-{path.stem}.rules.yaml"
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(_promtool_yaml({"groups": _without_annotations(groups)}), encoding="utf-8")
                extracted[key] = out
            return extracted[key]

        rule_rels: dict[str, str] = {}
        for src in sources:
            rules = extract(src)
            if rules is not None:
                rule_rels[str(rules)] = src.relative_to(root).as_posix()
        staged_rels: dict[str, str] = {}
        for i, test in enumerate(tests):
            rel = test.relative_to(root).as_posix()
            docs = _load_all(test)
            if len(docs) != 1 or not isinstance(docs[0], dict):
                raise InputError(t("alerts.not_a_test", path=rel))
            data = dict(docs[0])
            files = []
            for entry in data.get("rule_files") or []:
                target = (test.parent / str(entry)).resolve()
                if not target.is_file():
                    raise InputError(t("alerts.rule_file_missing", path=rel, entry=str(entry)))
                files.append(str(extract(target) or target))
            data["rule_files"] = files
            staged = work / "tests" / f"{i:03d}-{test.name}"
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_text(_promtool_yaml(data), encoding="utf-8")
            staged_rels[str(staged)] = rel
        # One promtool run per kind (it takes many files; a run costs about a second of start-up).
        for args, rels, passed in ((["check", "rules"], rule_rels, report.checked),
                                   (["test", "rules"], staged_rels, report.passed)):
            if not rels:
                continue
            proc = _promtool([*args, *rels], work)
            if proc.returncode == 0:
                passed.extend(rels.values())
            else:
                out = proc.stdout + proc.stderr
                for path, rel in sorted(rels.items(), key=lambda kv: -len(kv[0])):
                    out = out.replace(path, rel)
                report.failures.append(f"promtool {' '.join(args)}: {out.strip()}")
    return report
