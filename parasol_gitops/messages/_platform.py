"""Messages of the platform-phase checks: alert rule tests, performance records and gate, capacity policy."""

MESSAGES: dict[str, dict[str, str]] = {
    "alerts.not_folder": {"en": "{path}: not a folder", "ja": "{path}: フォルダではありません"},
    "alerts.unreadable": {"en": "{path}: not readable YAML ({problem})", "ja": "{path}: YAML として読めません（{problem}）"},
    "alerts.not_a_test": {
        "en": "{path}: not a promtool unit-test file (one YAML mapping with rule_files and tests)",
        "ja": "{path}: promtool の単体テストファイルではありません（rule_files と tests を持つ YAML マッピング 1 つ）",
    },
    "alerts.rule_file_missing": {
        "en": "{path}: rule file '{entry}' does not exist", "ja": "{path}: ルールファイル '{entry}' がありません"},
    "alerts.no_promtool": {
        "en": "promtool not found on PATH: the alert rules were not checked (install the Debian package prometheus)",
        "ja": "PATH に promtool がありません。アラートルールは検査されていません（Debian パッケージ prometheus を入れてください）",
    },
    "alerts.checked": {"en": "rules ok  {path}", "ja": "ルール OK  {path}"},
    "alerts.passed": {"en": "tests ok  {path}", "ja": "テスト OK  {path}"},
    "alerts.failed": {"en": "{n} alert rule check(s) failed", "ja": "アラートルールの検査が {n} 件失敗しました"},
    "alerts.no_tests": {
        "en": "no alert unit tests found ({glob}): nothing was proven",
        "ja": "アラートの単体テストがありません（{glob}）。何も証明されていません",
    },
    "alerts.ok": {
        "en": "OK: {rules} rule file(s) checked, {tests} unit-test file(s) passed",
        "ja": "OK: ルールファイル {rules} 件を検査、単体テスト {tests} 件が合格",
    },
    "record.bad_date": {
        "en": "--date '{value}' is not an ISO date (YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
        "ja": "--date '{value}' は ISO 形式の日付ではありません（YYYY-MM-DD または YYYY-MM-DDTHH:MM）",
    },
    "record.future_date": {
        "en": "--date {day} is in the future: a record is written after the event",
        "ja": "--date {day} は未来の日付です。記録は実施後に書きます",
    },
    "dr.not_folder": {"en": "{path}: not a folder", "ja": "{path}: フォルダではありません"},
    "dr.bad_backup": {
        "en": "--backup '{backup}': use letters, digits, '.', '_' and '-' only (a Velero backup name)",
        "ja": "--backup '{backup}': 英字・数字・'.'・'_'・'-' のみ使えます（Velero のバックアップ名）",
    },
    "dr.bad_result": {"en": "--result must be one of {choices}", "ja": "--result は {choices} のいずれかです"},
    "dr.negative": {"en": "{option} must be >= 0", "ja": "{option} は 0 以上にしてください"},
    "dr.conflict": {
        "en": "{path} already records a different result for this drill; record it under another --date or backup name",
        "ja": "{path} にはこの訓練の別の結果が記録済みです。別の --date かバックアップ名で記録してください",
    },
    "perf.no_file": {"en": "{path}: file not found", "ja": "{path}: ファイルが見つかりません"},
    "perf.not_summary": {
        "en": "{path}: not a k6 summary JSON ({why})", "ja": "{path}: k6 のサマリー JSON ではありません（{why}）"},
    "perf.no_thresholds": {
        "en": "{path}: the k6 summary has no thresholds, so it proves nothing (run the tests/performance scripts)",
        "ja": "{path}: k6 サマリーに閾値がなく、何も証明しません（tests/performance のスクリプトで実行してください）",
    },
    "perf.no_service": {
        "en": "{path} does not name the service it tested: add --service NAME",
        "ja": "{path} はテストしたサービスを示していません。--service NAME を付けてください",
    },
    "perf.bad_name": {
        "en": "{option} '{value}' is not a DNS-1123 label", "ja": "{option} '{value}' は DNS-1123 ラベルではありません"},
    "perf.unknown_service": {
        "en": "unknown service '{service}' (this repository has: {services})",
        "ja": "不明なサービス '{service}'（このリポジトリのサービス: {services}）",
    },
    "perf.unreadable": {
        "en": "; {n} unreadable record(s): {files}", "ja": "。読めない記録 {n} 件: {files}"},
    "perf.gate.passed": {
        "en": "every service ({n}) has a load-test record < {days} days old whose thresholds all passed",
        "ja": "全サービス（{n}）に {days} 日以内の負荷テスト記録があり、閾値をすべて満たしています",
    },
    "perf.gate.failed": {
        "en": "the latest load test of {names} failed its thresholds ({files})",
        "ja": "{names} の最新の負荷テストが閾値を満たしていません（{files}）",
    },
    "perf.gate.pending": {
        "en": "no load-test record < {days} days old in {folder} for: {names}",
        "ja": "{folder} に {days} 日以内の負荷テスト記録がないサービス: {names}",
    },
    "vms5.gate.performance": {"en": "Load test / SLA", "ja": "負荷テスト / SLA"},
    "vms5.f.performance": {
        "en": "every service's newest k6 record < 30 days old passed all thresholds (SLO p95, errors < 1 %, rate)",
        "ja": "全サービスの 30 日以内の最新 k6 記録が全閾値（SLO の p95、エラー率 < 1 %、リクエストレート）を満たす",
    },
    "vms5.action.performance": {
        "en": "Run the k6 load tests (tests/performance) and record each: parasol-gitops perf record --summary k6-summary.json",
        "ja": "k6 負荷テスト（tests/performance）を実行し、それぞれ記録する: parasol-gitops perf record --summary k6-summary.json",
    },
    "check.PGO-QUOTA-HPA.title": {
        "en": "ResourceQuota cannot hold the HPA maximum",
        "ja": "ResourceQuota が HPA の最大レプリカ数を収容できない",
    },
    "check.PGO-QUOTA-HPA.hint": {
        "en": "raise the namespace's ResourceQuota to the capacity plan (every HPA at maxReplicas) or lower maxReplicas",
        "ja": "名前空間の ResourceQuota をキャパシティ計画（全 HPA が maxReplicas）まで引き上げるか、maxReplicas を下げてください",
    },
    "check.PGO-QUOTA-HPA.msg": {
        "en": "{resource} of namespace {namespace}: {need} needed with every workload at its HPA maximum, quota {hard}",
        "ja": "名前空間 {namespace} の {resource}: 全ワークロードが HPA 最大時に {need} 必要ですが、クォータは {hard} です",
    },
}
