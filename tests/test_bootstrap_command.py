"""Bootstrap instructions agree everywhere (issue 10, item 6): one command text, defined once in
template/_lib/docs_common.jinja, printed by every generated document that tells how to bootstrap a cluster and
quoted by parasol-gitops' own README. Any other spelling of ``kubectl apply … bootstrap`` fails."""

from __future__ import annotations

import re

import pytest
from _scaffold_renders import rendered
from conftest import ROOT

MACRO = re.compile(r"\{%-? macro bootstrap_command\(\) -?%\}(.*?)\{%-? endmacro -?%\}")
APPLY = re.compile(r"kubectl\s+apply\b[^\n`\"|)]*?bootstrap/?")
# where a reader looks for the command, per layout (relative to the rendered repository)
MUST_SAY = {
    "default": ("README.md", "docs/operations-runbook.md", "docs/disaster-recovery.md",
                "bootstrap/kustomization.yaml"),
    "six-mixed-helm-parasol": ("README.md", "operations-runbook.md", "disaster-recovery.md",
                               "bootstrap/kustomization.yaml"),
    "six-mixed-helm-ja": ("README.md", "docs/operations-runbook.md", "docs/disaster-recovery.md",
                          "bootstrap/kustomization.yaml"),
}


def the_command() -> str:
    (text,) = MACRO.findall((ROOT / "template" / "_lib" / "docs_common.jinja").read_text(encoding="utf-8"))
    return text


def test_the_command_applies_server_side() -> None:
    # client-side apply cannot store the ApplicationSet CRD's last-applied annotation (> 256 KiB)
    assert the_command() == "kubectl apply --server-side --force-conflicts -k bootstrap/"


def spellings(text: str) -> list[str]:
    return [" ".join(m.group(0).split()) for m in APPLY.finditer(text)]


def test_the_readme_uses_exactly_that_text() -> None:
    found = spellings((ROOT / "README.md").read_text(encoding="utf-8"))
    assert found and set(found) == {the_command()}, found


@pytest.mark.parametrize("name", sorted(MUST_SAY))
def test_every_generated_document_uses_exactly_that_text(name: str) -> None:
    root = rendered(name)
    for rel in MUST_SAY[name]:
        assert the_command() in (root / rel).read_text(encoding="utf-8"), rel
    wrong: dict[str, list[str]] = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.parts):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        other = [s for s in spellings(text) if s != the_command()]
        if other:
            wrong[path.relative_to(root).as_posix()] = other
    assert not wrong, wrong


def test_the_check_catches_another_spelling() -> None:
    assert spellings("run `kubectl apply -k bootstrap/` once") == ["kubectl apply -k bootstrap/"]
    assert spellings(f"```sh\n{the_command()}\n```") == [the_command()]
