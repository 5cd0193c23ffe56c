"""Schema validation of rendered objects.

Core kinds (API groups without a dot, or ending in ``.k8s.io``) are checked against the Kubernetes OpenAPI
schemas bundled with kubernetes-validate, in its strict flavour (unknown fields are errors). Its
``validate()`` rebuilds a validator on every call (~9 ms); this module keeps one validator per kind and
version, built exactly the way kubernetes-validate builds it, so thousands of objects stay cheap.

Custom resources are checked against JSON schemas found through ``--schema-location``:
- a folder: ``<folder>/<group>/<kind>_<version>.json`` (the CRDs-catalog layout), then
  ``<folder>/<kind>_<version>.json``;
- a kubeconform-style template such as ``DIR/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`` or the
  same under an ``https://`` URL. Placeholders: ``.Group``, ``.ResourceKind`` (lower-case kind),
  ``.ResourceAPIVersion`` (version without group), ``.Kind`` (kind as written). Fetched schemas are cached in
  memory and on disk (``$XDG_CACHE_HOME/parasol-gitops/schemas``).
A kind no location knows is *skipped*, never passed.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..fsutil import cache_dir
from ..messages import t

_PLACEHOLDER = re.compile(r"\{\{\s*\.(\w+)\s*\}\}")


def split_api_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


def is_core_group(group: str) -> bool:
    return group == "" or "." not in group or group.endswith(".k8s.io")


# API groups Kubernetes itself serves (past and present). An object in one of these groups whose version the
# chosen Kubernetes release has no schema for uses an API that release does not serve (e.g. autoscaling/v2beta2
# on 1.31): an error, not a skip. Other *.k8s.io groups (gateway.networking.k8s.io …) are CRDs.
BUILTIN_GROUPS = frozenset({
    "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io", "rbac.authorization.k8s.io",
    "storage.k8s.io", "apiextensions.k8s.io", "admissionregistration.k8s.io", "apiregistration.k8s.io",
    "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io",
    "flowcontrol.apiserver.k8s.io", "node.k8s.io", "scheduling.k8s.io", "authentication.k8s.io",
    "authorization.k8s.io", "resource.k8s.io", "internal.apiserver.k8s.io", "storagemigration.k8s.io",
})


@dataclass
class CoreSchemas:
    """Kubernetes schemas from kubernetes-validate, one cached validator per (kind, apiVersion)."""

    kube_version: str
    _cache: dict[tuple[str, str], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        from kubernetes_validate import utils

        wanted = self.kube_version.removeprefix("v")
        if not re.fullmatch(r"\d+\.\d+(\.\d+)?", wanted):
            raise InputError(t("validate.input.kube_version", version=self.kube_version))
        mm = utils.major_minor(wanted)
        latest = utils.latest_version()
        key = _version_key
        if key(mm) > key(utils.major_minor(latest)):
            raise InputError(t("validate.input.kube_too_new", version=self.kube_version,
                                latest=utils.major_minor(latest)))
        candidates = [v for v in utils.all_versions() if key(utils.major_minor(v)) <= key(mm)]
        if not candidates:
            raise InputError(t("validate.input.kube_too_old", version=self.kube_version))
        self.schema_version = candidates[-1]
        self._defs: Any = None

    def validator(self, kind: str, api_version: str) -> Any | None:
        """The validator for the kind, or None when kubernetes-validate has no schema for it."""
        key = (kind, api_version)
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            self._cache[key] = v = self._make(kind, api_version)
            return v

    def _make(self, kind: str, api_version: str) -> Any | None:
        import jsonschema
        from kubernetes_validate import utils
        from referencing import Registry, Resource

        schema_dir = f"v{self.schema_version}-local-strict"
        api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
        try:
            schema = utils.schema_contents(f"kubernetes-json-schema/{schema_dir}/{kind.lower()}-{api}.json",
                                           self.schema_version)
        except FileNotFoundError:
            return None
        if self._defs is None:
            self._defs = utils.schema_contents(f"kubernetes-json-schema/{schema_dir}/_definitions.json",
                                               self.schema_version)
        registry: Any = Resource.from_contents(schema) @ Registry()
        registry = Resource.from_contents(self._defs) @ registry
        return jsonschema.validators.Draft202012Validator(schema, registry=registry)


@dataclass
class CustomSchemas:
    """JSON schemas for custom resources from ``--schema-location`` values, in the order given."""

    locations: list[str]
    _cache: dict[tuple[str, str, str], Any] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    fetch_errors: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for loc in self.locations:
            if _is_url(loc):
                continue
            if _PLACEHOLDER.search(loc):
                base = Path(_PLACEHOLDER.split(loc)[0] or ".")
                # the text before the first placeholder must be an existing folder (or a folder prefix)
                if not base.exists() and not base.parent.exists():
                    raise InputError(t("validate.input.schema_folder_missing", loc=loc, folder=base))
            elif not Path(loc).is_dir():
                raise InputError(t("validate.input.schema_location", loc=loc))

    def validator(self, group: str, version: str, kind: str) -> Any | None:
        key = (group, version, kind)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = self._make(group, version, kind)
            return self._cache[key]

    def _make(self, group: str, version: str, kind: str) -> Any | None:
        import jsonschema

        for loc in self.locations:
            schema = self._find(loc, group, version, kind)
            if schema is not None:
                cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
                return cls(schema)
        return None

    def _find(self, loc: str, group: str, version: str, kind: str) -> Any | None:
        values = {"Group": group, "ResourceKind": kind.lower(), "ResourceAPIVersion": version, "Kind": kind,
                  "KindSuffix": f"-{group.split('.')[0]}-{version}" if group else f"-{version}"}
        if _PLACEHOLDER.search(loc):
            target = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), loc)
            return self._fetch(target) if _is_url(target) else _read_json(Path(target))
        if _is_url(loc):
            return self._fetch(f"{loc.rstrip('/')}/{group}/{kind.lower()}_{version}.json")
        for candidate in (Path(loc) / group / f"{kind.lower()}_{version}.json",
                          Path(loc) / f"{kind.lower()}_{version}.json"):
            found = _read_json(candidate)
            if found is not None:
                return found
        return None

    def _fetch(self, url: str) -> Any | None:
        # imported here: urllib.request (with http.client) costs ~70 ms of every start, and most runs read
        # schemas from folders only
        import urllib.error
        import urllib.request

        folder = cache_dir("schemas")
        cached = folder / (hashlib.sha256(url.encode()).hexdigest() + ".json")
        found = _read_json(cached)
        if found is not None:
            return found
        try:
            with urllib.request.urlopen(url, timeout=20) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as exc:
            if exc.code != 404:
                self.fetch_errors.append(f"{url}: HTTP {exc.code}")
            return None
        except (urllib.error.URLError, OSError) as exc:
            self.fetch_errors.append(f"{url}: {exc}")
            return None
        try:
            data = json.loads(raw)
        except ValueError:
            self.fetch_errors.append(f"{url}: not JSON")
            return None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(raw)
        except OSError:
            pass  # a read-only home only costs a refetch
        return data


def error_summary(validator: Any, data: dict[str, Any], limit: int = 3) -> list[str]:
    """Up to ``limit`` schema errors as ``path: message`` lines, in a stable order."""
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    out = []
    for e in errors[:limit]:
        path = ".".join(str(p) for p in e.absolute_path) or "(root)"
        msg = e.message if len(e.message) < 200 else e.message[:197] + "..."
        out.append(f"{path}: {msg}")
    return out


def _read_json(path: Path) -> Any | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _is_url(loc: str) -> bool:
    return loc.startswith(("http://", "https://"))


def _version_key(mm: str) -> tuple[int, ...]:
    return tuple(int(x) for x in mm.split("."))
