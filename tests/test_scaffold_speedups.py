"""What makes ``new`` fast must not change what it writes (issue #6; the times are in bench/, not here).

- The answers are normalised once per run by the computed question ``platform_model`` (``when: false``):
  it must never reach the answers file.
- ``copier_patches.copy_speedups`` caches Copier's compiled path templates, keeps compiled code in Jinja's bytecode
  cache across runs and skips its per-file git index sync: a render with it equals a render without it, byte
  for byte, a warm cache really skips the compiles, and Copier is left as it was afterwards.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import jinja2
import pytest
import yaml
from _scaffold_renders import final_answers, rendered

from parasol_gitops import copier_patches, scaffold
from parasol_gitops.spec import PlatformSpec

# Calls listed against answer order: a per-service file sees its callees (model.by_name) in answer order.
SERVICES = [
    {"name": "gateway", "calls": ["ledger", "billing"], "strategy": "canary"},
    {"name": "billing", "database": "postgresql", "strategy": "blue-green", "replicas": {"production": 5}},
    {"name": "ledger", "cache": "redis", "scaling": "high", "calls": ["billing"]},
    {"name": "search", "scaling": "low", "grpc_port": 9090, "display_name": "Search | <beta>"},
]


def _files(root: Path) -> dict[str, bytes]:
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    # The answers file records the template commit of each run (Copier commits the dirty tree anew).
    answers = yaml.safe_load(files.pop(".copier-answers.yml"))
    answers.pop("_commit", None)
    files[".copier-answers.yml (without _commit)"] = yaml.safe_dump(answers, sort_keys=True).encode()
    return files


def test_the_computed_model_is_never_an_answer() -> None:
    answers = final_answers(rendered("default"))
    assert "platform_model" not in answers
    spec = PlatformSpec.from_answers({k: v for k, v in answers.items() if not k.startswith("_")})
    assert [s.name for s in spec.services] == ["orders", "catalog", "storefront"]


@pytest.mark.parametrize("extra", [{}, {"packaging": "helm", "layout": "parasol", "ci_target": "both"}])
def test_a_render_with_the_speedups_equals_one_without(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       extra: dict) -> None:
    answers = {"project_name": "speed", "services": SERVICES, **extra}
    scaffold.render(tmp_path / "fast", answers)
    monkeypatch.setattr(copier_patches, "copy_speedups", contextlib.nullcontext)
    scaffold.render(tmp_path / "plain", answers)
    fast, plain = _files(tmp_path / "fast"), _files(tmp_path / "plain")
    assert sorted(fast) == sorted(plain)
    assert [name for name in fast if fast[name] != plain[name]] == []
    # not trivially equal: a per-service file that reads its callees through the model
    if not extra:
        config = yaml.safe_load(fast["services/gateway/base/configmap.yaml"])
        assert {"BILLING_URL": "http://billing", "LEDGER_URL": "http://ledger"}.items() <= config["data"].items()


def test_copier_is_left_as_it_was_even_when_the_copy_fails() -> None:
    from copier import _jinja_ext, _main

    before_sync = _main.Worker.__dict__["_sync_git_index_executable_bit"]
    with pytest.raises(RuntimeError), copier_patches.copy_speedups():
        assert _jinja_ext.SandboxedEnvironment.from_string is not jinja2.Environment.from_string
        raise RuntimeError("copy failed")
    assert "from_string" not in _jinja_ext.SandboxedEnvironment.__dict__
    assert _jinja_ext.SandboxedEnvironment.from_string is jinja2.Environment.from_string
    assert _main.Worker.__dict__["_sync_git_index_executable_bit"] is before_sync


def test_cached_path_templates_still_expand_yield_tags() -> None:
    """A cache hit must reset Copier's yield state as a compile does: the same yield part twice, then a plain
    part, each sees only its own yield."""
    from copier._jinja_ext import SandboxedEnvironment, YieldExtension, get_yield_context

    with copier_patches.copy_speedups():
        env = SandboxedEnvironment(extensions=[YieldExtension])
        part = "{% yield s from items %}{{ s }}{% endyield %}"
        seen = []
        for source in (part, part, "plain"):
            template = env.from_string(source)
            template.render(items=[1, 2])
            ctx = get_yield_context(env)
            seen.append((ctx.yield_name, ctx.yield_iterable))
        assert env.from_string(part) is env.from_string(part)  # cached
    assert seen == [("s", [1, 2]), ("s", [1, 2]), (None, None)]


def _compiles(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the templates Jinja compiles from now on ('' for a string template)."""
    seen: list[str] = []
    original = jinja2.Environment.compile

    def compile_(self: jinja2.Environment, source: str, name: str | None = None, *args: object, **kwargs: object):
        seen.append(name or "")
        return original(self, source, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", compile_)
    return seen


def test_a_warm_bytecode_cache_skips_compiles_and_renders_the_same(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    answers = {"project_name": "speed", "services": SERVICES}
    compiles = _compiles(monkeypatch)
    scaffold.render(tmp_path / "cold", answers)
    cold = len(compiles)
    compiles.clear()
    scaffold.render(tmp_path / "warm", answers)
    warm = len(compiles)
    assert any((tmp_path / "cache/parasol-gitops/jinja").rglob("*.cache"))
    # every file template and every path part comes from the cache; what is left are Copier's own small
    # strings (question defaults and conditions), which it compiles outside the template loader
    assert cold > 100 and warm < cold / 2
    assert not [name for name in compiles if name]
    assert _files(tmp_path / "warm") == _files(tmp_path / "cold")


def test_an_unusable_cache_folder_only_costs_the_compile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    answers = {"project_name": "speed", "services": SERVICES[3:]}
    scaffold.render(tmp_path / "out", answers)
    monkeypatch.setattr(copier_patches, "copy_speedups", contextlib.nullcontext)
    scaffold.render(tmp_path / "plain", answers)
    assert _files(tmp_path / "out") == _files(tmp_path / "plain")
