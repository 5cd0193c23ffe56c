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
    "pipeline.unknown_target": {
        "en": "unknown target '{target}' (choose github or gitlab)",
        "ja": "ターゲット '{target}' はありません（github か gitlab を選んでください）",
    },
    # errors of pipeline.yaml (SpecError problems) and of the pipeline package
    "pipeline.spec.strategy_conflict": {
        "en": "'{service}' has none and the production-tier environments use different ones ({strategies}); GitLab runs one child pipeline per service: set one",
        "ja": "'{service}' に指定がなく、production ティアの環境が異なる戦略（{strategies}）を使っています。GitLab はサービスごとに子パイプラインを 1 つ実行するため、1 つ指定してください",
    },
    "pipeline.spec.is_folder": {
        "en": 'is a folder, not a pipeline spec file',
        "ja": 'フォルダーです。パイプライン定義ファイルではありません',
    },
    "pipeline.spec.empty": {
        "en": 'empty file: a pipeline spec needs at least version and services',
        "ja": '空のファイルです: パイプライン定義には少なくとも version と services が必要です',
    },
    "pipeline.spec.not_mapping": {
        "en": 'the top level must be a mapping',
        "ja": '最上位はマッピングでなければなりません',
    },
    "pipeline.spec.unknown_key": {
        "en": "unknown key '{key}'",
        "ja": "不明なキー '{key}' です",
    },
    "pipeline.spec.required": {
        "en": '{name} is required',
        "ja": '{name} は必須です',
    },
    "pipeline.spec.not_one_of": {
        "en": '{value} is not one of: {choices}',
        "ja": '{value} は次のいずれでもありません: {choices}',
    },
    "pipeline.spec.unsafe_key": {
        "en": 'key contains {bad}, which could inject into a CI script',
        "ja": 'キーに {bad} が含まれています。CI スクリプトへの注入になり得ます',
    },
    "pipeline.spec.unsafe_value": {
        "en": 'value contains {bad}, which could inject into a CI script; remove it',
        "ja": '値に {bad} が含まれています。CI スクリプトへの注入になり得るため削除してください',
    },
    "pipeline.spec.overlay_token": {
        "en": 'the pattern must contain {token}',
        "ja": 'パターンには {token} が必要です',
    },
    "pipeline.spec.not_dns_label": {
        "en": "'{name}' is not a DNS-1123 label; try '{slug}'",
        "ja": "'{name}' は DNS-1123 ラベルではありません。'{slug}' を試してください",
    },
    "pipeline.spec.duplicate_environment": {
        "en": "duplicate environment name '{name}'",
        "ja": "環境名 '{name}' が重複しています",
    },
    "pipeline.spec.canary_steps": {
        "en": 'canary steps must increase and end at 100, got {steps}',
        "ja": 'canary のステップは増加して 100 で終わる必要があります（指定値: {steps}）',
    },
    "pipeline.spec.duplicate_service": {
        "en": "duplicate service name '{name}' (also services[{other}])",
        "ja": "サービス名 '{name}' が重複しています（services[{other}] にもあります）",
    },
    "pipeline.spec.image_tag": {
        "en": "'{image}' must be a repository without tag or digest",
        "ja": "'{image}' はタグやダイジェストのないリポジトリでなければなりません",
    },
    "pipeline.spec.test_and_unit": {
        "en": 'give test or unit, not both (they are the same)',
        "ja": 'test か unit のどちらか一方を指定してください（同じものです）',
    },
    "pipeline.spec.skip_reason_alone": {
        "en": 'there is no skip list it explains',
        "ja": 'この理由が説明する skip リストがありません',
    },
    "pipeline.spec.skip_needs_reason": {
        "en": 'a skip list needs skip_reason (or write skip as a mapping step: reason)',
        "ja": 'skip リストには skip_reason が必要です（または skip を「ステップ: 理由」のマッピングで書いてください）',
    },
    "pipeline.spec.skip_mapping_reason": {
        "en": 'skip is a mapping: the reasons are in it',
        "ja": 'skip はマッピングです: 理由はその中に書かれています',
    },
    "pipeline.spec.duplicate_stage": {
        "en": "duplicate stage name '{name}'",
        "ja": "ステージ名 '{name}' が重複しています",
    },
    "pipeline.spec.stage_option": {
        "en": 'not an option of a {kind} stage',
        "ja": '{kind} ステージのオプションではありません',
    },
    "pipeline.spec.unknown_stage": {
        "en": "unknown stage '{name}'",
        "ja": "不明なステージ '{name}' です",
    },
    "pipeline.spec.stage_needs_environment": {
        "en": 'a {kind} stage needs an environment',
        "ja": '{kind} ステージには environment が必要です',
    },
    "pipeline.spec.unknown_environment": {
        "en": "unknown environment '{name}'",
        "ja": "不明な環境 '{name}' です",
    },
    "pipeline.spec.cycle": {
        "en": 'cycle in needs: {cycle}',
        "ja": 'needs が循環しています: {cycle}',
    },
    "pipeline.spec.needs_build": {
        "en": "the {kind} stage '{name}' must need a build stage",
        "ja": "{kind} ステージ '{name}' は build ステージを needs に持つ必要があります",
    },
    "pipeline.spec.tool_package.blank": {
        "en": "'{value}' is not a pip requirement or URL (empty, or spaces around it)",
        "ja": "'{value}' は pip の要件でも URL でもありません（空、または前後に空白があります）",
    },
    "pipeline.spec.tool_package.option": {
        "en": "'{value}' is a pip option, not a requirement",
        "ja": "'{value}' は pip のオプションで、要件ではありません",
    },
    "pipeline.spec.tool_package.invalid": {
        "en": "'{value}' is not a valid pip requirement ({detail})",
        "ja": "'{value}' は有効な pip の要件ではありません（{detail}）",
    },
    "pipeline.spec.tool_package.url_spaces": {
        "en": "'{value}': a URL cannot contain spaces",
        "ja": "'{value}': URL に空白は使えません",
    },
    "pipeline.spec.tool_package.no_host": {
        "en": "'{value}': the URL has no host",
        "ja": "'{value}': URL にホストがありません",
    },
    "pipeline.spec.tool_package.not_archive": {
        "en": "'{value}': a plain URL must point at a wheel or an sdist (.whl, .tar.gz, .zip)",
        "ja": "'{value}': 通常の URL は wheel か sdist（.whl, .tar.gz, .zip）を指す必要があります",
    },
    "pipeline.spec.tool_package.scheme": {
        "en": "'{value}': pip cannot install from a '{scheme}' URL (use git+https, https or file)",
        "ja": "'{value}': pip は '{scheme}' の URL からインストールできません（git+https、https、file を使ってください）",
    },
    "pipeline.spec.internal_graph": {
        "en": 'internal: pipeline graph invalid: {problems}',
        "ja": '内部エラー: パイプラインのグラフが不正です: {problems}',
    },
    "pipeline.spec.internal_cycle": {
        "en": 'internal: cycle in stages',
        "ja": '内部エラー: ステージが循環しています',
    },
    "pipeline.spec.output_one_line": {
        "en": 'output {key} must be one line',
        "ja": '出力 {key} は 1 行でなければなりません',
    },
    # jsonschema problems: English is the validator's own sentence
    "pipeline.spec.schema.type": {
        "en": "{message}",
        "ja": "{value} は {limit} 型ではありません",
    },
    "pipeline.spec.schema.const": {
        "en": "{message}",
        "ja": "{value} は使えません（{limit} のみ）",
    },
    "pipeline.spec.schema.min_items": {
        "en": "{message}",
        "ja": "要素が {limit} 個以上必要です（{value}）",
    },
    "pipeline.spec.schema.min_length": {
        "en": "{message}",
        "ja": "{value} は短すぎます（{limit} 文字以上）",
    },
    "pipeline.spec.schema.max_length": {
        "en": "{message}",
        "ja": "{value} は長すぎます（{limit} 文字以下）",
    },
    "pipeline.spec.schema.pattern": {
        "en": "{message}",
        "ja": "{value} は形式 {limit} に合いません",
    },
    "pipeline.spec.schema.minimum": {
        "en": "{message}",
        "ja": "{value} は {limit} 以上でなければなりません",
    },
    "pipeline.spec.schema.maximum": {
        "en": "{message}",
        "ja": "{value} は {limit} 以下でなければなりません",
    },
}
