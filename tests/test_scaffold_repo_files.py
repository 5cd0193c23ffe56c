"""Repository hygiene files of the generated repository, checked by their real consumers:
renovate.json with check-jsonschema's vendored Renovate schema, .pre-commit-config.yaml with
`pre-commit validate-config` (check-jsonschema has no vendored pre-commit schema), and yamllint."""

from __future__ import annotations

import json

import pytest
from _scaffold_renders import final_answers, rendered
from conftest import find_tool, run_tool

SETS = ("default", "one-service", "six-mixed-helm-ja")


@pytest.mark.parametrize("name", SETS)
def test_renovate_config_is_valid_and_covers_copier_and_images(name: str) -> None:
    root = rendered(name)
    schema = ["--builtin-schema", "vendor.renovate"]
    result = run_tool([find_tool("check-jsonschema"), *schema, str(root / "renovate.json")])
    assert result.returncode == 0, result.stdout + result.stderr
    config = json.loads((root / "renovate.json").read_text())
    assert {"copier", "kustomize", "helm-values", "pre-commit"} <= set(config["enabledManagers"])
    target = final_answers(root)["ci_target"]
    assert ("github-actions" in config["enabledManagers"]) is (target in ("github", "both"))
    assert ("gitlabci" in config["enabledManagers"]) is (target in ("gitlab", "both"))
    # production image updates wait for approval
    gated = [r for r in config["packageRules"] if r.get("dependencyDashboardApproval") and r.get("matchFileNames")]
    prod = [e["name"] for e in final_answers(root)["environments"] if e.get("tier") == "production"]
    assert gated and all(any(env in p for p in gated[0]["matchFileNames"]) for env in prod)


def test_renovate_check_rejects_a_broken_config(tmp_path) -> None:
    bad = tmp_path / "renovate.json"
    bad.write_text(json.dumps({"enabledManagers": "copier", "packageRules": {}}))
    result = run_tool([find_tool("check-jsonschema"), "--builtin-schema", "vendor.renovate", str(bad)])
    assert result.returncode != 0


@pytest.mark.parametrize("name", SETS)
def test_pre_commit_config_is_valid(name: str) -> None:
    root = rendered(name)
    result = run_tool([find_tool("pre-commit"), "validate-config", str(root / ".pre-commit-config.yaml")])
    assert result.returncode == 0, result.stdout + result.stderr
    text = (root / ".pre-commit-config.yaml").read_text()
    assert "id: yamllint" in text and "id: check-renovate" in text and "parasol-gitops validate ." in text


def test_pre_commit_check_rejects_a_broken_config(tmp_path) -> None:
    bad = tmp_path / ".pre-commit-config.yaml"
    bad.write_text("repos:\n  - repo: https://example.com/x\n    hooks: []\n")  # no rev
    result = run_tool([find_tool("pre-commit"), "validate-config", str(bad)])
    assert result.returncode != 0


@pytest.mark.parametrize("name", SETS)
def test_hygiene_files_pass_yamllint_and_exist(name: str) -> None:
    root = rendered(name)
    for rel in (".gitignore", "renovate.json", ".pre-commit-config.yaml", "pipeline.yaml", "dr/README.md",
                "dr/drills/.gitkeep", "README.md"):
        assert (root / rel).is_file(), rel
    result = run_tool([find_tool("yamllint"), "-s", "-c", str(root / ".yamllint"),
                       str(root / ".pre-commit-config.yaml"), str(root / "pipeline.yaml")])
    assert result.returncode == 0, result.stdout
    ignored = (root / ".gitignore").read_text().splitlines()
    assert "*.rej" in ignored  # conflicted updates leave .rej files: never commit them
