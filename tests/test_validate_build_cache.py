"""Remembered kustomize builds (validate/builds.py): a build is reused only while every file it reads is the same.

Real kustomize builds (``kubectl kustomize``); each test has its own ``$XDG_CACHE_HOME``. Every test edits one
input of a build between two runs and proves that the second run built it again and saw the edit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import find_tool

from parasol_gitops.validate import builds, render


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def cm(name: str, value: str) -> str:
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: {value}\n"


@pytest.fixture()
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    find_tool("kubectl")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    write(root / "base" / "kustomization.yaml", "resources: [cm.yaml]\n")
    write(root / "base" / "cm.yaml", cm("app", "one"))
    write(root / "overlay" / "kustomization.yaml",
          "resources: [../base]\nnamespace: prod\n"
          "configMapGenerator:\n  - name: gen\n    files: [conf/app.properties]\n")
    write(root / "overlay" / "conf" / "app.properties", "a=1\n")
    write(root / "other" / "kustomization.yaml", "resources: [cm.yaml]\n")
    write(root / "other" / "cm.yaml", cm("other", "x"))
    return root.resolve()


def build(root: Path) -> tuple[dict[str, list[dict]], int, dict[str, str]]:
    """One render of every root: ``(folder → objects, builds answered from the cache, build errors)``."""
    r = render.Renderer(root, render.kustomize_command())
    r.discover()
    r.build(r.roots())
    cache = r._build_cache()
    return {rel: [o.data for o in objs] for rel, objs in r.built.items()}, cache.hits, dict(r.build_errors)


def value(objs: list[dict], kind: str) -> dict:
    return next(o["data"] for o in objs if o["kind"] == kind and not o["metadata"]["name"].startswith("gen"))


def test_an_unchanged_build_is_answered_from_the_cache_with_the_same_objects(repo: Path) -> None:
    first, hits, _ = build(repo)
    assert hits == 0 and set(first) == {"overlay", "other"}
    again, hits, _ = build(repo)
    assert hits == 2 and again == first
    # and the objects are kustomize's: namespace set, generated ConfigMap named by its hash
    names = {o["metadata"]["name"] for o in again["overlay"]}
    assert "app" in names and any(n.startswith("gen-") for n in names)
    assert {o["metadata"]["namespace"] for o in again["overlay"]} == {"prod"}


@pytest.mark.parametrize("edit", [
    "a resource file of an included base",
    "the kustomization file of an included base",
    "a generator's file in a subfolder",
    "the kustomization file itself",
    "a second kustomization file beside the first",
])
def test_any_edited_input_builds_the_folder_again(repo: Path, edit: str) -> None:
    first, _, _ = build(repo)
    if edit == "a resource file of an included base":
        write(repo / "base" / "cm.yaml", cm("app", "two"))
    elif edit == "the kustomization file of an included base":
        write(repo / "base" / "kustomization.yaml", "resources: [cm.yaml]\ncommonLabels: {team: t}\n")
    elif edit == "a generator's file in a subfolder":
        write(repo / "overlay" / "conf" / "app.properties", "a=2\n")
    elif edit == "the kustomization file itself":
        kfile = repo / "overlay" / "kustomization.yaml"
        write(kfile, kfile.read_text().replace("namespace: prod", "namespace: staging"))
    else:
        write(repo / "overlay" / "kustomization.yml", "resources: []\n")
    again, hits, errors = build(repo)
    assert hits == 1  # "other" only
    assert again["other"] == first["other"]
    if edit == "a second kustomization file beside the first":
        assert "overlay" in errors and "overlay" not in again  # kustomize's own verdict, not the cached one
        return
    assert again["overlay"] != first["overlay"]
    if edit == "a resource file of an included base":
        assert value(again["overlay"], "ConfigMap") == {"k": "two"}
    if edit == "the kustomization file of an included base":
        assert all(o["metadata"]["labels"] == {"team": "t"} for o in again["overlay"] if o["metadata"]["name"] == "app")


def test_a_symlinked_input_whose_target_changes_is_built_again(repo: Path) -> None:
    # the targets lie in a subfolder: only the link is in the base folder, the key follows it to their bytes
    write(repo / "base" / "variants" / "a.yaml", cm("app", "a"))
    write(repo / "base" / "variants" / "b.yaml", cm("app", "b"))
    (repo / "base" / "cm.yaml").unlink()
    os.symlink("variants/a.yaml", repo / "base" / "cm.yaml")
    first, _, errors = build(repo)
    assert not errors and value(first["overlay"], "ConfigMap") == {"k": "a"}
    write(repo / "base" / "variants" / "a.yaml", cm("app", "a2"))  # the target's bytes
    again, hits, _ = build(repo)
    assert hits == 1 and value(again["overlay"], "ConfigMap") == {"k": "a2"}
    (repo / "base" / "cm.yaml").unlink()
    os.symlink("variants/b.yaml", repo / "base" / "cm.yaml")  # the link itself
    again, hits, _ = build(repo)
    assert hits == 1 and value(again["overlay"], "ConfigMap") == {"k": "b"}


def test_a_failing_build_is_never_remembered(repo: Path) -> None:
    write(repo / "base" / "kustomization.yaml", "resources: [cm.yaml, missing.yaml]\n")
    _, _, errors = build(repo)
    assert "overlay" in errors
    _, hits, errors = build(repo)
    assert "overlay" in errors and hits == 1
    write(repo / "base" / "missing.yaml", cm("late", "x"))  # now it builds
    again, _, errors = build(repo)
    assert not errors and "late" in {o["metadata"]["name"] for o in again["overlay"]}


def test_a_build_reading_an_env_file_is_never_remembered(repo: Path) -> None:
    # some kustomize releases take a line without "=" in an env file from their own environment (v5.5 leaves
    # it empty): such a build is not a function of its files alone
    write(repo / "envy" / "kustomization.yaml", "configMapGenerator:\n  - name: env\n    envs: [vars.env]\n")
    write(repo / "envy" / "vars.env", "FROM_ENV\n")
    first, _, _ = build(repo)
    again, hits, _ = build(repo)
    assert hits == 2 and again["envy"] == first["envy"]  # overlay and other; envy built again
    r = render.Renderer(repo, render.kustomize_command())
    r.discover()
    assert r._build_cache().key("envy") is None and r._build_cache().key("other") is not None


def test_another_kustomize_binary_is_another_key(repo: Path, tmp_path: Path) -> None:
    r = render.Renderer(repo, render.kustomize_command())
    r.discover()
    mine = builds.BuildCache(repo, render.kustomize_command(), r.kustomizations)
    fake = tmp_path / "bin" / "kubectl"
    write(fake, "#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    other = builds.BuildCache(repo, [str(fake), "kustomize"], r.kustomizations)
    assert mine.key("overlay") is not None and other.key("overlay") is not None
    assert mine.key("overlay") != other.key("overlay")
    os.utime(fake, (1, 1))  # same path, another build of the binary
    assert builds.BuildCache(repo, [str(fake), "kustomize"], r.kustomizations).key("overlay") != other.key("overlay")


def test_a_damaged_cache_file_costs_a_build_and_nothing_else(repo: Path, tmp_path: Path) -> None:
    first, _, _ = build(repo)
    files = sorted((tmp_path / "cache" / "parasol-gitops" / "validate" / "builds").glob("*.json"))
    assert len(files) == 2
    for f in files:
        digest, _, body = f.read_bytes().partition(b"\n")
        data = json.loads(body)
        data["objects"][0]["data"] = {"k": "forged"}  # valid JSON, wrong checksum
        f.write_bytes(digest + b"\n" + json.dumps(data).encode())
    again, hits, _ = build(repo)
    assert hits == 0 and again == first
    for f in files:
        f.write_bytes(b"\0" * 10)  # what a crash can leave
    again, hits, _ = build(repo)
    assert hits == 0 and again == first


def test_the_run_does_not_change_what_was_remembered(repo: Path) -> None:
    from parasol_gitops.validate import engine

    first, _, _ = build(repo)
    engine.run(repo)  # fills in namespaces of the objects it judges
    again, hits, _ = build(repo)
    assert hits == 2 and again == first


def test_a_file_edited_during_the_build_is_not_remembered_under_its_old_bytes(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from parasol_gitops.validate import run

    real_batch = run.Kustomize.batch

    def batch_then_edit(self: run.Kustomize, rels: list[str]) -> run.BatchResult:
        results = real_batch(self, rels)
        if "overlay" in rels:
            write(repo / "base" / "cm.yaml", cm("app", "edited"))  # after kustomize read "one"
        return results

    monkeypatch.setattr(run.Kustomize, "batch", batch_then_edit)
    during, _, _ = build(repo)
    assert value(during["overlay"], "ConfigMap") == {"k": "one"}
    monkeypatch.setattr(run.Kustomize, "batch", real_batch)
    write(repo / "base" / "cm.yaml", cm("app", "one"))  # back to the bytes the key was taken over
    again, hits, _ = build(repo)
    assert hits == 1  # "other" only: the overlay was not remembered
    assert value(again["overlay"], "ConfigMap") == {"k": "one"}
    again, hits, _ = build(repo)
    assert hits == 2  # now it is


def test_a_folder_named_as_a_transformer_is_never_remembered(repo: Path) -> None:
    # kustomize loads it as a kustomization of its own, which the closure does not follow
    write(repo / "tf" / "kustomization.yaml", "resources: [labels.yaml]\n")
    write(repo / "tf" / "labels.yaml", "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: l\n"
          "labels:\n  team: a\nfieldSpecs:\n  - path: metadata/labels\n    create: true\n")
    kfile = repo / "other" / "kustomization.yaml"
    write(kfile, "resources: [cm.yaml]\ntransformers: [../tf]\n")
    first, _, errors = build(repo)
    assert not errors and first["other"][0]["metadata"]["labels"] == {"team": "a"}
    write(repo / "tf" / "labels.yaml", (repo / "tf" / "labels.yaml").read_text().replace("team: a", "team: b"))
    again, hits, _ = build(repo)
    assert again["other"][0]["metadata"]["labels"] == {"team": "b"}
    assert hits == 1  # the overlay only (tf is a root of its own too)


def test_a_fifo_beside_a_kustomization_is_never_opened_for_reading_and_never_remembered(repo: Path) -> None:
    os.mkfifo(repo / "other" / "pipe")  # a blocking open would hang the key; kustomize itself never opens it
    first, _, errors = build(repo)
    assert not errors
    again, hits, _ = build(repo)
    assert hits == 1 and again == first  # the overlay only
    r = render.Renderer(repo, render.kustomize_command())
    r.discover()
    assert r._build_cache().key("other") is None
