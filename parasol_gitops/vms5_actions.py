"""Next actions of ``status vms5``, each from the cause of the failed gate or unmet item, not from its name.

A gate fails for different reasons that need different remedies: a security scan that *is* in ``pipeline.yaml``
but whose CI files were never synthesized (a repository made with bare ``copier copy``) needs
``parasol-gitops pipeline --target …``, not "add a security_scan stage"; a service missing from an Application
needs an Application, one missing from ``pipeline.yaml`` needs a ``services`` entry. Gates and items without
several causes keep their one catalogue action (``vms5.action.<id>``).
"""

from __future__ import annotations

from typing import Any

from .messages import t


def next_actions(result: Any, gates: list[Any], items: list[Any]) -> list[str]:
    """Actions in gate order, then item order, without duplicates."""
    from .vms5 import HELM_INSTALL

    actions: list[str] = []
    for gate in gates:
        if gate.status == "not_measured":  # the check could not run: the remedy is what it needs, not a fix
            actions.append(t("vms5.action.not_measured", install=HELM_INSTALL))
        elif gate.status != "passed":
            actions.extend(_for(gate.id, result))
    for item in items:
        if not item.met:
            actions.extend(_for(item.id, result))
    return list(dict.fromkeys(actions))


def _pipeline_facts(result: Any) -> tuple[dict[str, Any], bool, str, list[str]]:
    spec = result.pipeline.get("spec") or {}
    in_sync = bool(result.pipeline.get("in_sync"))
    targets = result.pipeline.get("targets") or ["github"]
    drifted = sorted({f.where for f in result.findings if f.id == "PGO-PIPELINE-DRIFT"})
    return spec, in_sync, " / ".join(targets), drifted


def _synthesize(result: Any) -> str:
    _, _, targets, drifted = _pipeline_facts(result)
    commands = " && ".join(f"parasol-gitops pipeline --target {x}" for x in targets.split(" / "))
    return t("vms5.cause.synthesize", command=commands, files=", ".join(drifted[:3]) + (" …" if len(drifted) > 3
                                                                                       else ""))


def _scan_stage(spec: dict[str, Any]) -> bool:
    return any(isinstance(s, dict) and s.get("type") == "security_scan" and s.get("fail_on")
               and s.get("image_scan", True) for s in spec.get("stages") or [])


def _for(cid: str, result: Any) -> list[str]:
    spec, in_sync, _, _ = _pipeline_facts(result)
    has_spec = bool(result.pipeline.get("spec"))
    pipeline_errors = [f for f in result.findings if f.id == "PGO-PIPELINE-SPEC"]
    if cid in ("deployment_automation", "zero_touch_deploy"):
        if not has_spec:
            return [t("vms5.cause.pipeline_spec_error") if pipeline_errors else t("vms5.cause.no_pipeline")]
        graph = result.graph
        in_pipeline = {str(s.get("name")) for s in spec.get("services") or [] if isinstance(s, dict)}
        out: list[str] = []
        not_in_pipeline = [s for s in graph.services if s not in in_pipeline]
        if not_in_pipeline:
            out.append(t("vms5.cause.add_to_pipeline", names=", ".join(not_in_pipeline)))
        undeployed = sorted(f"{s}/{e}" for s in graph.services for e in graph.environments
                            if (s, e) not in graph.deployed)
        if undeployed:
            out.append(t("vms5.cause.add_application", pairs=", ".join(undeployed[:5])
                         + (" …" if len(undeployed) > 5 else "")))
        if not in_sync:
            out.append(_synthesize(result))
        return out or [t(f"vms5.action.{cid}")]
    if cid in ("security_scan", "security_scans"):
        out = []
        if not has_spec:
            out.append(t("vms5.cause.no_pipeline"))
        elif not _scan_stage(spec):
            out.append(t("vms5.action.security_scans"))
        elif not in_sync:
            out.append(_synthesize(result))
        if cid == "security_scan" and result.errors:
            out.append(t("vms5.cause.validate_errors", n=len(result.errors)))
        return out or [t(f"vms5.action.{cid}")]
    return [t(f"vms5.action.{cid}")]
