"""Size and shape of the generated CI for every bundled example and every template answer set: ci.yml does not
grow with the number of services, no file holds a YAML anchor or alias, and the real consumers accept it all
(actionlint with shellcheck, zizmor --offline, check-jsonschema, gitlab-ci-local --list-json and --preview)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from ruamel.yaml import YAML

from parasol_gitops.pipeline import GITLAB_FILES, PIPELINES_DIR, load_spec, synthesize
from parasol_gitops.pipeline import validate_spec as validate_pipeline
from tests._scaffold_renders import ANSWER_SETS, rendered
from tests.conftest import find_tool, run_tool

EXAMPLES = sorted(p.stem for p in (PIPELINES_DIR / "examples").glob("*.yaml"))
SOURCES = [f"example:{name}" for name in EXAMPLES] + [f"answers:{name}" for name in sorted(ANSWER_SETS)]
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main"]


def _spec(source: str) -> dict[str, Any]:
    kind, name = source.split(":", 1)
    if kind == "example":
        return load_spec(PIPELINES_DIR / "examples" / f"{name}.yaml")
    return load_spec(rendered(name) / "pipeline.yaml")  # what `new` wrote for that answer set


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each source's GitHub and GitLab files in a git repository of its own (gitlab-ci-local needs one)."""
    out = {}
    for source in SOURCES:
        root = tmp_path_factory.mktemp(source.replace(":", "-"))
        spec = _spec(source)
        for target in ("github", "gitlab"):
            for rel, text in synthesize(spec, target).items():
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).write_text(text, encoding="utf-8")
        origin = root.parent / (root.name + ".git")  # rules:changes compare with origin's default branch
        for args, cwd in ((["init", "-q", "--bare", str(origin)], root.parent), (["init", "-q"], root),
                          (["remote", "add", "origin", str(origin)], root), (["add", "-A"], root),
                          (["commit", "-qm", "ci"], root), (["push", "-q", "origin", "HEAD:main"], root)):
            subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True)
        out[source] = root
    return out


def _platform_ci(services: int) -> str:
    data = yaml.safe_load((rendered("default") / "pipeline.yaml").read_text(encoding="utf-8"))
    data["services"] = [{"name": f"svc-{i:02d}", "path": f"services/svc-{i:02d}/src",
                         "image": f"ghcr.io/example/svc-{i:02d}", "dockerfile": f"services/svc-{i:02d}/src/Dockerfile"}
                        for i in range(services)]
    spec = validate_pipeline(data, source="platform")
    return synthesize(spec, "github")[".github/workflows/ci.yml"]


def test_ci_yml_has_the_same_lines_for_3_and_30_services() -> None:
    """The template's pipeline (dev, staging, integration tests, production): the service list is read from
    pipeline.yaml at run time by `parasol-gitops changes`, so no line of ci.yml names a service."""
    small, big = _platform_ci(3), _platform_ci(30)
    assert small.count("\n") == big.count("\n") <= 450, (small.count("\n"), big.count("\n"))
    assert small == big
    assert "svc-00" not in small


def _anchors(text: str) -> list[str]:
    """Anchors and aliases as the YAML parser sees them (a `&` or `*` inside a script is neither)."""
    found = []
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            found.append(f"alias *{event.anchor} at line {event.start_mark.line + 1}")
        elif getattr(event, "anchor", None):
            found.append(f"anchor &{event.anchor} at line {event.start_mark.line + 1}")
    return found


@pytest.mark.parametrize("source", SOURCES)
def test_no_anchor_or_alias_in_any_generated_file(source: str, written: dict[str, Path]) -> None:
    root = written[source]
    files = sorted(p for p in root.rglob("*.yml") if ".git" not in p.parts)
    assert len(files) >= 6
    for path in files:
        assert _anchors(path.read_text(encoding="utf-8")) == [], path.relative_to(root)


def test_anchor_scan_finds_what_ruamel_emits_for_a_shared_object() -> None:
    import io

    shared = {"on_new_commit": "none"}
    buffer = io.StringIO()
    YAML().dump({"a": shared, "b": shared}, buffer)
    assert "&id001" in buffer.getvalue()
    assert _anchors(buffer.getvalue()) == ["anchor &id001 at line 1", "alias *id001 at line 3"]


# the bundled examples get the same three checks in test_pipeline_validators.py
@pytest.mark.parametrize("source", [s for s in SOURCES if s.startswith("answers:")])
def test_github_files_pass_actionlint_zizmor_and_the_schema(source: str, written: dict[str, Path]) -> None:
    root = written[source]
    workflows = sorted(str(p) for p in (root / ".github/workflows").glob("*.yml"))
    assert any(w.endswith("deploy.yml") for w in workflows)
    lint = run_tool([find_tool("actionlint"), "-shellcheck", find_tool("shellcheck"), *workflows], cwd=root)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    zizmor = run_tool([find_tool("zizmor"), "--offline", "--no-progress", ".github/workflows"], cwd=root)
    assert zizmor.returncode == 0 and "No findings to report" in zizmor.stdout + zizmor.stderr, zizmor.stdout
    schema = run_tool([find_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflows])
    assert schema.returncode == 0, schema.stdout + schema.stderr


def _forwarded(parent: dict, trigger: str) -> list[str]:
    out = []
    for key, value in parent[trigger]["variables"].items():
        out += ["--variable", f"{key}={value['value'] if isinstance(value, dict) else value}"]
    return out


@pytest.mark.parametrize("source", SOURCES)
def test_gitlab_files_pass_the_schema_and_gitlab_ci_local(source: str, written: dict[str, Path]) -> None:
    root = written[source]
    schema = run_tool([find_tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", "--data-transform",
                       "gitlab-ci", *(str(root / rel) for rel in GITLAB_FILES)])
    assert schema.returncode == 0, schema.stdout + schema.stderr
    gcl = find_tool("gitlab-ci-local")
    preview = run_tool([gcl, "--preview"], cwd=root, timeout=600)
    assert preview.returncode == 0, preview.stderr
    parent = YAML(typ="safe").load((root / ".gitlab-ci.yml").read_text())
    # each child pipeline a trigger starts, with the variables that trigger forwards
    children: dict[str, str] = {}
    for name, job in parent.items():
        if name.startswith("service:"):
            children.setdefault(parent[job["extends"]]["trigger"]["include"], name)
    assert children
    for child, trigger in sorted(children.items()):
        listed = run_tool([gcl, "--list-json", "--file", child, *_forwarded(parent, trigger)], cwd=root, timeout=600)
        assert listed.returncode == 0, (child, listed.stderr)
        assert '"lint_and_test"' in listed.stdout
