"""Real-consumer checks on Kubernetes manifests, shared by the template, Helm and Parasol tests.

Core kinds are validated by kubernetes-validate (the Kubernetes OpenAPI schemas, strict: unknown fields are
errors); custom resources by jsonschema against the CRD schemas in ../shared/schemas/crds (kubeconform layout
``<group>/<kind>_<version>.json``). A kind with no schema is an error, never a pass.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from conftest import CRD_SCHEMAS, find_tool

KUBE_VERSION = "1.31.0"


def kustomize_build(directory: Path) -> list[dict[str, Any]]:
    """``kubectl kustomize DIR`` → the built objects; a failed build fails the test with kustomize's message."""
    kubectl = find_tool("kubectl")
    proc = subprocess.run([kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise AssertionError(f"kubectl kustomize {directory} failed:\n{proc.stderr.strip()}")
    return [doc for doc in yaml.safe_load_all(proc.stdout) if doc]


def load_objects(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def group_version(obj: dict[str, Any]) -> tuple[str, str]:
    api = str(obj.get("apiVersion", ""))
    return tuple(api.split("/", 1)) if "/" in api else ("", api)  # type: ignore[return-value]


@cache
def _crd_validator(group: str, kind: str, version: str) -> Any:
    import jsonschema

    path = CRD_SCHEMAS / group / f"{kind.lower()}_{version}.json"
    if not path.is_file():
        return None
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema)


def validate_object(obj: dict[str, Any], kube_version: str = KUBE_VERSION) -> list[str]:
    """Problems of one object (empty when valid)."""
    import kubernetes_validate

    group, version = group_version(obj)
    kind = str(obj.get("kind", ""))
    ident = f"{obj.get('apiVersion')}/{kind} {obj.get('metadata', {}).get('name')}"
    validator = _crd_validator(group, kind, version) if group else None
    if validator is not None:
        return [f"{ident}: {'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(obj)]
    try:
        kubernetes_validate.validate(obj, kube_version, strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        return [f"{ident}: no schema (neither a Kubernetes {kube_version} kind nor a CRD schema in {CRD_SCHEMAS})"]
    except kubernetes_validate.ValidationError as exc:
        return [f"{ident}: {exc.message}"]
    return []


def validate_all(objects: Iterable[dict[str, Any]], kube_version: str = KUBE_VERSION) -> list[str]:
    problems: list[str] = []
    for obj in objects:
        problems.extend(validate_object(obj, kube_version))
    return problems


WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Rollout", "Job", "CronJob")


def pod_spec(obj: dict[str, Any]) -> dict[str, Any] | None:
    if obj.get("kind") not in WORKLOAD_KINDS:
        return None
    spec = obj.get("spec", {})
    if obj["kind"] == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    return spec.get("template", {}).get("spec", {})


def restricted_problems(obj: dict[str, Any]) -> list[str]:
    """Pod Security "restricted" plus this project's workload rules (limits, probes, spread, pinned image)."""
    spec = pod_spec(obj)
    if spec is None:
        return []
    name = f"{obj['kind']} {obj['metadata']['name']}"
    out: list[str] = []
    pod_sc = spec.get("securityContext", {})
    if pod_sc.get("seccompProfile", {}).get("type") != "RuntimeDefault":
        out.append(f"{name}: pod seccompProfile is not RuntimeDefault")
    long_running = obj["kind"] not in ("Job", "CronJob")  # a run-to-completion pod has no probes and no spread
    if long_running and not spec.get("topologySpreadConstraints"):
        out.append(f"{name}: no topologySpreadConstraints")
    for c in spec.get("initContainers", []) + spec.get("containers", []):
        sc = c.get("securityContext", {})
        cname = f"{name}/{c.get('name')}"
        if not (sc.get("runAsNonRoot") or pod_sc.get("runAsNonRoot")):
            out.append(f"{cname}: runAsNonRoot not set")
        if sc.get("allowPrivilegeEscalation") is not False:
            out.append(f"{cname}: allowPrivilegeEscalation is not false")
        if sc.get("capabilities", {}).get("drop") != ["ALL"]:
            out.append(f"{cname}: capabilities do not drop ALL")
        if sc.get("readOnlyRootFilesystem") is not True:
            out.append(f"{cname}: root filesystem is writable")
        res = c.get("resources", {})
        for part in ("requests", "limits"):
            for key in ("cpu", "memory"):
                if key not in res.get(part, {}):
                    out.append(f"{cname}: no {part}.{key}")
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            if long_running and probe not in c:
                out.append(f"{cname}: no {probe}")
        image = str(c.get("image", ""))
        last = image.rsplit("/", 1)[-1]
        if "@sha256:" not in image and (":" not in last or last.endswith(":latest")):
            out.append(f"{cname}: image {image!r} has no tag or uses latest")
    return out
