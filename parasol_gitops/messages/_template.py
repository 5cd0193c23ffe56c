"""Messages of the template area (English and Japanese)."""

MESSAGES: dict[str, dict[str, str]] = {
    # --- template.scaffold.* (new / update; owned by H2b) ---
    "template.scaffold.no_bundled_template": {
        "en": "the bundled template (copier.yml and template/) is missing under {path}; pass --template SRC",
        "ja": "同梱テンプレート（copier.yml と template/）が {path} にありません。--template SRC を指定してください",
    },
    "template.scaffold.data_file_not_mapping": {
        "en": "{path}: answers must be a YAML mapping (question: answer)",
        "ja": "{path}: 回答は YAML のマッピング（質問名: 回答）で書いてください",
    },
    "template.scaffold.dest_not_empty": {
        "en": "{path} exists and is not empty; `new` only writes into a new or empty folder",
        "ja": "{path} は既に存在し空ではありません。`new` は新規または空のフォルダにだけ書き込みます",
    },
    "template.scaffold.dest_not_empty_hint": {
        "en": "to upgrade an existing repository run `parasol-gitops update DEST`",
        "ja": "既存のリポジトリを更新するには `parasol-gitops update DEST` を実行してください",
    },
    "template.scaffold.update_not_found": {
        "en": "{path} does not exist",
        "ja": "{path} が存在しません",
    },
    "template.scaffold.update_no_answers": {
        "en": "{path} has no {answers}: it was not created from the template (use `parasol-gitops new`)",
        "ja": "{path} に {answers} がありません。テンプレートから作られていません（`parasol-gitops new` を使ってください）",
    },
    "template.scaffold.update_not_git": {
        "en": "{path} is not in a git repository; copier update needs git to merge your edits",
        "ja": "{path} は git リポジトリではありません。copier update は編集を取り込むために git を必要とします",
    },
    "template.scaffold.update_not_git_hint": {
        "en": "run `git init && git add -A && git commit -m 'initial'` in it, then update again",
        "ja": "そのフォルダで `git init && git add -A && git commit -m 'initial'` を実行してから再度 update してください",
    },
    "template.scaffold.update_dirty": {
        "en": "{path} has uncommitted changes (for example {file}); update refuses to mix them with the template's",
        "ja": "{path} に未コミットの変更があります（例: {file}）。テンプレートの変更と混ざるため update を中止しました",
    },
    "template.scaffold.update_dirty_hint": {
        "en": "commit (or stash) your changes, then run update again",
        "ja": "変更をコミット（または stash）してから、もう一度 update を実行してください",
    },
    "template.scaffold.update_unknown_commit": {
        "en": "the template commit recorded in .copier-answers.yml (_commit) is not in the template repository, typically because the repository was generated from uncommitted template changes; commit the template and generate again, or set _commit to an existing tag or commit",
        "ja": ".copier-answers.yml に記録されたテンプレートのコミット（_commit）がテンプレートのリポジトリにありません。多くは未コミットのテンプレート変更から生成した場合です。テンプレートをコミットして生成し直すか、_commit を既存のタグかコミットにしてください",
    },
    "template.scaffold.interrupted": {"en": "interrupted while answering questions", "ja": "質問への回答中に中断されました"},
    "template.scaffold.bad_data": {
        "en": "--data needs KEY=VALUE (VALUE is YAML), got '{value}'",
        "ja": "--data は KEY=VALUE（VALUE は YAML）の形で指定してください: '{value}'",
    },
    "template.scaffold.created": {
        "en": "created {path} ({count} files)",
        "ja": "{path} を作成しました（{count} ファイル）",
    },
    "template.scaffold.next_steps": {
        "en": "next: cd {path} && git init && git add -A && git commit -m 'Initial GitOps repository' && parasol-gitops validate .",
        "ja": "次の手順: cd {path} && git init && git add -A && git commit -m 'Initial GitOps repository' && parasol-gitops validate .",
    },
    "template.scaffold.updated": {
        "en": "updated {path} from the template; review with `git diff` and commit",
        "ja": "テンプレートから {path} を更新しました。`git diff` で確認してコミットしてください",
    },
    "template.scaffold.conflicts": {
        "en": "update left {count} conflicted file(s); resolve the markers, `git add` them and commit:",
        "ja": "update で {count} 件の競合が残りました。マーカーを解消して `git add` し、コミットしてください:",
    },
}
