"""Messages of the pipeline area (English and Japanese)."""

MESSAGES: dict[str, dict[str, str]] = {
    "pipeline.bump.changed": {
        "en": "set {name} in {overlay}",
        "ja": "{overlay} の {name} を更新しました",
    },
    "pipeline.bump.unchanged": {
        "en": "{name} in {overlay} is already up to date",
        "ja": "{overlay} の {name} は既に最新です",
    },
    "pipeline.no_spec": {
        "en": "no pipeline spec: {path} does not exist (pass --spec FILE, or --spec example:<name> for one of: {examples})",
        "ja": "パイプライン定義がありません: {path} が存在しません（--spec FILE か --spec example:<名前> を指定してください。例: {examples}）",
    },
    "pipeline.unknown_example": {
        "en": "unknown example '{name}' (choose one of: {examples})",
        "ja": "サンプル '{name}' はありません（次から選んでください: {examples}）",
    },
    "pipeline.written": {
        "en": "wrote {count} file(s) for {target} under {out}:",
        "ja": "{target} 用に {count} 個のファイルを {out} に書き出しました:",
    },
    "pipeline.check.ok": {
        "en": "{target} pipeline files match {spec}",
        "ja": "{target} のパイプラインは {spec} と一致しています",
    },
    "pipeline.check.drift": {
        "en": "{target} pipeline files drift from {spec}: {files} (run parasol-gitops pipeline --target {target})",
        "ja": "{target} のパイプラインが {spec} と一致しません: {files}（parasol-gitops pipeline --target {target} を実行してください）",
    },
    "pipeline.github.setup": {
        "en": "GitHub set-up YAML cannot do: Settings → Environments → create 'staging' and 'production'; "
              "on 'production' add Required reviewers (the approval gate); add secret GITOPS_TOKEN if the GitOps "
              "repository is separate; make 'ci-passed' the required status check.",
        "ja": "YAML では設定できない GitHub の準備: Settings → Environments で 'staging' と 'production' を作成し、"
              "'production' に Required reviewers（承認ゲート）を追加。GitOps リポジトリが別なら secret GITOPS_TOKEN を追加。"
              "必須ステータスチェックに 'ci-passed' を指定してください。",
    },
}
