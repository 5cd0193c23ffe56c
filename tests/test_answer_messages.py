"""copier.yml's answer validators speak the user's language: their messages live in the template
(template/_lib/answer-messages.yaml), `new`/`update` pass --lang as the hidden answer `ui_language`, and bare Copier
takes `--data ui_language=ja`. The language is never recorded in the answers file."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path
from typing import Any

import copier
import pytest

from parasol_gitops import yamlio
from parasol_gitops.messages import CATALOGUE
from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent
MESSAGES = ROOT / "template" / "_lib" / "answer-messages.yaml"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

# (answers, English fragment, Japanese fragment): one per validator family
BAD = [
    ({"rpo_hours": 0}, "rpo_hours: RPO must be at least 1 hour", "RPO は 1 時間以上にしてください"),
    ({"project_name": "Shop"}, '"Shop" is not a DNS-1123 label', '"Shop" は DNS-1123 ラベルではありません'),
    ({"services": [{"name": "a", "calls": ["b"]}]}, "service 'a' calls unknown service 'b'",
     "サービス 'a' が未知のサービス 'b' を呼び出しています"),
    ({"services": [{"name": "a", "strategy": "x"}]}, "(rolling, blue-green or canary)",
     "（rolling、blue-green、canary）"),
    ({"services": [{"name": "a", "image": "A B"}]}, 'image "A B" is not an image repository',
     'image "A B" はイメージのリポジトリ'),
    ({"services": [{"name": "a", "slo": 100}]}, "SLO target of service 'a' must be a percentage",
     "サービス 'a' の SLO 目標"),
    ({"environments": [{"name": "dev", "sync": "x"}]}, "sync of environment 'dev' must be auto or manual",
     "環境 'dev' の sync は auto、manual のいずれか"),
    ({"event_bus": 1}, "event_bus must be a mapping", "event_bus はマッピングにしてください"),
    ({"database_provider": "mysql"}, "database_provider: 'mysql' is not one of",
     "質問 database_provider の回答 'mysql'"),
]


def _args(dest: Path, data: dict[str, Any]) -> list[str]:
    args = ["new", str(dest), "--defaults"]
    for key, value in data.items():
        args += ["--data", f"{key}={json.dumps(value)}"]
    return args


@pytest.mark.parametrize(("data", "english", "japanese"), BAD)
def test_new_reports_a_bad_answer_in_the_chosen_language(tmp_path: Path, data: dict[str, Any], english: str,
                                                          japanese: str) -> None:
    for lang, expected in (("en", english), ("ja", japanese)):
        dest = tmp_path / lang
        res = run_cli("--lang", lang, *_args(dest, data))
        assert res.exit_code == 2, res.stdout + res.stderr
        lines = [line for line in res.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and expected in lines[0], res.stderr
        assert "Validation error" not in lines[0]
        assert bool(JAPANESE.search(lines[0])) == (lang == "ja"), lines[0]
        assert not dest.exists()


def test_bare_copier_takes_the_language_as_data(tmp_path: Path) -> None:
    for lang, expected in (("en", "RPO must be at least 1 hour"), ("ja", "RPO は 1 時間以上にしてください")):
        with warnings.catch_warnings(), pytest.raises(ValueError, match=re.escape(expected)):
            warnings.simplefilter("ignore")
            copier.run_copy(str(ROOT), str(tmp_path / lang), data={"rpo_hours": 0, "ui_language": lang},
                            defaults=True, vcs_ref="HEAD", quiet=True, unsafe=False)


def test_the_language_is_not_recorded(tmp_path: Path) -> None:
    dest = tmp_path / "repo"
    assert run_cli("--lang", "ja", "new", str(dest), "--defaults").exit_code == 0
    answers = yamlio.load_data_file(dest / ".copier-answers.yml")
    assert "ui_language" not in answers and answers["project_name"] == "shop"


def test_every_message_is_used_and_every_use_exists() -> None:
    entries = yamlio.load_data_file(MESSAGES)
    sources = (ROOT / "copier.yml").read_text(encoding="utf-8") + (
        ROOT / "template" / "_lib" / "validate-service-targets.jinja").read_text(encoding="utf-8")
    used = set(re.findall(r"msg\('([a-z_]+)'", sources)) - {"what_"}
    used |= {f"what_{key}" for key in re.findall(r"\('([a-z_]+)', '\\\\A", sources)}  # msg('what_' ~ key)
    used.add("invalid_answer")  # the frame, used by the package (scaffold._answer_problem)
    assert used == set(entries)
    for key, texts in entries.items():
        assert set(texts) == {"en", "ja"} and CATALOGUE[f"answer.{key}"] == texts, key
        assert set(re.findall(r"\{(\w+)\}", texts["en"])) == set(re.findall(r"\{(\w+)\}", texts["ja"])), key
