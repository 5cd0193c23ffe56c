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
    # parasol-gitops verify
    "verify.health.ok": {
        "en": "health {url}: HTTP {status}",
        "ja": "ヘルスチェック {url}: HTTP {status}",
    },
    "verify.health.fail": {
        "en": "health {url}: {problem} (expected HTTP 2xx; {attempts} attempt(s) in {seconds} s)",
        "ja": "ヘルスチェック {url}: {problem}（HTTP 2xx を期待。{seconds} 秒で {attempts} 回試行）",
    },
    "verify.health.fail_after": {
        "en": "health {url} at the end of the {window} s window: {problem} (expected HTTP 2xx)",
        "ja": "{window} 秒の観測期間の終わりのヘルスチェック {url}: {problem}（HTTP 2xx を期待）",
    },
    "verify.health.no_url": {
        "en": "health: not measured: no URL for {service} in {env} (set environments[].url in {spec} or pass --url)",
        "ja": "ヘルスチェック: 未測定: {env} の {service} の URL がありません（{spec} の environments[].url を設定するか --url を指定してください）",
    },
    "verify.metrics.no_prometheus": {
        "en": "metrics: not measured: no Prometheus URL (pass --prometheus or set PROMETHEUS_URL)",
        "ja": "メトリクス: 未測定: Prometheus の URL がありません（--prometheus を指定するか PROMETHEUS_URL を設定してください）",
    },
    "verify.metrics.unavailable": {
        "en": "metrics: not measured: Prometheus {url}: {problem}",
        "ja": "メトリクス: 未測定: Prometheus {url}: {problem}",
    },
    "verify.metrics.no_traffic": {
        "en": "metrics: not measured: no requests to {service} in the last {window} s "
              "(http_requests_total{{service=\"{service}\"}} has no samples; send traffic or check the scrape)",
        "ja": "メトリクス: 未測定: 直近 {window} 秒に {service} へのリクエストがありません"
              "（http_requests_total{{service=\"{service}\"}} にサンプルがありません。トラフィックかスクレイプ設定を確認してください）",
    },
    "verify.error_rate.ok": {
        "en": "error rate {value} % <= {limit} % ({service}, last {window} s)",
        "ja": "エラー率 {value} % <= {limit} %（{service}、直近 {window} 秒）",
    },
    "verify.error_rate.fail": {
        "en": "error rate {value} % > {limit} % ({service}, last {window} s: 5xx {errors}/s of {total}/s)",
        "ja": "エラー率 {value} % > {limit} %（{service}、直近 {window} 秒: 5xx {errors}/s / 全体 {total}/s）",
    },
    "verify.p95.ok": {
        "en": "p95 latency {value} s <= {factor} x baseline {baseline} s = {limit} s",
        "ja": "p95 レイテンシ {value} 秒 <= {factor} × 基準 {baseline} 秒 = {limit} 秒",
    },
    "verify.p95.fail": {
        "en": "p95 latency {value} s > {factor} x baseline {baseline} s = {limit} s",
        "ja": "p95 レイテンシ {value} 秒 > {factor} × 基準 {baseline} 秒 = {limit} 秒",
    },
    "verify.p95.no_baseline": {
        "en": "p95 latency {value} s: not compared: no baseline (no requests to {service} in the {window} s "
              "before verify started, e.g. a first deploy)",
        "ja": "p95 レイテンシ {value} 秒: 比較せず: 基準がありません（verify 開始前の {window} 秒に {service} への"
              "リクエストがありません。初回デプロイなど）",
    },
    "verify.p95.not_measured": {
        "en": "p95 latency: not measured: no http_request_duration_seconds_bucket samples for {service} "
              "in the last {window} s",
        "ja": "p95 レイテンシ: 未測定: 直近 {window} 秒の {service} の http_request_duration_seconds_bucket がありません",
    },
    "verify.summary.ok": {
        "en": "{service} in {env} is healthy ({count} check(s) passed)",
        "ja": "{env} の {service} は正常です（{count} 件のチェックに合格）",
    },
    "verify.summary.fail": {
        "en": "{service} in {env} is unhealthy: {failed} of {count} check(s) failed",
        "ja": "{env} の {service} は異常です: {count} 件中 {failed} 件のチェックが不合格",
    },
    "verify.unknown_service": {
        "en": "unknown service '{name}' (services in {spec}: {names})",
        "ja": "サービス '{name}' はありません（{spec} のサービス: {names}）",
    },
    "verify.unknown_env": {
        "en": "unknown environment '{name}' (environments in {spec}: {names})",
        "ja": "環境 '{name}' はありません（{spec} の環境: {names}）",
    },
    "verify.window_timeout": {
        "en": "--timeout ({timeout} s) must be longer than --window ({window} s): verify observes the service "
              "for the whole window",
        "ja": "--timeout（{timeout} 秒）は --window（{window} 秒）より長くしてください。verify は観測期間全体を待ちます",
    },
    "verify.bad_url": {
        "en": "{option} '{url}' is not an http:// or https:// URL",
        "ja": "{option} '{url}' は http:// または https:// の URL ではありません",
    },
    "verify.no_spec": {
        "en": "no pipeline spec: {path} does not exist (pass --spec FILE)",
        "ja": "パイプライン定義がありません: {path} が存在しません（--spec FILE を指定してください）",
    },
}
