"""copier_patches patches private Copier internals and falls back to running unpatched when those are gone.
That fallback is silent by design (same output, only slower), so a Copier upgrade that renames or re-signs an
internal must fail here instead of quietly turning the speed-ups off."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from parasol_gitops import copier_patches


def test_every_copier_internal_the_patches_rely_on_is_there_as_expected() -> None:
    assert copier_patches.missing_internals() == []


def test_the_check_reports_a_renamed_or_re_signed_internal(monkeypatch: pytest.MonkeyPatch) -> None:
    from copier import _main

    monkeypatch.delattr(_main.Worker, "_render_template")
    monkeypatch.setattr(_main.Worker, "_sync_git_index_executable_bit", lambda self, path: None)
    monkeypatch.setattr(_main.Worker, "jinja_env", property(lambda self: None))
    problems = copier_patches.missing_internals()
    assert "copier._main.Worker._render_template: missing" in problems
    assert any(p.startswith("copier._main.Worker._sync_git_index_executable_bit: parameters") for p in problems)
    assert "copier._main.Worker.jinja_env: not a functools.cached_property" in problems


def test_each_patch_really_replaces_what_it_names_while_active() -> None:
    """Guards the other direction: the internals exist, and the patches do take effect on them (a patch that
    looked an internal up under an outdated name would leave Copier untouched)."""
    from copier import _jinja_ext, _main

    names = ("_render_template", "_render_allowed", "_sync_git_index_executable_bit", "jinja_env")
    before = {name: _main.Worker.__dict__[name] for name in names}
    with copier_patches.copy_speedups():
        assert "from_string" in _jinja_ext.SandboxedEnvironment.__dict__
        assert isinstance(_main.Worker.__dict__["jinja_env"], functools.cached_property)
        assert _main.Worker.__dict__["jinja_env"] is not before["jinja_env"]
        assert _main.Worker.__dict__["_sync_git_index_executable_bit"] is not before["_sync_git_index_executable_bit"]
    with copier_patches.update_speedups(Path(".")):
        assert all(_main.Worker.__dict__[name] is not before[name] for name in names)
    assert {name: _main.Worker.__dict__[name] for name in names} == before


def test_the_unknown_question_guard_patches_the_runs_and_puts_them_back() -> None:
    from copier import _main

    before = {name: _main.Worker.__dict__[name] for name in ("run_copy", "run_update")}
    with copier_patches.reject_unknown_questions({"servces": []}, "--data"):
        assert all(_main.Worker.__dict__[name] is not before[name] for name in before)
    assert {name: _main.Worker.__dict__[name] for name in before} == before
