"""The message catalogue's data files: each is strict YAML (no duplicate key), every entry has both languages with
the same placeholders, and the package reads every file that ships."""

from __future__ import annotations

import string

import pytest

from parasol_gitops import yamlio
from parasol_gitops.errors import SpecError
from parasol_gitops.messages import AREAS, CATALOGUE, CATALOGUE_DIR

# Keys whose languages take different placeholders on purpose: jsonschema's English sentence is passed whole
# ({message}) while Japanese is rebuilt from its parts; a list is joined with "or" in English and "、" in Japanese.
DIFFERENT_FIELDS = {"template.spec.bad_sync"}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("area", AREAS)
def test_area_file_is_strict_yaml_with_both_languages(area: str) -> None:
    entries = yamlio.load_data_file(CATALOGUE_DIR / f"{area}.yaml")
    assert isinstance(entries, dict) and entries
    for key, texts in entries.items():
        assert set(texts) == {"en", "ja"}, key
        assert all(isinstance(text, str) and text.strip() for text in texts.values()), key
        if key not in DIFFERENT_FIELDS and not (key.startswith("pipeline.spec.schema.") and texts["en"] == "{message}"):
            assert _fields(texts["en"]) == _fields(texts["ja"]), key
        assert CATALOGUE[key] == texts


def test_every_shipped_file_is_read() -> None:
    assert sorted(path.stem for path in CATALOGUE_DIR.glob("*.yaml")) == sorted(AREAS)
    answers = [key for key in CATALOGUE if key.startswith("answer.")]  # the template's (test_answer_messages.py)
    assert answers
    assert len(CATALOGUE) - len(answers) == sum(len(yamlio.load_data_file(CATALOGUE_DIR / f"{a}.yaml")) for a in AREAS)


def test_a_duplicate_key_in_an_area_file_is_caught(tmp_path) -> None:
    # The strict reader the test above relies on must refuse what the plain loader would silently merge.
    bad = tmp_path / "area.yaml"
    bad.write_text("a.key:\n  en: one\n  ja: 一\na.key:\n  en: two\n  ja: 二\n", encoding="utf-8")
    with pytest.raises(SpecError):
        yamlio.load_data_file(bad)


def test_a_hostile_value_is_described_in_the_chosen_language() -> None:
    from parasol_gitops import messages, names

    try:
        messages.set_language("ja")
        assert names.unsafe_content("a\nb") == "改行" and names.unsafe_content("a`b") == "バッククォート"
        assert names.unsafe_content("${{ secrets.X }}") == "'${{ }}'"  # code reads the same in every language
        messages.set_language("en")
        assert names.unsafe_content("a\nb") == "a newline"
    finally:
        messages.set_language(None)
