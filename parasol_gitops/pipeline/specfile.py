"""pipeline.yaml: parsing, JSON-schema validation, semantic checks and defaults.

The schema (``pipelines/schema.json``) catches shapes; this module catches what a schema cannot: duplicate or
non-DNS-1123 names (with a suggested slug) and values that could inject into a CI script; the stage graph
(unknown stages in ``needs``, cycles) is :mod:`.specstages`'. The result is a fully defaulted
:class:`NormalizedSpec`: the plain mapping, carrying its typed form (:mod:`.spectypes`) that the model builder,
the CI subcommands and ``verify`` read.
"""

from __future__ import annotations

import itertools
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from .. import layout, resources, rules
from ..errors import SpecError
from ..messages import t
from ..names import is_dns1123_label, slugify, unsafe_content
from ..yamlio import plain as _plain
from .specstages import MAX_STAGES, normalize_stages
from .spectypes import PipelineSpec, from_normalized
from .toolpkg import check_tool_package, tool_package_default

SCHEMA_PATH = resources.schema_path()

# The requirement CI jobs install: the version that synthesizes the files (resources.version(): pyproject in a
# checkout, the metadata when installed), so generated CI runs the tool that generated it; one release gives
# byte-identical files.
TOOL_PACKAGE = tool_package_default()


def _tier_from_name(name: str) -> str:
    """The pipeline tier of an environment that names none: the platform's tier table (template/_lib/rules.yaml,
    which the template and spec.py read too), as pipelines/schema.json knows tiers."""
    table = rules.get()
    return table.pipeline_tier(table.tier_for(name))


# A pipeline.yaml written by hand without environments deploys to these (rules.yaml).
DEFAULT_ENVIRONMENTS: tuple[dict[str, Any], ...] = tuple(
    {"name": name, "tier": _tier_from_name(name)} for name in rules.get().pipeline_default_environments
)
DEFAULT_SETTINGS: dict[str, Any] = {
    "coverage_threshold": 80,
    "fail_on_severity": "HIGH",
    "sbom": True,
    "provenance": True,
    "python_version": "3.12",
    "tool_package": TOOL_PACKAGE,
    "ci_image": "python:3.12-slim",
    "e2e_path": "tests/e2e",
    "k6_script": "tests/performance/load.js",
    "canary_interval_minutes": 5,
    "default_branch": "main",
    "schema_location": (
        "https://raw.githubusercontent.com/datreeio/CRDs-catalog/main/"
        "{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json"
    ),
}
DEFAULT_ROLLBACK: dict[str, Any] = {"error_rate_percent": 5, "latency_p95_factor": 2, "health_checks": True}
SEVERITIES = ("LOW", "MEDIUM", "HIGH", "CRITICAL")

class NormalizedSpec(dict[str, Any]):
    """The normalized spec as a plain mapping (what ``validate`` and ``status vms5`` report from) and its typed
    form in :attr:`typed`, built once, which the emitters and the CI subcommands read. Edits to the mapping do not
    reach :attr:`typed`."""

    typed: PipelineSpec

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.typed = from_normalized(data)


@lru_cache(maxsize=1)
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _json_path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_spec(path: Path, *, display: str | None = None) -> NormalizedSpec:
    """Parse, schema-check and semantically check the pipeline spec at ``path``."""
    from ..yamlio import load_data_file

    shown = display or str(path)
    if path.is_dir():
        raise SpecError(shown, "", t("pipeline.spec.is_folder"))
    data = load_data_file(path, display=shown)
    return validate_spec(data, source=shown)


def validate_spec(data: Any, *, source: str) -> NormalizedSpec:
    """The same checks as :func:`load_spec` on already-parsed data; returns the normalized spec."""
    import jsonschema

    if data is None:
        raise SpecError(source, "", t("pipeline.spec.empty"))
    plain = _plain(data)
    if not isinstance(plain, dict):
        raise SpecError(source, "", t("pipeline.spec.not_mapping"))
    _check_counts(plain, source)
    _check_values(plain, source, "")
    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(plain), key=lambda e: (list(e.absolute_path).__repr__(), e.message))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        where = _json_path(best.absolute_path)
        raise SpecError(source, where, _schema_message(best))
    return NormalizedSpec(_normalize(plain, source))


def _schema_message(error: Any) -> str:
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return t("pipeline.spec.unknown_key", key=extra[0]) if extra else str(error.message)
    if error.validator == "required":
        name = error.message.removesuffix(" is a required property")
        return t("pipeline.spec.required", name=name) if name != error.message else str(error.message)
    if error.validator == "enum":
        choices = ", ".join(str(c) for c in error.validator_value)
        return t("pipeline.spec.not_one_of", value=repr(error.instance), choices=choices)
    if error.validator in _SCHEMA_KEYS:  # English: jsonschema's own sentence; Japanese: the catalogue's
        limit = error.validator_value
        if error.validator == "type":
            limit = ", ".join(limit) if isinstance(limit, list) else limit
        return t(_SCHEMA_KEYS[error.validator], message=error.message, value=repr(error.instance), limit=limit)
    return str(error.message)


_SCHEMA_KEYS = {
    "type": "pipeline.spec.schema.type",
    "const": "pipeline.spec.schema.const",
    "minItems": "pipeline.spec.schema.min_items",
    "minLength": "pipeline.spec.schema.min_length",
    "maxLength": "pipeline.spec.schema.max_length",
    "pattern": "pipeline.spec.schema.pattern",
    "minimum": "pipeline.spec.schema.minimum",
    "maximum": "pipeline.spec.schema.maximum",
}


def _not_a_label(name: str) -> str:
    return t("pipeline.spec.not_dns_label", name=name, slug=slugify(name))


def _check_counts(data: dict[str, Any], source: str) -> None:
    """Bounded work before any check that walks the stage graph (see MAX_STAGES)."""
    stages = data.get("stages")
    if isinstance(stages, list) and len(stages) > MAX_STAGES:
        raise SpecError(source, "stages", t("pipeline.too_many_stages", count=len(stages), limit=MAX_STAGES))


def _check_values(value: Any, source: str, where: str) -> None:
    """Reject every string (key or value) that could change the meaning of a generated script."""
    if isinstance(value, dict):
        for key, item in value.items():
            sub = f"{where}.{key}" if where else key
            bad = unsafe_content(key)
            if bad:
                raise SpecError(source, sub, t("pipeline.spec.unsafe_key", bad=bad))
            _check_values(item, source, sub)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_values(item, source, f"{where}[{i}]")
    elif isinstance(value, str):
        bad = unsafe_content(value)
        if bad:
            raise SpecError(source, where, t("pipeline.spec.unsafe_value", bad=bad))


def _normalize(data: dict[str, Any], source: str) -> dict[str, Any]:
    settings = {**DEFAULT_SETTINGS, **{k: v for k, v in (data.get("settings") or {}).items() if k != "rollback"}}
    settings["rollback"] = {**DEFAULT_ROLLBACK, **((data.get("settings") or {}).get("rollback") or {})}
    problem = check_tool_package(settings["tool_package"])
    if problem:
        raise SpecError(source, "settings.tool_package", problem)
    environments = _environments(data, source)
    services = _services(data, source, environments)
    stages = normalize_stages(data.get("stages"), source, settings, {e["name"] for e in environments})
    gitops = {"repository": "self", "overlay": layout.OVERLAY_PATTERN, "branch": "main"}
    gitops.update(data.get("gitops") or {})
    for token in ("{service}", "{env}"):
        if token not in gitops["overlay"]:
            raise SpecError(source, "gitops.overlay", t("pipeline.spec.overlay_token", token=token))
    project = data.get("project") or services[0]["name"]
    if not is_dns1123_label(project):
        raise SpecError(source, "project", _not_a_label(project))
    return {
        "version": 1,
        "project": project,
        "services": services,
        "shared_paths": sorted(set(data.get("shared_paths") or [])),
        "environments": environments,
        "gitops": gitops,
        "stages": stages,
        "settings": settings,
        "repository_checks": bool(data.get("repository_checks", False)),
    }


def _environments(data: dict[str, Any], source: str) -> list[dict[str, Any]]:
    raw = data.get("environments") or [dict(e) for e in DEFAULT_ENVIRONMENTS]
    seen: set[str] = set()
    out = []
    for i, env in enumerate(raw):
        name = env["name"]
        if not is_dns1123_label(name):
            raise SpecError(source, f"environments[{i}].name", _not_a_label(name))
        if name in seen:
            raise SpecError(source, f"environments[{i}].name", t("pipeline.spec.duplicate_environment", name=name))
        seen.add(name)
        tier = env.get("tier") or _tier_from_name(name)
        steps = env.get("canary_steps") or [10, 50, 100]
        _check_steps(steps, source, f"environments[{i}].canary_steps")
        out.append({
            "name": name,
            "tier": tier,
            "approval": bool(env.get("approval", tier == "production")),
            "strategy": env.get("strategy", "rolling"),
            "canary_steps": list(steps),
            "url": env.get("url", ""),
        })
    return out


def _check_steps(steps: list[int], source: str, where: str) -> None:
    if any(b <= a for a, b in itertools.pairwise(steps)) or steps[-1] != 100:
        raise SpecError(source, where, t("pipeline.spec.canary_steps", steps=steps))


def _services(data: dict[str, Any], source: str, environments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    out = []
    for i, svc in enumerate(data["services"]):
        name = svc["name"]
        if not is_dns1123_label(name):
            raise SpecError(source, f"services[{i}].name", _not_a_label(name))
        if name in seen:
            raise SpecError(source, f"services[{i}].name",
                            t("pipeline.spec.duplicate_service", name=name, other=seen[name]))
        seen[name] = i
        path = svc["path"].rstrip("/")
        steps = svc.get("canary_steps")
        if steps:
            _check_steps(steps, source, f"services[{i}].canary_steps")
        image = svc["image"]
        if ":" in image.rsplit("/", 1)[-1] or "@" in image:
            raise SpecError(source, f"services[{i}].image", t("pipeline.spec.image_tag", image=image))
        out.append({
            "name": name,
            "path": path,
            "image": image,
            "dockerfile": svc.get("dockerfile") or f"{path}/Dockerfile",
            "context": (svc.get("context") or path).rstrip("/"),
            "watch": sorted({w.rstrip("/") for w in svc.get("watch") or []}),
            "commands": _commands(svc, source, i),
            "skip": _skip(svc, source, i),
            "language": svc.get("language", ""),
            "strategy": svc.get("strategy", ""),
            "canary_steps": list(steps or []),
            "ci_image": svc.get("ci_image", ""),
        })
    return out


def _commands(svc: dict[str, Any], source: str, index: int) -> dict[str, str]:
    """``test`` is the friendlier name of ``unit``: one key in the normalized spec."""
    commands = dict(svc.get("commands") or {})
    if "test" in commands:
        if "unit" in commands:
            raise SpecError(source, f"services[{index}].commands", t("pipeline.spec.test_and_unit"))
        commands["unit"] = commands.pop("test")
    return dict(sorted(commands.items()))


def _skip(svc: dict[str, Any], source: str, index: int) -> dict[str, str]:
    """Skipped test steps → their reason (``test`` normalized to ``unit``). A skip without a reason is refused:
    the job log must say why a step did not run."""
    raw = svc.get("skip")
    if not raw:
        if "skip_reason" in svc:
            raise SpecError(source, f"services[{index}].skip_reason", t("pipeline.spec.skip_reason_alone"))
        return {}
    if isinstance(raw, list):
        reason = svc.get("skip_reason", "")
        if not reason:
            raise SpecError(source, f"services[{index}].skip", t("pipeline.spec.skip_needs_reason"))
        out = dict.fromkeys(raw, reason)
    else:
        if "skip_reason" in svc:
            raise SpecError(source, f"services[{index}].skip_reason", t("pipeline.spec.skip_mapping_reason"))
        out = dict(raw)
    return {("unit" if k == "test" else k): v for k, v in sorted(out.items())}
