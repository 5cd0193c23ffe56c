"""Small GitOps repositories written by hand for the validate/status/dr tests and the validate bench.

``write_repo`` writes a repository that passes every check: an app of apps (bootstrap/root.yaml → apps/ →
one platform Application and one services ApplicationSet per environment), an AppProject per environment,
services/<svc>/{base,overlays/<env>} and platform/overlays/<env>. Tests then break one thing with
``edit_yaml`` / ``write`` and assert the check id that fires.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

REPO_URL = "https://github.com/example/platform-gitops.git"
SERVER = "https://kubernetes.default.svc"
PROJECT = "shop"


def ns(env: str) -> str:
    return f"{PROJECT}-{env}"


def write(root: Path, rel: str, docs: Any) -> Path:
    """Write one object (dict) or several (list) as YAML to ``root/rel``."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    items = docs if isinstance(docs, list) else [docs]
    path.write_text(yaml.safe_dump_all(items, sort_keys=False), encoding="utf-8")
    return path


def edit_yaml(path: Path, change: Callable[[list[Any]], None]) -> None:
    docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    change(docs)
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")


def kustomization(resources: list[str], **extra: Any) -> dict[str, Any]:
    return {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization", **extra,
            "resources": resources}


def app_project(name: str, namespaces: list[str]) -> dict[str, Any]:
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
            "metadata": {"name": name, "namespace": "argocd"},
            "spec": {"sourceRepos": [REPO_URL],
                     "destinations": [{"server": SERVER, "namespace": n} for n in namespaces],
                     "clusterResourceWhitelist": [{"group": "", "kind": "Namespace"}]}}


def application(name: str, project: str, path: str, namespace: str, *, wave: int = 0,
                automated: bool = True) -> dict[str, Any]:
    spec: dict[str, Any] = {"project": project,
                            "source": {"repoURL": REPO_URL, "targetRevision": "main", "path": path},
                            "destination": {"server": SERVER, "namespace": namespace}}
    if automated:
        spec["syncPolicy"] = {"automated": {"prune": True, "selfHeal": True}}
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
            "metadata": {"name": name, "namespace": "argocd",
                         "annotations": {"argocd.argoproj.io/sync-wave": str(wave)}},
            "spec": spec}


def services_appset(env: str, services: Iterable[str]) -> dict[str, Any]:
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "ApplicationSet",
            "metadata": {"name": f"services-{env}", "namespace": "argocd"},
            "spec": {"goTemplate": True,
                     "generators": [{"list": {"elements": [{"service": s} for s in services]}}],
                     "template": {"metadata": {"name": "{{.service}}-" + env},
                                  "spec": {"project": env,
                                           "source": {"repoURL": REPO_URL, "targetRevision": "main",
                                                      "path": "services/{{.service}}/overlays/" + env},
                                           "destination": {"server": SERVER, "namespace": ns(env)},
                                           "syncPolicy": {"automated": {"prune": True, "selfHeal": True}}}}}}


def container(svc: str) -> dict[str, Any]:
    probe = {"httpGet": {"path": "/healthz", "port": "http"}}
    return {"name": svc, "image": f"ghcr.io/example/{svc}",
            "ports": [{"name": "http", "containerPort": 8080}],
            # traces go to the environment's collector (the VMS5 monitoring gate asks for them)
            "env": [{"name": "OTEL_EXPORTER_OTLP_ENDPOINT", "value": "http://otel-collector:4317"}],
            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"},
                          "limits": {"cpu": "500m", "memory": "256Mi"}},
            "livenessProbe": probe, "readinessProbe": probe, "startupProbe": probe,
            "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True,
                                "runAsNonRoot": True, "capabilities": {"drop": ["ALL"]},
                                "seccompProfile": {"type": "RuntimeDefault"}}}


def deployment(svc: str, replicas: int = 2) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": svc}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": svc, "labels": labels},
            "spec": {"replicas": replicas, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"serviceAccountName": svc,
                                           "securityContext": {"runAsNonRoot": True,
                                                               "seccompProfile": {"type": "RuntimeDefault"}},
                                           "containers": [container(svc)]}}}}


def service_base(svc: str) -> dict[str, Any]:
    labels = {"app.kubernetes.io/name": svc}
    return {
        "deployment.yaml": deployment(svc),
        "service.yaml": {"apiVersion": "v1", "kind": "Service", "metadata": {"name": svc, "labels": labels},
                         "spec": {"selector": labels, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]}},
        "serviceaccount.yaml": {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": svc}},
        "hpa.yaml": {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": svc},
                     "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": svc},
                              "minReplicas": 2, "maxReplicas": 6,
                              "metrics": [{"type": "Resource", "resource": {
                                  "name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}]}},
        "pdb.yaml": {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": svc},
                     "spec": {"maxUnavailable": 1, "selector": {"matchLabels": labels}}},
        "servicemonitor.yaml": {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
                                "metadata": {"name": svc, "labels": labels},
                                "spec": {"selector": {"matchLabels": labels},
                                         "endpoints": [{"port": "http", "path": "/metrics"}]}},
    }


def platform_objects(env: str, services: list[str]) -> dict[str, Any]:
    dashboard = {"title": "Service overview", "panels": [
        {"title": s, "targets": [{"expr": f'sum(rate(http_requests_total{{service="{s}"}}[5m]))'}]}
        for s in services]}
    # logs: a collector that ships the namespace's logs (the VMS5 monitoring gate asks for a log pipeline)
    pipeline = {"receivers": {"otlp": {"protocols": {"grpc": {}}}},
                "exporters": {"otlphttp": {"endpoint": "http://loki:3100/otlp"}},
                "service": {"pipelines": {"logs": {"receivers": ["otlp"], "exporters": ["otlphttp"]}}}}
    return {
        "otel-collector.yaml": {"apiVersion": "opentelemetry.io/v1beta1", "kind": "OpenTelemetryCollector",
                                "metadata": {"name": "otel"}, "spec": {"config": pipeline}},
        "namespace.yaml": {"apiVersion": "v1", "kind": "Namespace",
                           "metadata": {"name": ns(env), "labels": {
                               "pod-security.kubernetes.io/enforce": "restricted"}}},
        "default-deny.yaml": {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                              "metadata": {"name": "default-deny"},
                              "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}},
        "rules.yaml": {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule",
                       "metadata": {"name": "services"},
                       "spec": {"groups": [{"name": s, "rules": [{
                           "alert": "HighErrorRate",
                           "expr": f'sum(rate(http_requests_total{{service="{s}",code=~"5.."}}[5m])) / '
                                   f'sum(rate(http_requests_total{{service="{s}"}}[5m])) > 0.05',
                           "for": "5m", "labels": {"severity": "critical"}}]} for s in services]}},
        "dashboards.yaml": {"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": {"name": "dashboards", "labels": {"grafana_dashboard": "1"}},
                            "data": {"overview.json": json.dumps(dashboard, sort_keys=True)}},
        "backup.yaml": {"apiVersion": "velero.io/v1", "kind": "Schedule", "metadata": {"name": "hourly"},
                        "spec": {"schedule": "0 * * * *",
                                 "template": {"includedNamespaces": [ns(env)], "ttl": "72h0m0s"}}},
    }


def write_repo(root: Path, services: Iterable[str] = ("orders", "catalog"),
               envs: Iterable[str] = ("dev", "staging", "production")) -> Path:
    services, envs = list(services), list(envs)
    write(root, "bootstrap/kustomization.yaml", kustomization(
        ["https://github.com/argoproj/argo-cd//manifests/cluster-install?ref=v2.14.11", "project.yaml", "root.yaml"],
        namespace="argocd"))
    bootstrap = app_project("bootstrap", ["argocd"])
    write(root, "bootstrap/project.yaml", bootstrap)
    write(root, "bootstrap/root.yaml", application("root", "bootstrap", "apps", "argocd"))
    write(root, "projects/kustomization.yaml", kustomization([f"{e}.yaml" for e in envs]))
    for e in envs:
        write(root, f"projects/{e}.yaml", app_project(e, [ns(e)]))
        write(root, f"apps/platform-{e}.yaml", application(f"platform-{e}", e, f"platform/overlays/{e}", ns(e),
                                                           wave=-1, automated=e != "production"))
        write(root, f"apps/services-{e}.yaml", services_appset(e, services))
        plat = platform_objects(e, services)
        for name, obj in plat.items():
            write(root, f"platform/overlays/{e}/{name}", obj)
        write(root, f"platform/overlays/{e}/kustomization.yaml", kustomization(sorted(plat), namespace=ns(e)))
    write(root, "apps/kustomization.yaml", kustomization(
        ["../projects", *[f"{k}-{e}.yaml" for e in envs for k in ("platform", "services")]]))
    for s in services:
        base = service_base(s)
        for name, obj in base.items():
            write(root, f"services/{s}/base/{name}", obj)
        write(root, f"services/{s}/base/kustomization.yaml", kustomization(sorted(base)))
        for e in envs:
            write(root, f"services/{s}/overlays/{e}/kustomization.yaml", kustomization(
                ["../../base"], namespace=ns(e),
                images=[{"name": f"ghcr.io/example/{s}", "newTag": "0.1.0"}]))
    return root
