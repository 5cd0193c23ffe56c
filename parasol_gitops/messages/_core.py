"""Messages shared by every command (English and Japanese)."""

MESSAGES: dict[str, dict[str, str]] = {
    "error.prefix": {"en": "error: {message}", "ja": "エラー: {message}"},
    "error.hint": {"en": "hint: {hint}", "ja": "ヒント: {hint}"},
    "error.internal": {
        "en": "internal error: {message} (run again with --debug for the traceback)",
        "ja": "内部エラー: {message}（--debug を付けて再実行するとトレースバックを表示します）",
    },
    "file.missing": {"en": "file not found", "ja": "ファイルが見つかりません"},
    "yaml.malformed": {
        "en": "malformed YAML at line {line}: {problem}",
        "ja": "YAML の構文エラー（{line} 行目）: {problem}",
    },
    "yaml.malformed_at": {"en": "malformed YAML: {problem}", "ja": "YAML の構文エラー: {problem}"},
    "yaml.duplicate_key": {
        "en": "malformed YAML at line {line}: duplicate key '{key}'",
        "ja": "YAML の構文エラー（{line} 行目）: キー '{key}' が重複しています",
    },
    "yaml.nesting_too_deep": {"en": "nesting too deep", "ja": "入れ子が深すぎます"},
    "file.unreadable": {"en": "cannot read: {problem}", "ja": "読み込めません: {problem}"},
    "file.not_utf8": {"en": "not UTF-8 text", "ja": "UTF-8 のテキストではありません"},
    "file.not_utf8_at": {"en": "not UTF-8 text (byte {byte})", "ja": "UTF-8 のテキストではありません（{byte} バイト目）"},
    "file.path_missing": {"en": "{path}: file not found", "ja": "{path}: ファイルが見つかりません"},
    "name.not_dns1123": {
        "en": "'{name}' is not a DNS-1123 label (lower-case letters, digits and '-', at most 63); try '{slug}'",
        "ja": "'{name}' は DNS-1123 ラベルではありません（英小文字・数字・'-'、63 文字以内）。'{slug}' を試してください",
    },
    "name.duplicate": {"en": "duplicate name '{name}'", "ja": "名前 '{name}' が重複しています"},
    "value.unsafe": {
        "en": "value contains {what}, which could inject into a CI script; remove it",
        "ja": "値に {what} が含まれています。CI スクリプトへの注入になり得るため削除してください",
    },
    "written": {"en": "wrote {path}", "ja": "{path} を書き出しました"},
    "git.failed": {
        "en": "git {command} failed in {path}: {detail}",
        "ja": "{path} で git {command} が失敗しました: {detail}",
    },
    "unchanged": {"en": "unchanged {path}", "ja": "変更なし {path}"},
}
