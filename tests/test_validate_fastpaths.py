"""The shortcuts that keep `validate --changed` cheap answer exactly what the slow paths answer."""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path

import pytest
import yaml

from parasol_gitops.validate import plan, sandbox
from parasol_gitops.validate.engine import _unique
from parasol_gitops.validate.objects import Obj, parse
from parasol_gitops.validate.parsed import ParsedKustomizations
from parasol_gitops.validate.plain import could_hold_object


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "repo"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "f.yaml").write_text("x: 1\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text("x: 2\n")
    os.symlink(root / "a", root / "link-in")
    os.symlink(outside, root / "link-out")
    os.symlink(outside / "secret.yaml", root / "a" / "leaf-out.yaml")
    os.symlink(root / "loop1", root / "loop2")
    os.symlink(root / "loop2", root / "loop1")
    return root.resolve(), outside.resolve()


CASES = ["a/b/f.yaml", "link-in/b/f.yaml", "link-out/secret.yaml", "a/leaf-out.yaml", "a/missing/x.yaml",
         "a/b/../b/f.yaml", "link-in/../a/b", "a/b/f.yaml/below", "."]


@pytest.mark.parametrize("rel", CASES)
def test_remembered_resolve_equals_pathlib(tmp_path: Path, rel: str) -> None:
    root, _ = _tree(tmp_path)
    with sandbox.remembering():
        assert sandbox.resolve(root / rel) == (root / rel).resolve()
        assert sandbox.resolve(root / rel) == (root / rel).resolve()  # the remembered answer too
        assert sandbox.inside(root, root / rel) == ((root / rel).resolve().is_relative_to(root))


# raw strings as a kustomization names them: "..", "." and doubled or trailing slashes are not normalised first
RAW_CASES = [*CASES, "link-out/..", "link-in/b/..", "link-in/..", "a/leaf-out.yaml/..", "a/missing/..", "loop1/..",
             "loop1/../a", "a/./b", "a/b/", "a//b/f.yaml", "a/b/./", "../repo/a", "a/b/../../..", "link-in/b/../../a"]


@pytest.mark.parametrize("rel", RAW_CASES)
def test_real_path_of_a_raw_string_equals_pathlib(tmp_path: Path, rel: str) -> None:
    root, _ = _tree(tmp_path)
    raw = os.path.join(os.fspath(root), rel)
    with sandbox.remembering():
        for _ in range(2):  # the remembered answer too
            assert sandbox.real_path(raw) == os.fspath(Path(raw).resolve())
    assert sandbox.real_path(raw) == os.fspath(Path(raw).resolve())


def test_remembered_resolve_reports_a_loop_as_pathlib_does(tmp_path: Path) -> None:
    root, _ = _tree(tmp_path)
    with pytest.raises(RuntimeError):
        (root / "loop1" / "x").resolve()
    with sandbox.remembering():
        with pytest.raises(RuntimeError):
            sandbox.resolve(root / "loop1" / "x")
        assert not sandbox.inside(root, root / "loop1" / "x")


def test_nothing_is_remembered_after_the_run(tmp_path: Path) -> None:
    root, outside = _tree(tmp_path)
    (root / "swap").mkdir()
    with sandbox.remembering():
        assert sandbox.inside(root, root / "swap" / "f.yaml")
    (root / "swap").rmdir()
    os.symlink(outside, root / "swap")  # the folder becomes a link out of the repository
    with sandbox.remembering():
        assert not sandbox.inside(root, root / "swap" / "secret.yaml")
    assert not sandbox.inside(root, root / "swap" / "secret.yaml")


def test_text_without_apiversion_holds_no_object() -> None:
    promtool = "rule_files:\n  - ../rules.yaml\ntests:\n  - name: kind\n    kind: x\n    metadata: {}\n"
    assert not could_hold_object(promtool)
    assert parse(promtool, "t") == []


def test_an_escaped_apiversion_key_is_still_parsed() -> None:
    # YAML spells the key without its letters only through a double-quoted escape: that text is parsed
    text = '"\\x61piVersion": v1\nkind: ConfigMap\nmetadata: {name: x}\n'
    assert could_hold_object(text)
    assert [o.label for o in parse(text, "t")] == ["ConfigMap/x"]


def test_unique_prefers_the_synced_copy_below_a_synced_folder() -> None:
    data = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
    view, deployed, sibling = Obj(dict(data), "kubernetes/x"), Obj(dict(data), "services/a/overlays/dev[v.yaml]"), \
        Obj(dict(data), "services/ab")
    assert [o.origin for o in _unique([view, deployed], {"services/a/"})] == ["services/a/overlays/dev[v.yaml]"]
    # a prefix of a folder name is not the folder: services/ab is not below services/a
    assert [o.origin for o in _unique([view, sibling], {"services/a"})] == ["kubernetes/x"]


def test_parsed_kustomizations_are_remembered_by_content_only(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = tmp_path / "repo"
    (root / "base").mkdir(parents=True)
    (root / "base" / "kustomization.yaml").write_text("resources: [cm.yaml]\n")
    (root / "overlay").mkdir()
    overlay = root / "overlay" / "kustomization.yaml"
    overlay.write_text("resources: [../base]\n")
    first = plan.discover(root.resolve())
    assert ParsedKustomizations(root.resolve()).file.is_file()
    calls: list[str] = []
    real_load = yaml.load
    monkeypatch.setattr(yaml, "load", lambda text, Loader: calls.append(text) or real_load(text, Loader=Loader))
    assert plan.discover(root.resolve()) == first and calls == []  # both answered from the cache
    overlay.write_text("resources: [../base, extra.yaml]\n")  # an edit is another key: parsed again
    again = plan.discover(root.resolve())
    assert calls == ["resources: [../base, extra.yaml]\n"]
    assert again["overlay"].local_files == ["overlay/extra.yaml"] and again["overlay"].local_refs == ["base"]


def test_only_what_json_holds_exactly_is_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache = ParsedKustomizations(tmp_path)
    assert cache.load("when: 2024-01-01\n") == {"when": datetime.date(2024, 1, 1)}
    assert cache.load("1: one\n") == {1: "one"}
    assert cache.load("n: 1.0\nb: yes\nl: [~]\n") == {"n": 1.0, "b": True, "l": [None]}
    cache.save()
    kept = json.loads(cache.file.read_text())
    assert list(kept.values()) == [{"n": 1.0, "b": True, "l": [None]}]
    assert type(ParsedKustomizations(tmp_path).load("n: 1.0\nb: yes\nl: [~]\n")["n"]) is float


def test_an_unreadable_cache_costs_only_the_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    cache = ParsedKustomizations(tmp_path)
    cache.file.parent.mkdir(parents=True)
    cache.file.write_text("{not json")
    again = ParsedKustomizations(tmp_path)
    assert again.load("a: b\n") == {"a": "b"}
    again.file.unlink()
    again.file.mkdir()  # cannot be replaced by a file: saving fails quietly
    again.save()


def test_a_cache_file_unused_for_a_month_is_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    old, recent = ParsedKustomizations(tmp_path / "old"), ParsedKustomizations(tmp_path / "recent")
    for cache in (old, recent):
        cache.load("a: b\n")
        cache.save()
    month_ago = old.file.stat().st_mtime - 31 * 86400
    os.utime(old.file, (month_ago, month_ago))
    mine = ParsedKustomizations(tmp_path / "mine")
    mine.load("c: d\n")
    mine.save()
    assert not old.file.exists() and recent.file.exists() and mine.file.exists()


def test_a_snapshot_walk_visits_what_os_walk_visits_in_the_same_order(tmp_path: Path) -> None:
    """tree.snapshot: the three walks of a run read one listing; leaf and skip pruning and a symlinked folder
    (listed, not entered) behave as in a walk of the disk."""

    from parasol_gitops.validate import tree

    for rel in ("a/b/c", "a/chart/templates", "b", ".hidden/x", "node_modules/y", "z/kust"):
        (tmp_path / rel).mkdir(parents=True)
    (tmp_path / "a/chart/Chart.yaml").write_text("name: c\n")
    (tmp_path / "z/kust/kustomization.yaml").write_text("resources: []\n")
    (tmp_path / "b/f.yaml").write_text("x: 1\n")
    os.symlink(tmp_path / "a", tmp_path / "b/link")

    def runs() -> list[list[tuple[str, list[str], list[str]]]]:
        def seq(**kw: object) -> list[tuple[str, list[str], list[str]]]:
            return [(str(h), list(d), sorted(f)) for h, d, f in tree.walk(tmp_path, **kw)]  # type: ignore[arg-type]
        return [seq(), seq(leaf=lambda _h, files: "Chart.yaml" in files),
                seq(skip=lambda h, _files: h.name == "kust")]

    disk = runs()
    with tree.snapshot(tmp_path):
        snap = runs()
    assert snap == disk
    assert not any(".hidden" in h or "node_modules" in h or h.endswith("link") for h, _, _ in disk[0])
    assert not any(h.endswith("templates") for h, _, _ in disk[1])


def test_graph_folders_are_found_by_kind_whatever_the_quoting(tmp_path: Path) -> None:
    from parasol_gitops.validate.changed import _graph_folders
    from parasol_gitops.validate.render import Renderer

    root = tmp_path / "repo"
    files = {"set/a.yaml": 'kind: "ApplicationSet"\n', "proj/a.yml": "kind: 'AppProject'\n",
             "app/x.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application   \n",
             "comment/a.yaml": "# an Application is not declared here\nkind: ConfigMap\n",
             "wrapped/a.yaml": "kind: ApplicationSetting\n", "own-file/kustomization.yaml": "kind: Application\n"}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
        if not rel.endswith("kustomization.yaml"):
            (root / rel).parent.joinpath("kustomization.yaml").write_text("resources: []\n")
    r = Renderer(root.resolve(), ["kubectl", "kustomize"])
    r.discover()
    assert _graph_folders(root.resolve(), r) == {"set", "proj", "app"}
