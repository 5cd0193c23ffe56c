"""``settings.tool_package``: what generated CI jobs install to run parasol-gitops.

The default pins the running version, so a pipeline calls exactly the subcommands that synthesized it. Any
other value must be something pip understands as one requirement: a PEP 508 requirement
(``parasol-gitops==0.2.0``, ``parasol-gitops @ https://…/x.whl``) or a URL pip installs directly
(``git+https://…``, a wheel or sdist URL). The value is only ever passed to pip as one quoted argument,
but an option (``--index-url …``) or two words would still change what pip does, so they are refused.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urlsplit

from ..messages import t

PACKAGE = "parasol-gitops"
_VCS_SCHEMES = ("git+https", "git+ssh", "git+http", "git+file")
_URL_SCHEMES = ("https", "http", "file")
_ARCHIVES = (".whl", ".tar.gz", ".zip")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*)://")


def package_version() -> str:
    from ..resources import version

    return version()


def tool_package_default() -> str:
    return f"{PACKAGE}=={package_version()}"


def check_tool_package(value: str) -> str | None:
    """Why ``value`` is not one pip requirement or URL, or None when it is."""
    if not value.strip() or value != value.strip():
        return t("pipeline.spec.tool_package.blank", value=value)
    if value.startswith("-"):
        return t("pipeline.spec.tool_package.option", value=value)
    scheme = _SCHEME.match(value)
    if scheme:
        return _check_url(value, value, scheme.group(1))
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(value)
    except InvalidRequirement as exc:
        return t("pipeline.spec.tool_package.invalid", value=value, detail=str(exc).splitlines()[0])
    if requirement.url:
        scheme = _SCHEME.match(requirement.url)
        return _check_url(value, requirement.url, scheme.group(1) if scheme else "")
    return None


def _check_url(value: str, url: str, scheme: str) -> str | None:
    if any(c.isspace() for c in url):
        return t("pipeline.spec.tool_package.url_spaces", value=value)
    parts = urlsplit(url)
    if scheme in _VCS_SCHEMES:
        return None if parts.netloc or scheme == "git+file" else t("pipeline.spec.tool_package.no_host", value=value)
    if scheme in _URL_SCHEMES:
        if scheme != "file" and not parts.netloc:
            return t("pipeline.spec.tool_package.no_host", value=value)
        if not parts.path.endswith(_ARCHIVES):
            return t("pipeline.spec.tool_package.not_archive", value=value)
        return None
    return t("pipeline.spec.tool_package.scheme", value=value, scheme=scheme)


def cache_key(value: str) -> str:
    """A CI cache key that changes whenever the requirement does (GitLab keys allow no '/')."""
    return "parasol-gitops-" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]
