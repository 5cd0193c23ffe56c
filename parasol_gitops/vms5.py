"""VMS5 readiness ("customers enjoy value beyond their expectations"): quality gates, checklists, score.

Everything is computed from the repository on disk (through one ``validate`` run). Formulas:

Gates (each worth 8 points, 48 in all):
- **IaC** = Argo CD source paths and kustomize roots that exist and build (charts: render) ÷ all of them,
  and a root Application must exist. Passes at 100 %. A chart skipped for want of a renderer does not count.
- **Deployment automation** = (service, environment) pairs deployed by an Argo CD Application whose service is
  built and bumped by the CI of ``pipeline.yaml`` (a ``services`` entry of that name) with the CI files in sync
  ÷ all (service, environment) pairs. Passes at 100 %. (Production may sync manually: the deploy is still a
  commit made by CI; the sync is an approval, not a hand-made change.)
- **Monitoring coverage** = services with metrics (a ServiceMonitor/PodMonitor), alert rules, a dashboard,
  logs (a log pipeline is deployed: an Argo CD Application of a Loki/Alloy/OpenTelemetry Collector… chart or a
  collector resource) *and* traces (its ConfigMap or workload sets ``OTEL_EXPORTER_OTLP_ENDPOINT``) ÷ all
  services (coverage as defined in ``validate.policies``). Passes at ≥ 95 %.
- **Security scan** passes when ``pipeline.yaml`` has a ``security_scan`` stage with a ``fail_on`` severity and
  image scanning on, the synthesized CI files are in sync (so the scan really runs), and ``validate`` reports
  no error finding. Anything less is "failed" (no scan evidence in CI, or error findings).
- **DR drill** passes only with a successful drill record younger than 90 days within the RTO/RPO objectives
  (see ``drill``); otherwise "pending".
- **Load test / SLA** passes only when every service's newest k6 record (``perf record``) younger than 30 days
  passed all its thresholds; "failed" when one failed; otherwise "pending" (see ``perf``).

Checklists (12 items, 5 points each, 60 in all):
- infrastructure: production environment (a ``production`` environment to which every service is deployed),
  autoscaling (every service has an HPA or KEDA ScaledObject), network security (every namespace with
  workloads has a default-deny NetworkPolicy), DR procedure (every namespace with state is backed up and a
  disaster-recovery document exists);
- deployment: zero-touch deploy (the automation gate), rollback (a runbook or strategy document describes
  rollback, and every progressive Rollout has analysis), blue-green/canary (at least one Rollout with such a
  strategy and analysis), automated security scans (the scan stage with ``fail_on`` is in CI);
- operational readiness: dashboards and alert rules for every service, a runbook document, on-call (an
  AlertmanagerConfig, or a document that describes on-call / オンコール).

Score = sum of points ÷ the most there are (6 × 8 + 12 × 5 = 108), as a whole percentage (0–100).
Bands: 90–100 🟢, 70–89 🟡, 50–69 🟠, ≤ 49 🔴.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import drill, perf
from .messages import t
from .table import pad, width
from .validate import policies
from .validate.engine import Result
from .validate.render import Obj

GATE_POINTS = 8
ITEM_POINTS = 5
MONITORING_THRESHOLD = 95.0
DOC_DIRS = ("docs", ".")


@dataclass
class Gate:
    id: str
    status: str  # passed | failed | pending | not_measured (a check that could not run: never failed or passed)
    value: str
    formula: str
    reason: str


@dataclass
class Item:
    id: str
    checklist: str
    met: bool
    reason: str


@dataclass
class Vms5:
    date: str
    gates: list[Gate]
    items: list[Item]
    score: int
    band: str
    next_actions: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


HELM_INSTALL = "pip install helm-python-sdk"


def renderer_reason(result: Result) -> str:
    """Why charts were skipped, as the renderer reported it (a PGO-HELM-SKIPPED finding), else a generic line."""
    reasons = sorted({f.message for f in result.findings if "SKIP" in f.id and "HELM" in f.id})
    return reasons[0] if reasons else "helm-python-sdk is not installed"


def deployed_objects(result: Result) -> list[Obj]:
    """Objects Argo CD will sync: built from a source path of an Application (or a folder below it, or a chart
    rendered for it). A chart or overlay no Application points at (the Parasol ``kubernetes/`` views, an
    undeployed chart) is validated but counts for no gate."""
    paths = sorted({p.strip("/") or "." for p in result.graph.source_paths})

    def synced(origin: str) -> bool:
        base = origin.split("[", 1)[0]
        return any(p == "." or base == p or base.startswith(p + "/") for p in paths)

    return [o for o in result.objects if synced(o.origin)]


def deployed_unrendered(result: Result) -> list[str]:
    """Charts an Application syncs that could not be rendered (no renderer): their objects are unknown."""
    if not result.stats.get("charts_skipped"):
        return []
    return sorted(p for p in result.graph.source_paths if _is_chart(result.root / p))


def _is_chart(folder: Path) -> bool:
    return (folder / "Chart.yaml").is_file()


def band(score: int) -> str:
    return "🟢" if score >= 90 else "🟡" if score >= 70 else "🟠" if score >= 50 else "🔴"


def _pct(n: int, d: int) -> float:
    return 100.0 * n / d if d else 0.0


def _docs(root: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for d in DOC_DIRS:
        folder = root / d
        if folder.is_dir():
            for f in sorted(folder.glob("*.md")):
                try:
                    out[f.relative_to(root).as_posix()] = f.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
    for f in sorted((root / "dr").glob("*.md")) if (root / "dr").is_dir() else []:
        out[f.relative_to(root).as_posix()] = f.read_text(encoding="utf-8", errors="replace")
    return out


def evaluate(result: Result, *, today: dt.date | None = None) -> Vms5:
    """The six gates and twelve items of the module docstring, each judged by its own function, and the score."""
    today = today or dt.datetime.now(dt.UTC).date()
    facts = _Facts.of(result)
    gates = [iac_gate(facts), automation_gate(facts), monitoring_gate(facts), security_scan_gate(facts),
             dr_drill_gate(facts, today), performance_gate(facts, today)]
    items = [*infrastructure_items(facts), *deployment_items(facts), *operational_items(facts)]
    points = GATE_POINTS * sum(g.status == "passed" for g in gates) + ITEM_POINTS * sum(i.met for i in items)
    score = round(100 * points / (GATE_POINTS * len(gates) + ITEM_POINTS * len(items)))
    from .vms5_actions import next_actions

    return Vms5(today.isoformat(), gates, items, score, band(score), next_actions(result, gates, items))


@dataclass(frozen=True)
class _Facts:
    """What more than one gate or item reads, computed once per evaluation."""

    result: Result
    objects: list[Obj]  # what Argo CD syncs (deployed_objects)
    error_ids: set[str]
    spec: dict[str, Any]  # pipeline.yaml, as validate read it
    coverage: dict[str, dict[str, bool]]  # per service: metrics, alerts, dashboard, logs, traces
    docs: dict[str, str]  # markdown documents by path (_docs)

    @classmethod
    def of(cls, result: Result) -> _Facts:
        objects = deployed_objects(result)
        return cls(result, objects, {f.id for f in result.errors}, result.pipeline.get("spec") or {},
                   policies.monitoring_coverage(objects, result.graph.services), _docs(result.root))

    @property
    def services(self) -> list[str]:
        return list(self.result.graph.services)

    def automated(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """(service, environment) pairs deployed by CI, and all pairs."""
        graph = self.result.graph
        in_pipeline = {str(s.get("name")) for s in self.spec.get("services") or [] if isinstance(s, dict)}
        pairs = [(s, e) for s in graph.services for e in graph.environments]
        automated = [(s, e) for (s, e) in pairs if (s, e) in graph.deployed and s in in_pipeline
                     and self.result.pipeline.get("in_sync")]
        return automated, pairs

    def scan_stages(self) -> list[dict[str, Any]]:
        return [s for s in self.spec.get("stages") or [] if isinstance(s, dict) and s.get("type") == "security_scan"
                and s.get("fail_on") and s.get("image_scan", True)]

    def scan_in_ci(self) -> bool:
        return bool(self.scan_stages()) and bool(self.result.pipeline.get("in_sync"))


def _passed(ok: bool) -> str:
    return "passed" if ok else "failed"


def _not_measured(gate: str, result: Result, n: int) -> Gate:
    return Gate(gate, "not_measured", t("vms5.not_measured"), t(f"vms5.f.{gate}"),
                t("vms5.r.renderer_missing", n=n, reason=renderer_reason(result), install=HELM_INSTALL))


def iac_gate(facts: _Facts) -> Gate:
    result, graph = facts.result, facts.result.graph
    ok = {p for p, good in graph.source_paths.items() if good}
    build_failed = sum(1 for f in result.findings if f.id in ("PGO-BUILD", "PGO-HELM-RENDER"))
    total = len(graph.source_paths) + build_failed
    skipped = int(result.stats.get("charts_skipped") or 0)
    if skipped:  # a chart that could not be rendered was not measured: neither a failure nor a pass
        return _not_measured("iac", result, skipped)
    iac_ok = bool(graph.roots) and total > 0 and len(ok) == total
    return Gate("iac", _passed(iac_ok), f"{_pct(len(ok), total):.0f} %", t("vms5.f.iac"),
                t("vms5.r.iac", ok=len(ok), total=total) + ("" if graph.roots else t("vms5.r.no_root")))


def automation_gate(facts: _Facts) -> Gate:
    automated, pairs = facts.automated()
    why = t("vms5.r.automation", ok=len(automated), total=len(pairs))
    if not facts.result.pipeline.get("spec"):
        why += t("vms5.r.no_pipeline")
    elif not facts.result.pipeline.get("in_sync"):
        why += t("vms5.r.pipeline_drift")
    auto_ok = bool(pairs) and len(automated) == len(pairs)
    return Gate("deployment_automation", _passed(auto_ok), f"{_pct(len(automated), len(pairs)):.0f} %",
                t("vms5.f.deployment_automation"), why)


def monitoring_gate(facts: _Facts) -> Gate:
    unrendered = deployed_unrendered(facts.result)
    if unrendered:  # the deployed charts' ServiceMonitors and rules were never seen: no verdict either way
        return _not_measured("monitoring_coverage", facts.result, len(unrendered))
    services = facts.services
    full = [s for s, c in facts.coverage.items() if all(c.values())]
    mon = _pct(len(full), len(services))
    missing = [s for s in services if s not in full]
    return Gate("monitoring_coverage", _passed(bool(services) and mon >= MONITORING_THRESHOLD), f"{mon:.0f} %",
                t("vms5.f.monitoring_coverage"),
                t("vms5.r.monitoring", ok=len(full), total=len(services)) +
                (t("vms5.r.missing", names=", ".join(missing)) if missing else ""))


def security_scan_gate(facts: _Facts) -> Gate:
    scan_in_ci = facts.scan_in_ci()
    n_err = len(facts.result.errors)
    sec = _passed(scan_in_ci and n_err == 0)
    reason = t("vms5.r.scan", severity=facts.scan_stages()[0]["fail_on"]) if scan_in_ci else t("vms5.r.no_scan")
    return Gate("security_scan", sec, sec, t("vms5.f.security_scan"), reason + t("vms5.r.validate_errors", n=n_err))


def dr_drill_gate(facts: _Facts, today: dt.date) -> Gate:
    rto, rpo = (facts.result.answers.get(k) for k in ("rto_hours", "rpo_hours"))
    dr = drill.gate(facts.result.root, today=today, rto_hours=rto if isinstance(rto, int | float) else None,
                    rpo_hours=rpo if isinstance(rpo, int | float) else None)
    return Gate("dr_drill", dr.status, dr.status, t("vms5.f.dr_drill"), dr.reason)


def performance_gate(facts: _Facts, today: dt.date) -> Gate:
    """Load tests / SLA (parasol_gitops/perf.py)."""
    pg = perf.gate(facts.result.root, facts.services, today=today)
    return Gate("performance", pg.status, pg.value, t("vms5.f.performance"), pg.reason)


def _item(cid: str, checklist: str, met: bool, yes: str, no: str) -> Item:
    return Item(cid, checklist, met, yes if met else no)


def production_environments(result: Result) -> list[str]:
    """The environments of the app graph whose tier is production: the tier the answers give, else the one the
    rules give the name (rules.yaml's tier_by_name, as the template does)."""
    from . import rules

    declared = {str(e.get("name")): e.get("tier") for e in result.answers.get("environments") or []
                if isinstance(e, dict) and e.get("tier")}
    table = rules.get()
    return [e for e in result.graph.environments if (declared.get(e) or table.tier_for(e)) == "production"]


def infrastructure_items(facts: _Facts) -> list[Item]:
    services, objects, graph = facts.services, facts.objects, facts.result.graph
    hpa_text = [json.dumps((o.data.get("spec") or {}).get("scaleTargetRef")) for o in objects
                if o.kind in ("HorizontalPodAutoscaler", "ScaledObject")]
    unscaled = [s for s in services if not any(policies.mentions(x, s) for x in hpa_text)]
    prod = production_environments(facts.result)
    prod_missing = [s for s in services if not prod or (s, prod[0]) not in graph.deployed]
    backup = policies.backup_covered(objects)
    dr_doc = [p for p in facts.docs if "disaster-recovery" in p or p.startswith("dr/")]
    x = "infrastructure"
    return [
        _item("production_environment", x, bool(prod) and not prod_missing,
              t("vms5.r.prod.yes", env=prod[0] if prod else ""),
              t("vms5.r.prod.none") if not prod else t("vms5.r.prod.missing", env=prod[0],
                                                           names=", ".join(prod_missing))),
        _item("autoscaling", x, bool(services) and not unscaled, t("vms5.r.hpa.yes"),
              t("vms5.r.hpa.no", names=", ".join(unscaled) or t("vms5.r.none"))),
        _item("network_security", x, "PGO-NETPOL-DEFAULT-DENY" not in facts.error_ids and
              any(o.kind == "NetworkPolicy" for o in objects), t("vms5.r.netpol.yes"), t("vms5.r.netpol.no")),
        _item("dr_procedure", x, all(backup.values()) and bool(dr_doc) and any(o.kind == "Schedule" for o in objects),
              t("vms5.r.dr.yes", docs=", ".join(dr_doc[:2])), t("vms5.r.dr.no")),
    ]


def deployment_items(facts: _Facts) -> list[Item]:
    automated, pairs = facts.automated()
    rollouts = [o for o in facts.objects if o.kind == "Rollout"]
    progressive = [o for o in rollouts if {"canary", "blueGreen"} & set((o.data.get("spec") or {}).get("strategy")
                                                                        or {})]
    docs = facts.docs
    rollback_doc = [p for p, text in docs.items() if re.search(r"rollback|roll back|ロールバック", text, re.I)]
    analysed = "PGO-ROLLOUT-ANALYSIS" not in facts.error_ids
    x = "deployment"
    return [
        _item("zero_touch_deploy", x, bool(pairs) and len(automated) == len(pairs), t("vms5.r.zero.yes"),
              t("vms5.r.zero.no")),
        _item("rollback", x, bool(rollback_doc) and analysed,
              t("vms5.r.rollback.yes", doc=rollback_doc[0] if rollback_doc else ""), t("vms5.r.rollback.no")),
        _item("progressive_delivery", x, bool(progressive) and analysed,
              t("vms5.r.progressive.yes", n=len(progressive)), t("vms5.r.progressive.no")),
        _item("security_scans", x, facts.scan_in_ci(), t("vms5.r.scans.yes"), t("vms5.r.scans.no")),
    ]


def operational_items(facts: _Facts) -> list[Item]:
    services, cov = facts.services, facts.coverage
    docs = facts.docs
    runbooks = [p for p in docs if "runbook" in p.lower()]
    oncall = [p for p, text in docs.items() if re.search(r"on-call|oncall|on call|オンコール", text, re.I)] or \
        [o.label for o in facts.objects if o.kind == "AlertmanagerConfig"]
    no_alerts = [s for s, c in cov.items() if not c["alerts"]]
    no_dash = [s for s, c in cov.items() if not c["dashboard"]]
    none = t("vms5.r.none")
    x = "operational"
    return [
        _item("dashboards", x, bool(services) and not no_dash, t("vms5.r.dash.yes"),
              t("vms5.r.dash.no", names=", ".join(no_dash) or none)),
        _item("alert_rules", x, bool(services) and not no_alerts, t("vms5.r.alerts.yes"),
              t("vms5.r.alerts.no", names=", ".join(no_alerts) or none)),
        _item("runbooks", x, bool(runbooks), t("vms5.r.runbook.yes", docs=", ".join(runbooks[:2])),
              t("vms5.r.runbook.no")),
        _item("on_call", x, bool(oncall), t("vms5.r.oncall.yes", doc=oncall[0] if oncall else ""),
              t("vms5.r.oncall.no")),
    ]


def as_text(v: Vms5) -> str:
    lines = [t("vms5.title", score=v.score, band=v.band, date=v.date), "", t("vms5.gates")]
    w = max(width(t(f"vms5.gate.{g.id}")) for g in v.gates)
    for g in v.gates:
        name = t(f"vms5.gate.{g.id}")
        lines.append(f"  {status_mark(g.status)} {pad(name, w)}  {_word(g.value):>8}  {g.reason}")
    for cl in ("infrastructure", "deployment", "operational"):
        lines += ["", t(f"vms5.checklist.{cl}")]
        for i in (i for i in v.items if i.checklist == cl):
            lines.append(f"  {'[x]' if i.met else '[ ]'} {t(f'vms5.item.{i.id}')}: {i.reason}")
    if v.next_actions:
        lines += ["", t("vms5.next")] + [f"  - {a}" for a in v.next_actions]
    return "\n".join(lines) + "\n"


def as_markdown(v: Vms5) -> str:
    lines = [f"# {t('vms5.title', score=v.score, band=v.band, date=v.date)}", "",
             f"## {t('vms5.gates')}", "", "| | gate | value | formula | why |", "|---|---|---|---|---|"]
    for g in v.gates:
        name = t(f"vms5.gate.{g.id}")
        lines.append(f"| {status_mark(g.status)} | {name} | {_word(g.value)} | {g.formula} | {_md(g.reason)} |")
    for cl in ("infrastructure", "deployment", "operational"):
        lines += ["", f"## {t(f'vms5.checklist.{cl}')}", ""]
        for i in (i for i in v.items if i.checklist == cl):
            lines.append(f"- [{'x' if i.met else ' '}] **{t(f'vms5.item.{i.id}')}**: {_md(i.reason)}")
    lines += ["", f"## {t('vms5.next')}", ""]
    lines += [f"- {a}" for a in v.next_actions] or ["- " + t("vms5.none")]
    lines += ["", f"_{t('vms5.bands')}_"]
    return "\n".join(lines) + "\n"


def _word(value: str) -> str:
    """A gate status word (passed, failed, pending) in the detected language; JSON keeps the English value."""
    return t(f"vms5.status.{value}") if value in ("passed", "failed", "pending") else value


def status_mark(status: str) -> str:
    """The symbol of a gate status, shared by every report that lists gates."""
    return {"passed": "✅", "pending": "⏳", "not_measured": "⚪"}.get(status, "❌")


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def report_path(repo: Path, *, parasol_platform: bool = False) -> Path:
    """Where the markdown report goes: ``docs/vms5-report.md`` (top level when the repository has no ``docs/``);
    a Parasol platform (``outputs/7-platform``) keeps its documents at the top level, so the report goes there."""
    if parasol_platform or not (repo / "docs").is_dir():
        return repo / "vms5-report.md"
    return repo / "docs" / "vms5-report.md"
