"""Messages of the CI subcommands the generated pipelines call: changes, test, deploy, rollback."""

MESSAGES: dict[str, dict[str, str]] = {
    "ci.no_spec": {
        "en": "no pipeline spec: {path} does not exist (run from the repository root or pass --spec FILE)",
        "ja": "パイプライン定義がありません: {path} が存在しません（リポジトリのルートで実行するか --spec FILE を指定してください）",
    },
    "ci.unknown_service": {
        "en": "unknown service '{name}' (pipeline.yaml has: {known})",
        "ja": "サービス '{name}' はありません（pipeline.yaml にあるもの: {known}）",
    },
    "ci.did_you_mean": {"en": "did you mean '{name}'?", "ja": "'{name}' のことですか？"},
    "ci.unknown_environment": {
        "en": "unknown environment '{name}' (pipeline.yaml has: {known})",
        "ja": "環境 '{name}' はありません（pipeline.yaml にあるもの: {known}）",
    },
    "ci.changes.none": {"en": "none", "ja": "なし"},
    "ci.changes.summary": {
        "en": "{count} changed file(s); services to run: {services}",
        "ja": "変更ファイル {count} 件。実行するサービス: {services}",
    },
    "ci.changes.everything": {
        "en": "every service runs ({reason}): {services}",
        "ja": "全サービスを実行します（{reason}）: {services}",
    },
    "ci.changes.no_output": {
        "en": "--format github appends to $GITHUB_OUTPUT, which is not set (use --format json outside GitHub Actions)",
        "ja": "--format github は $GITHUB_OUTPUT に追記しますが、設定されていません（GitHub Actions 以外では --format json を使ってください）",
    },
    "ci.test.smoke_needs_env": {"en": "--smoke needs --env ENV", "ja": "--smoke には --env ENV が必要です"},
    "prometheus.unreachable": {"en": "unreachable ({reason})", "ja": "接続できません（{reason}）"},
    "prometheus.not_json": {"en": "answer is not JSON", "ja": "応答が JSON ではありません"},
    "prometheus.bad_shape": {"en": "unexpected answer shape", "ja": "応答の形が想定外です"},
    "ci.test.nothing": {
        "en": "service {service}: no lint/test command and no recognised build file in {path} (set services[].commands)",
        "ja": "サービス {service}: lint/テストのコマンドがなく、{path} に認識できるビルドファイルもありません（services[].commands を設定してください）",
    },
    "ci.test.no_commands": {
        "en": "service {service}: {source} gives no lint or test command ({why}); add one or set services[].commands",
        "ja": "サービス {service}: {source} から lint/テストのコマンドが得られません（{why}）。追加するか services[].commands を設定してください",
    },
    "ci.test.plan": {
        "en": "service {service} in {path}: commands from {source}",
        "ja": "サービス {service}（{path}）: コマンドの出所 {source}",
    },
    "ci.test.skipped": {"en": "{step}: skipped on purpose: {reason}", "ja": "{step}: 意図的にスキップ: {reason}"},
    "ci.test.absent": {"en": "{step}: not run ({why})", "ja": "{step}: 実行しません（{why}）"},
    "ci.test.dry_run": {"en": "dry run: nothing was run", "ja": "ドライラン: 何も実行していません"},
    "ci.test.no_path": {
        "en": "service {service}: the path {path} does not exist",
        "ja": "サービス {service}: パス {path} が存在しません",
    },
    "ci.test.step_failed": {
        "en": "service {service}: {step} failed (exit {code}): {command}",
        "ja": "サービス {service}: {step} が失敗しました（終了コード {code}）: {command}",
    },
    "ci.test.coverage": {
        "en": "coverage {total}% (threshold {threshold}%)",
        "ja": "カバレッジ {total}%（しきい値 {threshold}%）",
    },
    "ci.test.coverage_low": {
        "en": "service {service}: coverage {total}% is below the threshold {threshold}%",
        "ja": "サービス {service}: カバレッジ {total}% がしきい値 {threshold}% を下回っています",
    },
    "ci.test.coverage_not_measured": {
        "en": "coverage: not measured ({why})",
        "ja": "カバレッジ: 計測していません（{why}）",
    },
    "ci.test.no_coverage_step": {
        "en": "no coverage command or report",
        "ja": "カバレッジのコマンドもレポートもありません",
    },
    "ci.test.no_report": {
        "en": "the tests wrote no {report}",
        "ja": "テストが {report} を出力しませんでした",
    },
    "ci.test.bad_report": {
        "en": "service {service}: cannot read the coverage total from {report}",
        "ja": "サービス {service}: {report} からカバレッジ合計を読み取れません",
    },
    "ci.test.no_total": {
        "en": "service {service}: the coverage command printed no percentage on its last line: {command}",
        "ja": "サービス {service}: カバレッジのコマンドが最終行に割合を出力しませんでした: {command}",
    },
    "ci.smoke.none": {
        "en": "service {service}: no smoke command (services[].commands.smoke); smoke test not run, verify checks health",
        "ja": "サービス {service}: スモークテストのコマンド（services[].commands.smoke）がないため実行しません。ヘルスは verify が確認します",
    },
    "ci.smoke.ok": {"en": "smoke test of {service} in {env} passed", "ja": "{env} の {service} のスモークテストに合格しました"},
    "ci.smoke.failed": {
        "en": "service {service}: smoke test in {env} failed {attempts} times",
        "ja": "サービス {service}: {env} のスモークテストが {attempts} 回失敗しました",
    },
    "ci.git.failed": {"en": "{command} failed: {detail}", "ja": "{command} が失敗しました: {detail}"},
    "ci.git.not_a_clone": {
        "en": "{path} exists and is not a git clone: choose an empty --gitops-dir",
        "ja": "{path} は存在しますが git のクローンではありません。空の --gitops-dir を指定してください",
    },
    "ci.git.no_clone": {
        "en": "{path} is not a git clone of the GitOps repository (check it out there, or pass --repository URL)",
        "ja": "{path} は GitOps リポジトリの git クローンではありません（そこにチェックアウトするか --repository URL を指定してください）",
    },
    "ci.git.cloned": {"en": "cloned {repository} ({branch}) into {path}", "ja": "{repository}（{branch}）を {path} にクローンしました"},
    "ci.git.push_rejected": {
        "en": "push rejected (attempt {attempt}): rebasing on {branch}",
        "ja": "push が拒否されました（{attempt} 回目）。{branch} にリベースします",
    },
    "ci.git.rebase_conflict": {
        "en": "cannot rebase on {branch}: another commit changed the same lines (deploy again after it)",
        "ja": "{branch} にリベースできません: 別のコミットが同じ行を変更しました（その後で再デプロイしてください）",
    },
    "ci.git.push_failed": {
        "en": "could not push to {branch} after {attempts} attempts",
        "ja": "{attempts} 回試しましたが {branch} に push できませんでした",
    },
    "ci.deploy.bad_digest": {
        "en": "--digest {digest}: expected sha256:<64 hex> (the digest the build pushed)",
        "ja": "--digest {digest}: sha256:<16 進 64 桁>（ビルドが push したダイジェスト）を指定してください",
    },
    "ci.deploy.no_overlay": {
        "en": "the overlay {overlay} does not exist in {path} (gitops.overlay in pipeline.yaml)",
        "ja": "オーバーレイ {overlay} が {path} にありません（pipeline.yaml の gitops.overlay）",
    },
    "ci.deploy.migrate_failed": {
        "en": "service {service}: the migration failed (exit {code}); nothing was deployed",
        "ja": "サービス {service}: マイグレーションが失敗しました（終了コード {code}）。デプロイしていません",
    },
    "ci.deploy.unchanged": {
        "en": "{service} already runs {digest} in {env}: nothing to commit",
        "ja": "{env} の {service} は既に {digest} です。コミットはありません",
    },
    "ci.deploy.done": {
        "en": "deployed {service} {tag} to {env} (commit {commit})",
        "ja": "{service} {tag} を {env} にデプロイしました（コミット {commit}）",
    },
    "ci.rollback.bad_name": {
        "en": "'{name}' is not a DNS-1123 label (service and environment names are)",
        "ja": "'{name}' は DNS-1123 ラベルではありません（サービス名と環境名はそうである必要があります）",
    },
    "ci.rollback.bad_commit": {"en": "--commit {commit}: not a commit SHA", "ja": "--commit {commit}: コミット SHA ではありません"},
    "ci.rollback.not_a_deploy": {
        "en": "--commit {commit} is not a deploy commit of {service} in {env} (no Parasol-Deploy: {env}/{service} trailer)",
        "ja": "--commit {commit} は {env} の {service} のデプロイコミットではありません（Parasol-Deploy: {env}/{service} がありません）",
    },
    "ci.rollback.already": {"en": "{commit} is already reverted", "ja": "{commit} は既に取り消し済みです"},
    "ci.rollback.none": {
        "en": "no deploy of {service} to {env} left to roll back",
        "ja": "{env} の {service} に取り消せるデプロイがありません",
    },
    "ci.rollback.nothing_deployed": {
        "en": "this run deployed nothing for {service} in {env}: nothing to roll back",
        "ja": "この実行は {env} の {service} に何もデプロイしていないため、取り消すものはありません",
    },
    "ci.rollback.conflict": {
        "en": "cannot revert {commit} cleanly: a later commit changed the same lines (roll forward, or revert by hand)",
        "ja": "{commit} をきれいに取り消せません: 後のコミットが同じ行を変更しています（新しい版をデプロイするか手で戻してください）",
    },
    "ci.rollback.done": {
        "en": "rolled back {service} in {env} (reverted {commit})",
        "ja": "{env} の {service} をロールバックしました（{commit} を取り消し）",
    },
}
