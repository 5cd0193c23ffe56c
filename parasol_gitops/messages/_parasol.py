"""Messages of the parasol area (English and Japanese)."""

MESSAGES: dict[str, dict[str, str]] = {
    "parasol.not_found": {
        "en": "Parasol project not found (no parasol.yaml here, in .. or in ../..)",
        "ja": "❌ Parasolプロジェクトが見つかりません（parasol.yaml がこのフォルダ・..・../.. にありません）",
    },
    "parasol.not_found.next": {
        "en": "next steps: 1) create a project: /parasol:project init <name>; "
        "2) cd into an existing project (the folder holding parasol.yaml); 3) list projects: /parasol:project list",
        "ja": "次の手順: 1) プロジェクトを作成: /parasol:project init <名前> / "
        "2) 既存プロジェクト（parasol.yaml のあるフォルダ）へ cd / 3) プロジェクト一覧: /parasol:project list",
    },
    "parasol.yaml.top_not_mapping": {
        "en": "the top level must be a mapping (project:, phases:, settings:)",
        "ja": "最上位はマッピング（project:, phases:, settings:）にしてください",
    },
    "parasol.yaml.not_mapping": {"en": "must be a mapping", "ja": "マッピングにしてください"},
    "parasol.yaml.output_dir_relative": {
        "en": "must be a relative folder name", "ja": "相対フォルダ名にしてください"},
    "parasol.yaml.output_dir_outside": {
        "en": "'{value}' leaves the project folder", "ja": "'{value}' はプロジェクトフォルダの外を指しています"},
    "parasol.yaml.platform_not_mapping": {
        "en": "must be a mapping of template answers", "ja": "テンプレートの回答のマッピングにしてください"},
    "parasol.yaml.platform_unknown": {
        "en": "unknown or not overridable (choose {choices})",
        "ja": "不明か上書きできない項目です（{choices} から選んでください）",
    },
    "parasol.bad_now": {
        "en": "{env}: '{value}' is not an ISO 8601 date-time", "ja": "{env}: '{value}' は ISO 8601 の日時ではありません"},
    "parasol.detected": {"en": "✅ Project detected: {name}", "ja": "✅ プロジェクト検出: {name}"},
    "parasol.detected.dir": {"en": "   project directory: {path}", "ja": "   プロジェクトディレクトリ: {path}"},
    "parasol.detected.outputs": {"en": "   output directory: {path}", "ja": "   出力ディレクトリ: {path}"},
    "parasol.cleaned": {
        "en": "⚠️  {file} was captured from a terminal ({what}); read the cleaned YAML. "
        "It is rewritten clean when phase 7 progress is recorded (the capture is kept as {backup}).",
        "ja": "⚠️  {file} は端末出力のキャプチャです（{what}）。除去した YAML を読み込みました。"
        "フェーズ7の進捗記録時にクリーンな内容で書き直します（元ファイルは {backup} に保存）。",
    },
    "parasol.not_initialised": {
        "en": "the project is not initialised: {path} does not exist; run phase 1 (context) first: /parasol:1-context",
        "ja": "プロジェクトが初期化されていません（{path} がありません）。先にフェーズ1（コンテキスト）を実行してください: /parasol:1-context",
    },
    "parasol.phase6_incomplete": {
        "en": "phase 6 (implementation) is not complete: {missing}. Run /parasol:6-implementation first, "
        "or pass --force to generate from phases 4-5",
        "ja": "フェーズ6（実装）が完了していません: {missing}。先に /parasol:6-implementation を実行するか、"
        "--force でフェーズ4〜5から生成してください",
    },
    "parasol.phase6_missing.status": {
        "en": "phases.phase6.status is '{status}', not completed",
        "ja": "phases.phase6.status が '{status}'（completed ではありません）",
    },
    "parasol.phase6_missing.guides": {
        "en": "no {pattern}",
        "ja": "{pattern} がありません",
    },
    "parasol.force_warning": {
        "en": "⚠️  --force: proceeding although phase 6 is incomplete ({missing}); tech stacks come from phase 4 only",
        "ja": "⚠️  --force: フェーズ6が未完了のまま続行します（{missing}）。技術スタックはフェーズ4の記載のみを使います",
    },
    "parasol.plan_phase6_warning": {
        "en": "⚠️  phase 6 (implementation) is incomplete ({missing}); generation will need --force",
        "ja": "⚠️  フェーズ6（実装）が未完了です（{missing}）。生成には --force が必要です",
    },
    "parasol.no_services": {
        "en": "no services found: looked in {where}",
        "ja": "サービスが見つかりません: {where} を探しました",
    },
    "parasol.duplicate_slug": {
        "en": "services '{first}' and '{second}' both become '{slug}'; rename one or give it its own folder",
        "ja": "サービス '{first}' と '{second}' が同じ名前 '{slug}' になります。どちらかを改名してください",
    },
    "parasol.reserved_slug": {
        "en": "service '{name}' would be named '{slug}', which the platform layer uses; give it its own folder name",
        "ja": "サービス '{name}' の名前 '{slug}' はプラットフォーム層が使用しています。別のフォルダ名を付けてください",
    },
    "parasol.traversal": {
        "en": "'{value}' points outside the project ({what}); refusing to read or write there",
        "ja": "'{value}' はプロジェクト外を指しています（{what}）。読み書きを拒否します",
    },
    "parasol.unsafe_name": {
        "en": "service name {value!r} contains {what}; rename it in the design documents",
        "ja": "サービス名 {value!r} に {what} が含まれています。設計ドキュメントで改名してください",
    },
    "parasol.unreadable": {
        "en": "cannot read {file}: {reason}",
        "ja": "{file} を読み込めません: {reason}",
    },
    "parasol.dangling": {
        "en": "{file} is a link to {target}, which does not exist",
        "ja": "{file} はリンクですがリンク先 {target} が存在しません",
    },
    "parasol.plan.title": {
        "en": "Discovered services ({count}) — nothing written (--plan)",
        "ja": "検出したサービス（{count}件）— 何も書き込みません（--plan）",
    },
    "parasol.plan.provenance": {"en": "Sources (which one won):", "ja": "情報源（採用した値）:"},
    "parasol.plan.warnings": {"en": "Notes:", "ja": "注意:"},
    "parasol.progress.started": {
        "en": "phase 7 marked in_progress in parasol.yaml",
        "ja": "parasol.yaml のフェーズ7を in_progress にしました",
    },
    "parasol.summary.title": {
        "en": "✅ Phase 7 (platform) written to {path}",
        "ja": "✅ フェーズ7（プラットフォーム）を {path} に出力しました",
    },
    "parasol.summary.counts": {
        "en": "   {services} services, {files} files written, {unchanged} unchanged",
        "ja": "   サービス {services} 件、書き込み {files} ファイル、変更なし {unchanged} ファイル",
    },
    "parasol.summary.next": {
        "en": "next: parasol-gitops validate {path}  ·  parasol-gitops status vms5 {path}",
        "ja": "次の手順: parasol-gitops validate {path}  ·  parasol-gitops status vms5 {path}",
    },
    "parasol.summary.backup": {"en": "   backup of parasol.yaml: {path}", "ja": "   parasol.yaml のバックアップ: {path}"},
    "parasol.conflicts": {
        "en": "update left conflicts in {count} file(s): {files}; resolve them in {path} and run again",
        "ja": "更新で {count} ファイルに競合が残りました: {files}。{path} で解消して再実行してください",
    },
    "parasol.hand_edits_committed": {
        "en": "committed your hand edits in {path} before updating (\"hand edits before parasol-gitops update\")",
        "ja": "更新前に {path} の手動編集をコミットしました（\"hand edits before parasol-gitops update\"）",
    },
    "parasol.partial.written": {
        "en": "regenerated {part}: {files}",
        "ja": "{part} を再生成しました: {files}",
    },
    "parasol.partial.needs_repo": {
        "en": "{path} does not exist yet; run `parasol-gitops platform` once before regenerating {part}",
        "ja": "{path} がまだありません。{part} の再生成の前に `parasol-gitops platform` を一度実行してください",
    },
    "parasol.not_a_repo": {
        "en": "{path} exists but was not written by parasol-gitops (no .copier-answers.yml); move it away and run again",
        "ja": "{path} は parasol-gitops が生成したものではありません（.copier-answers.yml がありません）。移動してから再実行してください",
    },
    "parasol.service_needs_name": {"en": "each service needs a name", "ja": "各サービスに name が必要です"},
    "parasol.services_not_list": {"en": "must be a list", "ja": "リストである必要があります"},
    "parasol.note.tech_conflict": {
        "en": "tech_stack.{key}: '{kept}' kept over '{other}' ({file})",
        "ja": "tech_stack.{key}: '{kept}' を採用し '{other}' は不採用（{file}）",
    },
    "parasol.note.bad_ingress": {
        "en": "ingress path '{path}' from {source} is not a plain URL path; using /{slug}",
        "ja": "{source} の Ingress パス '{path}' は単純な URL パスではないため /{slug} を使います",
    },
    "parasol.note.rest_roots": {
        "en": "{count} REST roots in {source} ({paths}): the ingress routes one prefix, /{slug}; "
        "route the others in the gateway",
        "ja": "{source} に REST ルートが {count} 個あります（{paths}）。Ingress は 1 つのプレフィックス /{slug} "
        "のみを扱うため、他は API ゲートウェイでルーティングしてください",
    },
    "parasol.note.other_stores": {
        "en": "not provisioned by the platform: {stores} ({source}); add them as managed services",
        "ja": "プラットフォームでは用意しないデータストア: {stores}（{source}）。マネージドサービスとして追加してください",
    },
    "parasol.note.unknown_call": {
        "en": "calls '{name}', which is not a discovered service (no network allow)",
        "ja": "'{name}' を呼び出しますが検出したサービスにありません（NetworkPolicy の許可は作りません）",
    },
    "parasol.prov.default": {"en": "default", "ja": "既定値"},
    "parasol.prov.over": {"en": "over", "ja": "不採用"},
    "parasol.prov.folder": {"en": "folder/id of {source}", "ja": "{source} のフォルダ名/ID"},
    "parasol.prov.slug": {"en": "slug of '{name}'", "ja": "'{name}' のスラッグ"},
    "parasol.prov.dependencies": {"en": "dependency tables", "ja": "依存関係の表"},
    "parasol.prov.bc_listed": {"en": "already listed", "ja": "既存の一覧に含まれる"},
    "parasol.prov.bc_added": {"en": "added", "ja": "追加"},
    "parasol.prov.phase5_fills": {"en": "only what the service documents leave open", "ja": "サービス文書が未指定の項目のみ"},
    "parasol.note.bc_unmatched": {
        "en": "phase 5: bounded context {bc} ({file}) belongs to no discovered service; not used",
        "ja": "フェーズ5: 境界づけられたコンテキスト {bc}（{file}）に対応するサービスがないため使いません",
    },
    "parasol.note.bc_no_readme": {
        "en": "phase 5: {folder} has no README.md; not used",
        "ja": "フェーズ5: {folder} に README.md がないため使いません",
    },
    "parasol.note.bc_domain": {
        "en": "phase 5 classifies bounded context {bc} as {bc_type}; the service stays {crit} "
        "(the service documents decide the service's domain type)",
        "ja": "フェーズ5 は境界づけられたコンテキスト {bc} を {bc_type} としていますが、サービスは {crit} のままです"
        "（サービスのドメイン種別はサービス文書で決まります）",
    },
}
