"""Findings: what a check reports, and the registry of stable check ids.

Every id below is part of the command's interface (JSON consumers and suppressions key on it): never rename
one, only add. Severities: ``error`` fails the run (exit 1), ``warning`` and ``info`` do not.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    title: str
    hint: str


CHECKS: dict[str, Check] = {c.id: c for c in (
    # build and schema
    Check("PGO-BUILD", "error", "kustomization does not build",
          "run `kubectl kustomize <dir>` and fix the reported file"),
    Check("PGO-REMOTE-BASE", "info", "remote kustomize base not fetched (validation runs offline)",
          "the local resources of this kustomization were validated without the remote base"),
    Check("PGO-HELM-RENDER", "error", "Helm chart does not render",
          "render the chart with `helm template` and fix the template or values file"),
    Check("PGO-HELM-SKIPPED", "info", "Helm chart not rendered: no Helm renderer installed",
          "pip install helm-python-sdk to render and validate charts"),
    Check("PGO-SCHEMA", "error", "object does not match its schema",
          "fix the field named in the message (see `kubectl explain <kind>.<field>`)"),
    Check("PGO-SCHEMA-MISSING", "info", "no schema for this kind: objects skipped, not passed",
          "pass --schema-location with the CRD JSON schemas (kubeconform layout)"),
    # Argo CD app-of-apps graph
    Check("PGO-APP-ROOT", "warning", "no root Application (app of apps) found",
          "add an Application whose source path is the folder holding the other Applications"),
    Check("PGO-APP-PATH", "error", "Argo CD source path does not exist",
          "create the folder or correct spec.source.path"),
    Check("PGO-APP-PROJECT", "error", "Argo CD project not defined in the repository",
          "add an AppProject with this name under projects/ or correct spec.project"),
    Check("PGO-APP-DESTINATION", "error", "destination not allowed by the AppProject",
          "add the cluster/namespace to the AppProject's destinations or correct spec.destination"),
    Check("PGO-APP-SOURCE-REPO", "error", "source repository not allowed by the AppProject",
          "add the repository to the AppProject's sourceRepos or correct spec.source.repoURL"),
    Check("PGO-APP-ENV-MISSING", "error", "service not deployed to an environment",
          "add services/<svc>/overlays/<env> and the Application (or ApplicationSet element) that deploys it"),
    Check("PGO-APP-ORPHAN", "error", "service folder deployed by no Application",
          "deploy it from apps/ or delete the folder"),
    # policies
    Check("PGO-POD-SECURITY", "error", "workload violates Pod Security 'restricted'",
          "set runAsNonRoot, allowPrivilegeEscalation: false, capabilities.drop [ALL], seccompProfile RuntimeDefault"),
    Check("PGO-READONLY-ROOTFS", "warning", "container root filesystem is writable",
          "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir for scratch space"),
    Check("PGO-RESOURCES", "error", "container without CPU/memory requests or memory limit",
          "set resources.requests.cpu, resources.requests.memory and resources.limits.memory"),
    Check("PGO-PROBES", "error", "long-running container without liveness or readiness probe",
          "add livenessProbe and readinessProbe (and startupProbe for slow starts)"),
    Check("PGO-IMAGE-TAG", "error", "image is untagged or uses 'latest'",
          "pin a version tag or digest (kustomize images: newTag / digest)"),
    Check("PGO-NETPOL-DEFAULT-DENY", "error", "namespace without a default-deny NetworkPolicy",
          "add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] and no rules"),
    Check("PGO-PDB", "error", "multi-replica workload without a PodDisruptionBudget",
          "add a PodDisruptionBudget whose selector matches the pod labels"),
    Check("PGO-HPA-BOUNDS", "error", "HorizontalPodAutoscaler bounds are not sane",
          "keep 1 <= minReplicas <= maxReplicas <= 100"),
    Check("PGO-PROJECT-WILDCARD", "error", "AppProject allows '*'",
          "list the exact source repositories, destinations and cluster-scoped kinds"),
    Check("PGO-SECRET-PLAINTEXT", "error", "plaintext Secret in the repository",
          "use an ExternalSecret or SealedSecret instead of a Secret (or secretGenerator)"),
    Check("PGO-ROLLOUT-ANALYSIS", "error", "canary/blue-green Rollout without analysis",
          "add canary analysis steps or blueGreen pre/postPromotionAnalysis referencing an AnalysisTemplate"),
    Check("PGO-SERVICE-ALERTS", "error", "service without alert rules",
          "add a PrometheusRule whose rules select the service (e.g. service=\"<svc>\")"),
    Check("PGO-SERVICE-DASHBOARD", "error", "service without a dashboard",
          "add a Grafana dashboard ConfigMap (label grafana_dashboard) for the service"),
    Check("PGO-SERVICE-MONITOR", "warning", "service without a ServiceMonitor or PodMonitor",
          "add a ServiceMonitor selecting the service's metrics port"),
    Check("PGO-BACKUP", "error", "namespace with state not covered by a backup schedule",
          "add a Velero Schedule including the namespace (or a CNPG ScheduledBackup for the cluster)"),
    Check("PGO-PIPELINE-DRIFT", "error", "CI files differ from what pipeline.yaml synthesizes",
          "run `parasol-gitops pipeline --target <t>` and commit the result"),
    Check("PGO-PIPELINE-SPEC", "error", "pipeline.yaml is invalid",
          "fix pipeline.yaml as the message says"),
    Check("PGO-PIPELINE-MISSING", "info", "no pipeline.yaml: CI sync not checked",
          "add pipeline.yaml and synthesize CI with `parasol-gitops pipeline`"),
)}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: ``where`` is a repository-relative path, ``object`` is ``Kind/namespace/name`` or ''."""

    severity_rank: int
    id: str
    where: str
    object: str
    message: str
    severity: str = field(compare=False)
    hint: str = field(compare=False)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("severity_rank")
        return data


def finding(check_id: str, where: str, message: str, obj: str = "", *, severity: str | None = None) -> Finding:
    check = CHECKS[check_id]
    sev = severity or check.severity
    return Finding(SEVERITIES.index(sev), check_id, where, obj, message, sev, check.hint)
