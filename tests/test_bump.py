"""bump: a ruamel round trip that changes only the image entry, idempotently."""

from __future__ import annotations

from pathlib import Path

from parasol_gitops.bump import bump
from tests.conftest import run_cli

DIGEST = "sha256:" + "ab" * 32
KUSTOMIZATION = """\
# production overlay of orders: edited by hand and by CI
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop-production   # keep
resources:
  - ../../base
  - hpa.yaml
patches:
  - path: replicas.yaml   # 3 replicas
images:
  # the service image (bumped by CI)
  - name: ghcr.io/example/orders
    newTag: "1.0.0"   # first release
  - name: redis
    newTag: 7.2.4
labels:
  - pairs: {team: orders}
"""


def _overlay(tmp_path: Path) -> Path:
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(KUSTOMIZATION, encoding="utf-8")
    return overlay


def test_bump_keeps_everything_else_byte_for_byte(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path)
    assert bump(overlay, "ghcr.io/example/orders", "abc123", DIGEST) is True
    after = (overlay / "kustomization.yaml").read_text()
    # the comment keeps its column, so the one changed line loses a space; every other byte is kept
    expected = KUSTOMIZATION.replace('    newTag: "1.0.0"   # first release\n',
                                     f'    newTag: "abc123"  # first release\n    digest: {DIGEST}\n')
    assert after == expected


def test_bump_is_idempotent(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path)
    assert bump(overlay, "ghcr.io/example/orders", "abc123", DIGEST) is True
    first = (overlay / "kustomization.yaml").read_bytes()
    assert bump(overlay, "ghcr.io/example/orders", "abc123", DIGEST) is False
    assert (overlay / "kustomization.yaml").read_bytes() == first


def test_bump_appends_an_image_the_overlay_builds_but_does_not_set_yet(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path)
    base = tmp_path / "base"  # ../../base of the overlay is tmp_path's parent's sibling: make it a local resource
    base.mkdir()
    (base / "kustomization.yaml").write_text("resources:\n  - deployment.yaml\n")
    (base / "deployment.yaml").write_text(
        "kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
        "        - name: app\n          image: ghcr.io/example/payments:1.0.0\n")
    kfile = overlay / "kustomization.yaml"
    kfile.write_text(KUSTOMIZATION.replace("  - ../../base\n", "  - ../base\n"))
    assert bump(overlay, "ghcr.io/example/payments", "ghcr.io/mirror/payments:2.0.0", None) is True
    text = (overlay / "kustomization.yaml").read_text()
    assert text.startswith(KUSTOMIZATION.replace("  - ../../base\n", "  - ../base\n").split("labels:")[0])
    assert "  - name: ghcr.io/example/payments\n    newName: ghcr.io/mirror/payments\n    newTag: 2.0.0\n" in text


def test_bump_cli_and_bad_input(tmp_path: Path) -> None:
    overlay = _overlay(tmp_path)
    image = f"ghcr.io/example/orders=ghcr.io/example/orders:v2@{DIGEST}"
    ok = run_cli("bump", "--overlay", str(overlay), "--image", image)
    assert ok.exit_code == 0, ok.stderr
    assert "newTag: \"v2\"" in (overlay / "kustomization.yaml").read_text()
    before = (overlay / "kustomization.yaml").read_bytes()
    for args in (["--image", "noequals"], ["--image", "x=y@sha256:short"]):
        bad = run_cli("bump", "--overlay", str(overlay), *args)
        assert bad.exit_code == 2 and bad.stderr.startswith("error: ") and len(bad.stderr.splitlines()) == 1
    missing = run_cli("bump", "--overlay", str(tmp_path / "nope"), "--image", "a=b")
    assert missing.exit_code == 2 and "not found" in missing.stderr
    assert (overlay / "kustomization.yaml").read_bytes() == before


VALUES = """\
# orders in staging. A deploy edits image.tag / image.digest.
environment: staging
image:
  # repository repeated here so that Renovate can propose tag updates
  repository: ghcr.io/example/orders
  tag: "0.1.0"
  digest: ""
replicas: 2   # HPA floor
"""


def test_bump_sets_tag_and_digest_in_a_helm_values_file_and_nothing_else(tmp_path: Path) -> None:
    values = tmp_path / "values-staging.yaml"
    values.write_text(VALUES, encoding="utf-8")
    assert bump(values, "ghcr.io/example/orders", "0.2.0", DIGEST) is True
    after = values.read_text(encoding="utf-8").splitlines()
    before = VALUES.splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ('  tag: "0.1.0"', '  tag: "0.2.0"'),
        ('  digest: ""', f'  digest: "{DIGEST}"'),
    ]
    assert bump(values, "ghcr.io/example/orders", "0.2.0", DIGEST) is False


def test_bump_of_a_values_file_for_another_image_is_refused(tmp_path: Path) -> None:
    values = tmp_path / "values-staging.yaml"
    values.write_text(VALUES, encoding="utf-8")
    result = run_cli("bump", "--overlay", str(values), "--image", "ghcr.io/example/other=0.2.0")
    assert result.exit_code == 2
    assert "image.repository" in result.stderr and "Traceback" not in result.stderr
    assert values.read_text(encoding="utf-8") == VALUES


def test_a_line_break_at_the_end_of_a_name_tag_or_digest_is_refused() -> None:
    """The patterns match the whole value: ``$`` alone lets a trailing newline through into the overlay."""
    import pytest

    from parasol_gitops.bump import parse_image_arg
    from parasol_gitops.errors import InputError

    digest = "sha256:" + "a" * 64
    assert parse_image_arg(f"orders=1.2.3@{digest}") == ("orders", "", "1.2.3", digest)
    for value in ("orders\n=1.2.3", "orders=1.2.3\n", f"orders=1.2.3@{digest}\n", "orders=ghcr.io/x/orders\n:1"):
        with pytest.raises(InputError):
            parse_image_arg(value)
