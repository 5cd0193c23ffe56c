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
    # --- template.spec.* (parasol_gitops/spec.py: the answers as a platform spec) ---
    "template.spec.not_pattern": {
        "en": "{value} is not {what}",
        "ja": "{value} は{what}ではありません",
    },
    "template.spec.what.image": {
        "en": "an image repository (host[:port]/path, lower case, no tag)",
        "ja": "イメージのリポジトリ（host[:port]/path、小文字、タグなし）",
    },
    "template.spec.what.registry": {
        "en": "a registry (host[:port]/path, lower case)",
        "ja": "レジストリ（host[:port]/path、小文字）",
    },
    "template.spec.what.ingress_path": {
        "en": "a URL path starting with '/' (letters, digits, . _ ~ / -)",
        "ja": "'/' で始まる URL パス（英字、数字、. _ ~ / -）",
    },
    "template.spec.what.source_path": {
        "en": "a relative path (letters, digits, . _ / -)",
        "ja": "相対パス（英字、数字、. _ / -）",
    },
    "template.spec.what.event": {
        "en": "a topic name (letters, digits, . _ -)",
        "ja": "トピック名（英字、数字、. _ -）",
    },
    "template.spec.what.gitops_repo_url": {
        "en": "an https://, ssh:// or git@ URL",
        "ja": "https://、ssh:// または git@ の URL",
    },
    "template.spec.what.cluster": {
        "en": "an https:// API server URL",
        "ja": "https:// の API サーバー URL",
    },
    "template.spec.what.base_domain": {
        "en": "a DNS domain",
        "ja": "DNS ドメイン",
    },
    "template.spec.what.ingress_class": {
        "en": "an ingress class name",
        "ja": "Ingress クラス名",
    },
    "template.spec.what.argocd_version": {
        "en": "a release tag such as v2.14.11",
        "ja": "v2.14.11 のようなリリースタグ",
    },
    "template.spec.malformed": {
        "en": "malformed entry: {error}",
        "ja": "形式が正しくない項目があります: {error}",
    },
    "template.spec.missing": {
        "en": "missing",
        "ja": "ありません",
    },
    "template.spec.not_label_try": {
        "en": "{value} is not a DNS-1123 label; try '{slug}'",
        "ja": "{value} は DNS-1123 ラベルではありません。'{slug}' を試してください",
    },
    "template.spec.no_services": {
        "en": "no services: the platform needs at least one",
        "ja": "サービスがありません。プラットフォームには少なくとも 1 つ必要です",
    },
    "template.spec.duplicate_service": {
        "en": "duplicate service name '{name}'",
        "ja": "サービス名 '{name}' が重複しています",
    },
    "template.spec.unknown_strategy": {
        "en": "unknown strategy '{strategy}' (choose {choices})",
        "ja": "不明なデプロイ戦略 '{strategy}' です（{choices} から選んでください）",
    },
    "template.spec.slo_not_percentage": {
        "en": "'{value}' is not a percentage in (0, 100)",
        "ja": "'{value}' は 0 より大きく 100 未満のパーセンテージではありません",
    },
    "template.spec.not_positive": {
        "en": "'{value}' is not a positive number",
        "ja": "'{value}' は正の数ではありません",
    },
    "template.spec.autoscaling_range": {
        "en": "must be {min, max} with 1 <= min <= max",
        "ja": "{min, max}（1 <= min <= max）で書いてください",
    },
    "template.spec.not_choice": {
        "en": "{value} is not one of {choices}",
        "ja": "{value} は {choices} のいずれでもありません",
    },
    "template.spec.not_port": {
        "en": "{value} is not a port number (1-65535)",
        "ja": "{value} はポート番号（1-65535）ではありません",
    },
    "template.spec.replicas_map": {
        "en": "must map environment names to whole numbers",
        "ja": "環境名から整数への対応で書いてください",
    },
    "template.spec.unsafe_text": {
        "en": "value contains {what}",
        "ja": "値に {what} が含まれています",
    },
    "template.spec.control_character": {
        "en": "a control character",
        "ja": "制御文字",
    },
    "template.spec.not_service_name": {
        "en": "{value} is not a service name",
        "ja": "{value} はサービス名ではありません",
    },
    "template.spec.bad_environment_name": {
        "en": "invalid or duplicate {value}",
        "ja": "{value} は不正か重複しています",
    },
    "template.spec.tier_not_label": {
        "en": "{value} is not a DNS-1123 label",
        "ja": "{value} は DNS-1123 ラベルではありません",
    },
    "template.spec.namespace_not_label": {
        "en": "{value} does not give a DNS-1123 label",
        "ja": "{value} からは DNS-1123 ラベルが得られません",
    },
    "template.spec.bad_sync": {
        "en": "{value} is not {choices}",
        "ja": "{value} は {listed} のいずれでもありません",
    },
    "template.spec.unknown_callee": {
        "en": "unknown service '{name}'",
        "ja": "サービス '{name}' は存在しません",
    },
    "template.spec.calls_itself": {
        "en": "a service does not call itself",
        "ja": "サービスは自分自身を呼び出せません",
    },
    "template.spec.callee_twice": {
        "en": "'{name}' is listed twice",
        "ja": "'{name}' が 2 回書かれています",
    },
    "template.spec.service_needs_name": {
        "en": "each service needs at least a name",
        "ja": "各サービスには少なくとも name が必要です",
    },
    "template.spec.environment_needs_name": {
        "en": "each environment needs at least a name",
        "ja": "各環境には少なくとも name が必要です",
    },
    "template.spec.unknown_key": {
        "en": "unknown key",
        "ja": "不明なキーです",
    },
}
