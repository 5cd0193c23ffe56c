"""Findings: what a check reports, and the registry of stable check ids.

Every id below is part of the command's interface (JSON consumers and suppressions key on it): never rename
one, only add. Severities: ``error`` fails the run (exit 1), ``warning`` and ``info`` do not.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ..messages import Lang, t

SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Check:
    """A check id and its default severity; its title and fix hint live in the catalogue (``messages/checks.yaml``)."""

    id: str
    severity: str

    def title_in(self, lang: Lang | None = None) -> str:
        """The title in ``lang`` (default: the detected language)."""
        return t(f"check.{self.id}.title", lang)

    def hint_in(self, lang: Lang | None = None) -> str:
        """The fix hint in ``lang`` (default: the detected language)."""
        return t(f"check.{self.id}.hint", lang)

    @property
    def title(self) -> str:
        """English, whatever the detected language."""
        return self.title_in("en")

    @property
    def hint(self) -> str:
        """English, whatever the detected language: the JSON ``hint`` field is an interface."""
        return self.hint_in("en")


CHECKS: dict[str, Check] = {c.id: c for c in (
    # build and schema
    Check("PGO-BUILD", "error"),
    Check("PGO-REMOTE-BASE", "info"),
    Check("PGO-REMOTE-REF", "error"),
    Check("PGO-OUTSIDE-ROOT", "error"),
    Check("PGO-INPUT-LIMIT", "error"),
    Check("PGO-HELM-RENDER", "error"),
    Check("PGO-HELM-SKIPPED", "info"),
    Check("PGO-SCHEMA", "error"),
    Check("PGO-SCHEMA-MISSING", "info"),
    # Argo CD app-of-apps graph
    Check("PGO-APP-ROOT", "warning"),
    Check("PGO-APP-PATH", "error"),
    Check("PGO-APP-PROJECT", "error"),
    Check("PGO-APP-DESTINATION", "error"),
    Check("PGO-APP-SOURCE-REPO", "error"),
    Check("PGO-APP-ENV-MISSING", "error"),
    Check("PGO-APP-ORPHAN", "error"),
    # policies
    Check("PGO-POD-SECURITY", "error"),
    Check("PGO-READONLY-ROOTFS", "warning"),
    Check("PGO-RESOURCES", "error"),
    Check("PGO-PROBES", "error"),
    Check("PGO-IMAGE-TAG", "error"),
    Check("PGO-NETPOL-DEFAULT-DENY", "error"),
    Check("PGO-PDB", "error"),
    Check("PGO-HPA-BOUNDS", "error"),
    Check("PGO-QUOTA-HPA", "error"),
    Check("PGO-PROJECT-WILDCARD", "error"),
    Check("PGO-SECRET-PLAINTEXT", "error"),
    Check("PGO-ROLLOUT-ANALYSIS", "error"),
    Check("PGO-SERVICE-ALERTS", "error"),
    Check("PGO-SERVICE-DASHBOARD", "error"),
    Check("PGO-SERVICE-MONITOR", "warning"),
    Check("PGO-BACKUP", "error"),
    Check("PGO-PIPELINE-DRIFT", "error"),
    Check("PGO-PIPELINE-SPEC", "error"),
    Check("PGO-PIPELINE-MISSING", "info"),
    Check("PGO-CONFLICT-MARKERS", "error"),
)}


@dataclass(frozen=True, order=True)
class Finding:
    """One problem: ``where`` is a repository-relative path, ``object`` is ``Kind/namespace/name`` or ''.

    ``message`` is English (JSON is a stable interface). When it is a catalogue sentence, ``key`` and ``params``
    keep what it was made from, so that the text report can say it in the detected language.
    """

    severity_rank: int
    id: str
    where: str
    object: str
    message: str
    severity: str = field(compare=False)
    hint: str = field(compare=False)
    key: str = field(default="", compare=False, repr=False)
    params: tuple[tuple[str, Any], ...] = field(default=(), compare=False, repr=False)

    def text(self, lang: Lang | None = None) -> str:
        """The message in ``lang`` (default: the detected language); English when it is not in the catalogue."""
        return t(self.key, lang, **dict(self.params)) if self.key else self.message

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for internal in ("severity_rank", "key", "params"):
            data.pop(internal)
        return data


def finding(check_id: str, where: str, message: str, obj: str = "", *, severity: str | None = None) -> Finding:
    check = CHECKS[check_id]
    sev = severity or check.severity
    return Finding(SEVERITIES.index(sev), check_id, where, obj, message, sev, check.hint)


def finding_t(check_id: str, where: str, obj: str = "", *, msg: str = "msg", severity: str | None = None,
              **params: object) -> Finding:
    """A finding whose message is the catalogue sentence ``check.<ID>.<msg>`` with ``params``."""
    key = f"check.{check_id}.{msg}"
    found = finding(check_id, where, t(key, "en", **params), obj, severity=severity)
    return replace(found, key=key, params=tuple(sorted(params.items())))
