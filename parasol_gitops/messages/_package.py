"""Messages of the installed package: its bundled template as a local git repository (English and Japanese)."""

MESSAGES: dict[str, dict[str, str]] = {
    "package.template_cache.git_failed": {
        "en": "{path}: git {command} failed: {detail}",
        "ja": "{path}: git {command} が失敗しました: {detail}",
    },
    "package.template_cache.old_version_missing": {
        "en": "the template version {tag} recorded in .copier-answers.yml is not in {cache} (generated on another machine, or the cache was cleared): pass --template <git URL or path of a parasol-gitops repository that has tag {tag}>",
        "ja": ".copier-answers.yml に記録されたテンプレートのバージョン {tag} が {cache} にありません（別のマシンで生成したか、キャッシュが削除されました）。タグ {tag} を持つ parasol-gitops リポジトリの git URL かパスを --template で指定してください",
    },
    "package.template_cache.record_failed": {
        "en": "{path}: could not commit the new template source ({detail})",
        "ja": "{path}: 新しいテンプレートの取得元をコミットできませんでした（{detail}）",
    },
    "package.template_cache.recorded": {
        "en": "template source is now {src} (committed in {path})",
        "ja": "テンプレートの取得元を {src} に変更しました（{path} にコミット済み）",
    },
}
