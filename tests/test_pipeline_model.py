"""The typed pipeline model: frozen spec and jobs, one job-kind dispatch, Japanese spec errors."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from parasol_gitops import messages
from parasol_gitops.errors import SpecError
from parasol_gitops.pipeline import PIPELINES_DIR, load_spec, synthesize, typed_spec, validate_spec
from parasol_gitops.pipeline.model import JobBuilders, JobKind, build_model, dispatch
from parasol_gitops.pipeline.spectypes import PipelineSpec
from tests.conftest import run_cli

MIXED = PIPELINES_DIR / "examples" / "mixed-strategies.yaml"


@pytest.fixture
def japanese() -> Iterator[None]:
    messages.set_language("ja")
    yield
    messages.set_language(None)


def test_load_spec_is_the_plain_mapping_and_carries_the_frozen_typed_spec() -> None:
    spec = load_spec(MIXED)
    assert "_normalized" not in spec  # the typed form replaced the flag
    assert json.loads(json.dumps(spec))["services"][0]["name"] == spec.typed.services[0].name
    typed = spec.typed
    assert isinstance(typed.services, tuple) and isinstance(typed.stages, tuple)
    assert typed.settings.rollback.health_checks is spec["settings"]["rollback"]["health_checks"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        typed.project = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):  # commands are read-only too
        typed.services[0].commands["lint"] = "true"  # type: ignore[index]


def test_synthesize_gives_the_same_files_for_raw_normalized_and_typed_input() -> None:
    from parasol_gitops.yamlio import load_file

    raw = load_file(MIXED)
    normalized = load_spec(MIXED)
    for target in ("github", "gitlab"):
        expected = synthesize(raw, target)
        assert synthesize(normalized, target) == expected
        assert synthesize(normalized.typed, target) == expected
    assert typed_spec(normalized.typed, "x") is normalized.typed


def test_jobs_are_frozen_and_typed_and_one_dispatch_serves_every_per_service_kind() -> None:
    model = build_model(load_spec(MIXED).typed)
    kinds = {job.kind for job in model.jobs}
    assert all(isinstance(job.kind, JobKind) for job in model.jobs)
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.jobs[0].needs = ()  # type: ignore[misc]
    # every field of JobBuilders is a per-service kind, and every per-service kind has a field
    fields = {f.name for f in dataclasses.fields(JobBuilders)}
    assert fields == {k.value for k in JobKind} - {"checks"}
    seen: list[str] = []
    builders = JobBuilders(**{name: (lambda job, name=name: seen.append(name) or name) for name in fields})
    for job in model.jobs:
        if job.per_service:
            assert dispatch(builders, job) == job.kind.value
    assert set(seen) == {k.value for k in kinds} - {"checks"}
    checks = [job for job in model.jobs if job.kind == JobKind.CHECKS]
    for job in checks:
        with pytest.raises(ValueError):
            dispatch(builders, job)


def test_a_cycle_in_needs_is_named_from_the_first_stage_of_the_spec() -> None:
    data = {"version": 1, "services": [{"name": "a", "path": "a", "image": "ghcr.io/e/a"}],
            "stages": [{"name": "build", "type": "build"},
                       {"name": "x", "type": "lint_and_test", "needs": ["z"]},
                       {"name": "y", "type": "lint_and_test", "needs": ["x"]},
                       {"name": "z", "type": "lint_and_test", "needs": ["y"]}]}
    with pytest.raises(SpecError) as caught:
        validate_spec(data, source="p.yaml")
    assert caught.value.path == "stages[1].needs"
    assert caught.value.problem == "cycle in needs: x -> z -> y -> x"


@pytest.mark.usefixtures("japanese")
def test_a_bad_spec_gives_a_japanese_problem_under_ja() -> None:
    data = {"version": 1, "services": [{"name": "a", "path": "a", "image": "ghcr.io/e/a:1.0"}]}
    with pytest.raises(SpecError) as caught:
        validate_spec(data, source="p.yaml")
    assert caught.value.problem == "'ghcr.io/e/a:1.0' はタグやダイジェストのないリポジトリでなければなりません"
    data = {"version": 1, "services": [{"name": "a", "path": "a", "image": "ghcr.io/e/a"}], "extra": 1}
    with pytest.raises(SpecError, match="不明なキー 'extra' です"):
        validate_spec(data, source="p.yaml")
    settings = {"tool_package": "--index-url x"}
    with pytest.raises(SpecError, match="'--index-url x' は pip のオプションで、要件ではありません"):
        validate_spec({"version": 1, "services": data["services"], "settings": settings}, source="p.yaml")


def test_cli_lang_ja_prints_the_spec_problem_in_japanese(tmp_path: Path) -> None:
    spec = tmp_path / "pipeline.yaml"
    spec.write_text("version: 1\nservices:\n  - {name: a, path: a, image: ghcr.io/e/a}\n"
                    "  - {name: a, path: b, image: ghcr.io/e/b}\n", encoding="utf-8")
    result = run_cli("--lang", "ja", "pipeline", "--target", "gitlab", "--spec", str(spec), "--out", "-")
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, result
    assert "services[1].name: サービス名 'a' が重複しています（services[0] にもあります）" in result.stderr
    bad_target = run_cli("--lang", "ja", "pipeline", "--target", "jenkins", "--spec", str(spec))
    assert bad_target.exit_code == 2 and "ターゲット 'jenkins' はありません" in bad_target.stderr


def test_the_typed_spec_is_what_the_emitters_read() -> None:
    """A typed spec changed with dataclasses.replace reaches the output: no emitter reads a dict behind it."""
    typed: PipelineSpec = load_spec(MIXED).typed
    renamed = dataclasses.replace(typed, project="renamed-project",
                                  settings=dataclasses.replace(typed.settings, python_version="3.13"))
    gitlab = synthesize(renamed, "gitlab")[".gitlab-ci.yml"]
    assert "name: renamed-project $CI_COMMIT_REF_NAME" in gitlab
    assert "python-version: '3.13'" in synthesize(renamed, "github")[".github/workflows/ci.yml"]


def test_schema_problems_keep_jsonschemas_english_and_have_japanese() -> None:
    data = {"version": 1, "services": 3}
    with pytest.raises(SpecError) as english:
        validate_spec(data, source="p.yaml")
    assert (english.value.path, english.value.problem) == ("services", "3 is not of type 'array'")
    messages.set_language("ja")
    try:
        with pytest.raises(SpecError) as japanese:
            validate_spec(data, source="p.yaml")
        assert japanese.value.problem == "3 は array 型ではありません"
        with pytest.raises(SpecError, match="services: 要素が 1 個以上必要です"):
            validate_spec({"version": 1, "services": []}, source="p.yaml")
    finally:
        messages.set_language(None)
