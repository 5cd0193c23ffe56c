"""Messages of the data-safety and resource limits (file system, YAML limits, interrupted runs)."""

MESSAGES: dict[str, dict[str, str]] = {
    "fs.no_space": {"en": "no space left on {path}", "ja": "{path} の空き容量がありません"},
    "fs.quota": {"en": "disk quota exceeded on {path}", "ja": "{path} のディスククォータを超えました"},
    "fs.cannot_write": {"en": "cannot write {path}: {reason}", "ja": "{path} に書き込めません: {reason}"},
    "fs.symlink_out": {
        "en": "{path} is a symbolic link: refusing to write through it (it could lead outside {root})",
        "ja": "{path} はシンボリックリンクです。{root} の外に書き込む恐れがあるため書き込みません",
    },
    "yaml.too_large": {
        "en": "file is {size} bytes, above the limit of {limit} bytes for a YAML input",
        "ja": "ファイルが {size} バイトあり、YAML 入力の上限 {limit} バイトを超えています",
    },
    "yaml.line_too_long": {
        "en": "line {line} is {length} characters long, above the limit of {limit}",
        "ja": "{line} 行目が {length} 文字あり、上限 {limit} 文字を超えています",
    },
    "yaml.too_deep": {
        "en": "nesting deeper than {limit} levels at line {line}",
        "ja": "{line} 行目で入れ子が {limit} 段を超えています",
    },
    "yaml.too_many_aliases": {
        "en": "aliases expand to more than {limit} nodes (at line {line}): refusing a possible alias bomb",
        "ja": "エイリアスの展開が {limit} ノードを超えます（{line} 行目）。エイリアス爆弾の恐れがあるため拒否します",
    },
    "yaml.not_regular": {
        "en": "not a regular file (a folder, a device or a pipe)",
        "ja": "通常のファイルではありません（フォルダ、デバイス、パイプ）",
    },
    "run.interrupted_tmp": {
        "en": "removed {count} temporary folder(s) left by an interrupted earlier run",
        "ja": "中断された以前の実行が残した一時フォルダを {count} 個削除しました",
    },
    "run.phase7_interrupted": {
        "en": "the last phase-7 run (started {started}) was interrupted; running it again now",
        "ja": "前回のフェーズ 7 の実行（{started} 開始）は中断されていました。もう一度実行します",
    },
    "run.platform_busy": {
        "en": "another parasol-gitops platform run is working on {path}; wait for it to finish",
        "ja": "別の parasol-gitops platform が {path} を処理中です。終了を待ってください",
    },
    "update.rolled_back": {
        "en": "the last update of {path} was interrupted while moving files in; restored {count} file(s) to "
              "their state before it",
        "ja": "{path} の前回の update はファイルの移動中に中断されていました。{count} 個のファイルを update 前の状態に戻しました",
    },
    "update.busy": {
        "en": "another parasol-gitops update is working on {path}; wait for it to finish",
        "ja": "別の parasol-gitops update が {path} を処理中です。終了を待ってください",
    },
    "template.error": {
        "en": "the template failed to render: {problem}",
        "ja": "テンプレートの描画に失敗しました: {problem}",
    },
    "template.unsafe_path": {
        "en": "the template refers to a file outside itself: {problem}",
        "ja": "テンプレートがテンプレート外のファイルを参照しています: {problem}",
    },
    "template.sandbox": {
        "en": "the template did something its sandbox forbids: {problem}",
        "ja": "テンプレートがサンドボックスで禁止された操作をしました: {problem}",
    },
    "pipeline.example_name": {
        "en": "'{name}' is not the name of a bundled example (choose one of: {examples})",
        "ja": "'{name}' は同梱サンプルの名前ではありません（次から選んでください: {examples}）",
    },
    "pipeline.too_many_stages": {
        "en": "{count} stages, above the limit of {limit}",
        "ja": "ステージが {count} 個あり、上限 {limit} 個を超えています",
    },
}
