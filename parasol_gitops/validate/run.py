"""Running the child processes of a render: kustomize builds (one folder, or a batch in one process) and the
Helm renderer (:mod:`.helm_child`). Every child runs through :func:`.sandbox.run_child`: offline, in its own
process group, within the memory and time limits held there."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ToolMissingError
from ..messages import t
from . import sandbox
from .objects import Obj, parse

BatchResult = dict[str, tuple[list[Obj], str | None]]  # folder → (objects, error)
ChartResults = dict[str, tuple[dict[str, dict[str, str]], str]]  # chart → ({origin: {file: text}}, error)


def kustomize_command() -> list[str]:
    """``kustomize build`` when installed, else ``kubectl kustomize``; a clear exit-2 error when neither is."""
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    raise ToolMissingError(t("validate.input.no_kustomize"), hint=t("validate.input.no_kustomize.hint"))


# Go's collector at its default pace takes ~30 % of a short kustomize build's CPU (measured: a 13-overlay batch
# 0.40 → 0.29 CPU-s). Collecting less often, with a soft memory limit so that the one big platform overlay of a
# 300-service repository stays near 240 MB, is cheaper. One Go thread per child: the builds already run side by
# side from the pool, and parallel marking only adds CPU (measured: 300 Applications 0.70 → 0.58 CPU-s).
# Values the user set win.
def _kustomize_env() -> dict[str, str]:
    return sandbox.offline_env({k: v for k, v in {"GOGC": "400", "GOMEMLIMIT": "200MiB", "GOMAXPROCS": "1"}.items()
                                if k not in os.environ})


@dataclass(frozen=True)
class Kustomize:
    """kustomize builds of folders below ``root`` with ``command`` (see :func:`kustomize_command`)."""

    root: Path
    command: list[str]

    def run(self, folder: Path) -> sandbox.ChildResult:
        """One kustomize build of ``folder``, offline, in its own process group, within the child limits."""
        return sandbox.run_child([*self.command, str(folder)], timeout=sandbox.KUSTOMIZE_TIMEOUT,
                                 env=_kustomize_env())

    def output(self, folder: Path) -> str | None:
        """The output of a synthetic build; None on any failure (the caller falls back)."""
        proc = self.run(folder)
        return proc.stdout if not proc.failure and proc.returncode == 0 else None

    def one(self, rel: str) -> tuple[list[Obj], str | None]:
        """``rel`` built plainly, so an error names the folder's own files."""
        proc = self.run(self.root / rel)
        if proc.failure:
            return [], f"kustomize {proc.failure}"
        if proc.returncode != 0:
            return [], one_line(proc.stderr) or f"exit {proc.returncode}"
        try:
            return parse(proc.stdout, rel), None
        except yaml.YAMLError as exc:
            return [], f"unreadable build output: {one_line(str(exc))}"

    def batch(self, batch: list[str]) -> BatchResult:
        combined = self.combined(batch)
        if combined is not None:
            return {rel: (objs, None) for rel, objs in combined.items()}
        results: BatchResult = {}
        for rel in batch:
            # kustomize refused the batch (e.g. two folders emit the same object id) or a folder fails:
            # each folder alone, and a failing one built plainly so the error names its own files
            alone = self.combined([rel]) if len(batch) > 1 else None
            results[rel] = (alone[rel], None) if alone is not None else self.one(rel)
        return results

    def combined(self, batch: list[str]) -> dict[str, list[Obj]] | None:
        """Build ``batch`` in one kustomize process; ``None`` when kustomize refuses it or the split is unsure.

        The synthetic kustomization lists each folder followed by a marker ConfigMap and asks for ``fifo``
        order, so the output is folder 1's objects, marker 1, folder 2's objects, marker 2 …: every object is
        attributed to its folder by position. Measured against ``buildMetadata: [originAnnotations]`` (the
        other way to attribute objects) this halves kustomize's CPU time and cuts its peak memory; the file
        that declares an object is looked up later, only for folders with findings (:mod:`.locate`).
        """
        tmp = sandbox.temp_dir("batch")
        try:
            token = tmp.name.rsplit("-", 1)[-1].lower()
            markers = [f"parasol-gitops-marker-{token}-{i}" for i in range(len(batch))]
            resources: list[str] = []
            for rel, marker in zip(batch, markers, strict=True):
                (tmp / f"{marker}.yaml").write_text(
                    f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {marker}\n", encoding="utf-8")
                resources += [os.path.relpath(self.root / rel, tmp), f"{marker}.yaml"]
            (tmp / "kustomization.yaml").write_text(
                yaml.safe_dump({"resources": resources, "sortOptions": {"order": "fifo"}}), encoding="utf-8")
            stdout = self.output(tmp)
            if stdout is None:
                return None
            try:
                docs = parse(stdout, "")
            except yaml.YAMLError:
                return None
            return _split(docs, batch, markers)
        finally:
            sandbox.remove_temp(tmp)


def _split(docs: list[Obj], batch: list[str], markers: list[str]) -> dict[str, list[Obj]] | None:
    """The objects of a combined build, each given to the folder before its marker; None when out of order."""
    out: dict[str, list[Obj]] = {rel: [] for rel in batch}
    position = 0
    for obj in docs:
        if obj.kind == "ConfigMap" and obj.name.startswith("parasol-gitops-marker-") and not obj.namespace:
            if position >= len(markers) or obj.name != markers[position]:
                return None  # out of order: this kustomize ignored sortOptions
            position += 1
            continue
        if position >= len(batch):
            return None
        obj.origin = batch[position]
        out[batch[position]].append(obj)
    return out if position == len(batch) else None


# ---- Helm ---------------------------------------------------------------------------------------------------
def render_charts(root: Path, charts: list[str]) -> ChartResults:
    """Render ``charts`` in one child; a batch whose child crashes or runs out of time is rendered again one
    chart per child, so only the hostile chart fails."""
    results, failure = _render_child(root, charts)
    if not failure:
        return results
    if len(charts) == 1:
        return {charts[0]: ({}, failure)}
    return {chart: render_charts(root, [chart])[chart] for chart in charts}


def _render_child(root: Path, charts: list[str]) -> tuple[ChartResults, str]:
    """Render ``charts`` in one child; ``(results, "")``, or ``({}, why)`` when the child itself failed."""
    job = json.dumps({"charts": [{"chart": str(root / c), "label": c, "values_files": sorted(
        p.name for p in (root / c).glob("values-*.yaml"))} for c in charts]})
    package_parent = str(Path(__file__).resolve().parents[2])
    env = sandbox.offline_env({"PYTHONPATH": os.pathsep.join(
        [package_parent, *filter(None, [os.environ.get("PYTHONPATH")])])})
    proc = sandbox.run_child([sys.executable, "-m", "parasol_gitops.validate.helm_child"],
                             timeout=sandbox.HELM_TIMEOUT, env=env, stdin=job)
    if proc.failure:
        return {}, f"renderer {proc.failure}"
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return {}, one_line(proc.stderr) or f"renderer exit {proc.returncode}"
    out = {c: (data["rendered"].get(c, {}), one_line(data["errors"].get(c, ""))) for c in charts}
    return out, ""


# kubectl logs its errors through klog: "E1128 16:51:15.936484    3115 run.go:72] error: …". The time and
# process id would make two runs on the same repository report differently.
_KLOG_PREFIX = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.-]+:\d+\] ")


def one_line(text: str) -> str:
    """At most three lines of a tool's message, joined, without klog's time and process id."""
    lines = [_KLOG_PREFIX.sub("", ln.strip()) for ln in text.strip().splitlines() if ln.strip()]
    return " | ".join(lines[:3])[:500]
