"""Every third-party action the GitHub output uses, pinned by full commit SHA of a real release.

One table, so a bump is one edit. Each SHA was cross-checked against at least two public workflows
that pin the same release (see the report of issue #2).
"""

from __future__ import annotations

ACTIONS: dict[str, tuple[str, str, str]] = {
    "checkout": ("actions/checkout", "11bd71901bbe5b1630ceea73d27597364c9af683", "v4.2.2"),
    "setup-python": ("actions/setup-python", "a26af69be951a213d495a4c3e4e4022e16d87065", "v5.6.0"),
    "setup-buildx": ("docker/setup-buildx-action", "e468171a9de216ec08956ac3ada2f0791b6bd435", "v3.11.1"),
    "login": ("docker/login-action", "74a5d142397b4f367a81961eba4e8cd7edddf772", "v3.4.0"),
    "build-push": ("docker/build-push-action", "263435318d21b8e681c14492fe198d362a7d2c83", "v6.18.0"),
    "attest": ("actions/attest-build-provenance", "e8998f949152b193b063cb0ec769d69d929409be", "v2.4.0"),
    "upload-artifact": ("actions/upload-artifact", "ea165f8d65b6e75b540449e92b4886f43607fa02", "v4.6.2"),
    "download-artifact": ("actions/download-artifact", "d3f86a106a0bac45b974a628896c90dbdf5c8093", "v4.3.0"),
    "trivy": ("aquasecurity/trivy-action", "ed142fd0673e97e23eac54620cfb913e5ce36c25", "v0.36.0"),
    "cache": ("actions/cache", "5a3ec84eff668545956fd18022155c47e93e2684", "v4.2.3"),
}


def uses(key: str) -> tuple[str, str]:
    """``(owner/repo@sha, version)`` for the action ``key``."""
    repo, sha, version = ACTIONS[key]
    return f"{repo}@{sha}", version
