"""Production-readiness policies over the rendered objects. Each check id is documented in ``findings.CHECKS``.

Definitions the checks use (stated here because they are choices):
- workloads: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob and Argo Rollouts ``Rollout``
  (a Rollout with ``workloadRef`` is judged through the Deployment it names); *long-running* ones (all but
  Pod, Job, CronJob) need liveness and readiness probes;
- Pod Security "restricted" as in Kubernetes 1.31: no host namespaces, ports or hostPath volumes, not
  privileged, ``allowPrivilegeEscalation: false``, ``runAsNonRoot: true`` (pod or every container) and no
  ``runAsUser: 0``, seccomp ``RuntimeDefault``/``Localhost``, ``capabilities.drop: [ALL]`` and nothing added but
  ``NET_BIND_SERVICE``. ``readOnlyRootFilesystem`` is a separate warning (not part of the standard);
- resources: requests for CPU and memory and a memory limit. A CPU limit is not demanded: it throttles a
  service under load without protecting the node, while the memory limit is what keeps a leak contained;
- image: must carry a tag other than ``latest`` or a digest, judged after kustomize's ``images:`` transform;
- default-deny: every namespace that runs a workload has a NetworkPolicy with an empty ``podSelector``,
  ``Ingress`` in ``policyTypes`` and no ingress rule;
- multi-replica: ``replicas`` > 1, or an HPA on it with ``minReplicas`` > 1; its PDB is a
  PodDisruptionBudget in the same namespace whose ``matchLabels`` are a subset of the pod labels;
- HPA bounds: 1 <= minReplicas <= maxReplicas <= 100, and the target exists;
- wildcard AppProject: ``*`` in ``sourceRepos``, in a destination's server/name/namespace, or as the group or
  kind of ``clusterResourceWhitelist``;
- plaintext Secret: a ``v1/Secret`` with ``data`` or ``stringData`` (a kustomize secretGenerator makes one too);
- analysis: a canary Rollout has background ``analysis`` or an ``analysis`` step; a blue-green one has pre- or
  post-promotion analysis; every referenced AnalysisTemplate exists;
- alerts, dashboards, monitors per service and backups per namespace: see :mod:`.coverage`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import capacity, coverage
from .coverage import backup_covered, mentions, monitoring_coverage
from .findings import Finding, finding, finding_t
from .render import Obj

# the coverage names stay importable from here: status vms5 reads them as policies.*
__all__ = ["backup_covered", "check_all", "image_problem", "mentions", "monitoring_coverage", "pod_labels",
           "pod_spec"]

POD_TEMPLATE_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "Rollout"}
LONG_RUNNING = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Rollout"}
SCALABLE = {"Deployment", "StatefulSet", "Rollout", "ReplicaSet"}
HPA_MAX_BOUND = 100
ALLOWED_VOLUMES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected",
                   "secret"}


def pod_spec(obj: Obj) -> dict[str, Any] | None:
    spec = obj.data.get("spec") or {}
    if obj.kind == "Pod":
        return spec
    if obj.kind == "CronJob":
        return (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get("spec")
    if obj.kind in POD_TEMPLATE_KINDS:
        if obj.kind == "Rollout" and spec.get("workloadRef"):
            return None
        return (spec.get("template") or {}).get("spec")
    return None


def pod_labels(obj: Obj) -> dict[str, str]:
    spec = obj.data.get("spec") or {}
    return dict((((spec.get("template") or {}).get("metadata") or {}).get("labels")) or {})


def _containers(ps: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for key in ("initContainers", "containers", "ephemeralContainers"):
        out.extend(c for c in ps.get(key) or [] if isinstance(c, dict))
    return out


def check_all(objects: list[Obj], services: Iterable[str]) -> list[Finding]:
    out: list[Finding] = []
    for obj in objects:
        ps = pod_spec(obj)
        if ps is not None:
            out.extend(_pod_security(obj, ps))
            out.extend(_resources_probes_images(obj, ps))
        if obj.kind == "AppProject" and obj.api_version.startswith("argoproj.io/"):
            out.extend(_wildcards(obj))
        if obj.kind == "Secret" and obj.api_version == "v1" and (obj.data.get("data") or obj.data.get("stringData")):
            out.append(finding_t("PGO-SECRET-PLAINTEXT", obj.where, obj.label))
    out.extend(_default_deny(objects))
    out.extend(_pdb_and_hpa(objects))
    out.extend(capacity.check(objects))
    out.extend(_rollout_analysis(objects))
    out.extend(coverage.service_monitoring(objects, services))
    out.extend(coverage.backups(objects))
    return out


# ---- workloads ----------------------------------------------------------------------------------------
def _pod_security(obj: Obj, ps: dict[str, Any]) -> list[Finding]:
    problems: list[str] = []
    psc = ps.get("securityContext") or {}
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if ps.get(key):
            problems.append(f"{key}: true")
    for vol in ps.get("volumes") or []:
        kinds = set(vol) - {"name"}
        if kinds - ALLOWED_VOLUMES:
            problems.append(f"volume {vol.get('name')} uses {', '.join(sorted(kinds - ALLOWED_VOLUMES))}")
    if psc.get("runAsUser") == 0:
        problems.append("pod runAsUser: 0")
    ro_missing: list[str] = []
    for c in _containers(ps):
        name = c.get("name", "?")
        sc = c.get("securityContext") or {}
        if sc.get("privileged"):
            problems.append(f"{name}: privileged")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"{name}: allowPrivilegeEscalation not false")
        if not (sc.get("runAsNonRoot") is True or (psc.get("runAsNonRoot") is True and
                                                     sc.get("runAsNonRoot") is not False)):
            problems.append(f"{name}: runAsNonRoot not true")
        if sc.get("runAsUser") == 0:
            problems.append(f"{name}: runAsUser: 0")
        seccomp = (sc.get("seccompProfile") or psc.get("seccompProfile") or {}).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            problems.append(f"{name}: seccompProfile not RuntimeDefault")
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            problems.append(f"{name}: capabilities.drop lacks ALL")
        added = set(caps.get("add") or []) - {"NET_BIND_SERVICE"}
        if added:
            problems.append(f"{name}: adds {', '.join(sorted(added))}")
        if any(p.get("hostPort") for p in c.get("ports") or [] if isinstance(p, dict)):
            problems.append(f"{name}: hostPort")
        if sc.get("readOnlyRootFilesystem") is not True:
            ro_missing.append(name)
    out = []
    if problems:
        out.append(finding("PGO-POD-SECURITY", obj.where, "; ".join(problems), obj.label))
    if ro_missing:
        out.append(finding_t("PGO-READONLY-ROOTFS", obj.where, obj.label, containers=", ".join(ro_missing)))
    return out


def _resources_probes_images(obj: Obj, ps: dict[str, Any]) -> list[Finding]:
    out = []
    missing_res, missing_probes, bad_images = [], [], []
    for key in ("initContainers", "containers"):
        for c in ps.get(key) or []:
            if not isinstance(c, dict):
                continue
            name = c.get("name", "?")
            res = c.get("resources") or {}
            req, lim = res.get("requests") or {}, res.get("limits") or {}
            lacks = [f"requests.{r}" for r in ("cpu", "memory") if r not in req]
            lacks += ["limits.memory"] if "memory" not in lim else []
            if lacks:
                missing_res.append(f"{name} ({', '.join(lacks)})")
            if key == "containers" and obj.kind in LONG_RUNNING:
                probes = [p for p in ("livenessProbe", "readinessProbe") if not c.get(p)]
                if probes:
                    missing_probes.append(f"{name} ({', '.join(probes)})")
            problem = image_problem(str(c.get("image", "")))
            if problem:
                bad_images.append(f"{name}: {problem}")
    if missing_res:
        out.append(finding("PGO-RESOURCES", obj.where, "; ".join(missing_res), obj.label))
    if missing_probes:
        out.append(finding("PGO-PROBES", obj.where, "; ".join(missing_probes), obj.label))
    if bad_images:
        built = f" (as built by {obj.origin})" if obj.source and obj.source != obj.origin else ""
        out.append(finding("PGO-IMAGE-TAG", obj.where, "; ".join(bad_images) + built, obj.label))
    return out


def image_problem(image: str) -> str | None:
    if not image:
        return "no image"
    if "@sha256:" in image or "@sha512:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return f"'{image}' has no tag"
    if last.rsplit(":", 1)[1] == "latest":
        return f"'{image}' uses latest"
    return None


# ---- AppProjects --------------------------------------------------------------------------------------
def _wildcards(obj: Obj) -> list[Finding]:
    spec = obj.data.get("spec") or {}
    where: list[str] = []
    if "*" in [str(r) for r in spec.get("sourceRepos") or []]:
        where.append("sourceRepos")
    for i, d in enumerate(spec.get("destinations") or []):
        for key in ("server", "name", "namespace"):
            if isinstance(d, dict) and str(d.get(key, "")) == "*":
                where.append(f"destinations[{i}].{key}")
    for i, r in enumerate(spec.get("clusterResourceWhitelist") or []):
        for key in ("group", "kind"):
            if isinstance(r, dict) and str(r.get(key, "")) == "*":
                where.append(f"clusterResourceWhitelist[{i}].{key}")
    return [finding_t("PGO-PROJECT-WILDCARD", obj.where, obj.label, fields=", ".join(where))] if where else []


# ---- namespaces -------------------------------------------------------------------------------------
def _default_deny(objects: list[Obj]) -> list[Finding]:
    workload_ns: dict[str, Obj] = {}
    for o in objects:
        if pod_spec(o) is not None or o.kind == "CronJob":
            workload_ns.setdefault(o.namespace or "default", o)
    denied = set()
    for o in objects:
        if o.kind != "NetworkPolicy":
            continue
        spec = o.data.get("spec") or {}
        selector = spec.get("podSelector")
        empty_selector = isinstance(selector, dict) and not selector.get("matchLabels") \
            and not selector.get("matchExpressions")
        if empty_selector and "Ingress" in (spec.get("policyTypes") or []) and not spec.get("ingress"):
            denied.add(o.namespace or "default")
    return [finding_t("PGO-NETPOL-DEFAULT-DENY", workload_ns[ns].where, ns=ns)
            for ns in sorted(set(workload_ns) - denied)]


def _selects(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    match = selector.get("matchLabels") or {}
    if not match and not selector.get("matchExpressions"):
        return False
    if any(labels.get(k) != v for k, v in match.items()):
        return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if (op == "In" and labels.get(key) not in values) or (op == "NotIn" and labels.get(key) in values) \
                or (op == "Exists" and key not in labels) or (op == "DoesNotExist" and key in labels):
            return False
    return True


def _pdb_and_hpa(objects: list[Obj]) -> list[Finding]:
    out = []
    workloads = {(o.namespace, o.kind, o.name): o for o in objects if o.kind in SCALABLE and pod_spec(o) is not None}
    by_name = {(o.namespace, o.name): o for o in objects if o.kind in SCALABLE}
    hpa_min: dict[tuple[str, str], int] = {}
    for h in (o for o in objects if o.kind == "HorizontalPodAutoscaler"):
        spec = h.data.get("spec") or {}
        lo, hi = spec.get("minReplicas", 1), spec.get("maxReplicas")
        ref = spec.get("scaleTargetRef") or {}
        problems = []
        if not isinstance(lo, int) or lo < 1:
            problems.append(f"minReplicas {lo} < 1")
        if not isinstance(hi, int) or hi > HPA_MAX_BOUND:
            problems.append(f"maxReplicas {hi} > {HPA_MAX_BOUND}")
        if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
            problems.append(f"minReplicas {lo} > maxReplicas {hi}")
        if (h.namespace, ref.get("name")) not in by_name:
            problems.append(f"target {ref.get('kind')}/{ref.get('name')} not found")
        if problems:
            out.append(finding("PGO-HPA-BOUNDS", h.where, "; ".join(problems), h.label))
        if isinstance(lo, int):
            hpa_min[(h.namespace, str(ref.get("name")))] = lo
    pdbs = [o for o in objects if o.kind == "PodDisruptionBudget"]
    for (ns, _kind, name), w in sorted(workloads.items()):
        replicas = (w.data.get("spec") or {}).get("replicas", 1)
        replicas = max(replicas if isinstance(replicas, int) else 1, hpa_min.get((ns, name), 1))
        if replicas <= 1:
            continue
        labels = pod_labels(w)
        if not any(p.namespace == ns and _selects((p.data.get("spec") or {}).get("selector") or {}, labels)
                   for p in pdbs):
            out.append(finding_t("PGO-PDB", w.where, w.label, replicas=replicas))
    return out


# ---- Rollouts ----------------------------------------------------------------------------------------
def _rollout_analysis(objects: list[Obj]) -> list[Finding]:
    out = []
    templates = {(o.namespace, o.name) for o in objects if o.kind == "AnalysisTemplate"}
    # A Rollout with no namespace (a base or an aggregate view that no Application deploys) lands beside
    # whichever namespace's templates it is applied with: any AnalysisTemplate of that name answers it.
    any_namespace = {name for _, name in templates}
    cluster_templates = {o.name for o in objects if o.kind == "ClusterAnalysisTemplate"}
    for r in (o for o in objects if o.kind == "Rollout"):
        strategy = (r.data.get("spec") or {}).get("strategy") or {}
        refs: list[dict[str, Any]] = []
        if "canary" in strategy:
            canary = strategy["canary"] or {}
            blocks = [canary.get("analysis")] + [s.get("analysis") for s in canary.get("steps") or []
                                                 if isinstance(s, dict)]
        elif "blueGreen" in strategy:
            bg = strategy["blueGreen"] or {}
            blocks = [bg.get("prePromotionAnalysis"), bg.get("postPromotionAnalysis")]
        else:
            continue
        analyses: list[dict[str, Any]] = [b for b in blocks if isinstance(b, dict)]
        if not analyses:
            out.append(finding_t("PGO-ROLLOUT-ANALYSIS", r.where, r.label, msg="msg.strategy",
                                 strategy=next(iter(strategy))))
            continue
        for b in analyses:
            refs.extend(t for t in b.get("templates") or [] if isinstance(t, dict))
        missing = sorted({t.get("templateName", "") for t in refs if not (
            (t.get("clusterScope") and t.get("templateName") in cluster_templates) or
            (not t.get("clusterScope") and (r.namespace, t.get("templateName")) in templates) or
            (not t.get("clusterScope") and not r.namespace and t.get("templateName") in any_namespace))})
        if missing:
            out.append(finding_t("PGO-ROLLOUT-ANALYSIS", r.where, r.label, msg="msg.template",
                                 names=", ".join(missing)))
    return out
