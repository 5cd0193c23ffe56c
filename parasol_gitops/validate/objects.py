"""Rendered Kubernetes objects (:class:`Obj`) and the parsing of YAML text into them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

try:  # libyaml makes parsing kustomize output several times faster
    Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python PyYAML
    Loader = yaml.SafeLoader


@dataclass
class Obj:
    """A rendered Kubernetes object and the repository path it came from."""

    data: dict[str, Any]
    origin: str  # the build (kustomization folder, chart[values], file) that produced it
    source: str = ""  # the file that declares it, when kustomize's origin annotation says so

    @property
    def where(self) -> str:
        return self.source or self.origin

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def api_version(self) -> str:
        return str(self.data.get("apiVersion", ""))

    @property
    def name(self) -> str:
        return str((self.data.get("metadata") or {}).get("name", ""))

    @property
    def namespace(self) -> str:
        return str((self.data.get("metadata") or {}).get("namespace") or "")

    @property
    def label(self) -> str:
        ns = self.namespace
        return f"{self.kind}/{ns}/{self.name}" if ns else f"{self.kind}/{self.name}"


def parse(text: str, origin: str) -> list[Obj]:
    """The Kubernetes objects in a YAML stream (``kind: List`` unpacked); raises ``yaml.YAMLError``."""
    out: list[Obj] = []
    for doc in yaml.load_all(text, Loader=Loader):
        if isinstance(doc, dict) and doc.get("kind") == "List" and isinstance(doc.get("items"), list):
            out.extend(Obj(i, origin) for i in doc["items"] if _is_object(i))
        elif _is_object(doc):
            out.append(Obj(doc, origin))
    return out


def _is_object(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str) \
        and isinstance(doc.get("metadata"), dict)
