"""Messages of issue 13 (Parasol fidelity: layouts, decisions, grading target, gate measurement)."""

MESSAGES: dict[str, dict[str, str]] = {
    "parasol.note.bad_row": {
        "en": "{file}:{line}: table row has {cells} cells but its header has {header}: row skipped",
        "ja": "{file}:{line}: 表の行のセル数（{cells}）が見出し（{header}）と合わないため、この行は読み飛ばしました",
    },
    "parasol.note.domain_type": {
        "en": "domain type '{type}' ({where}) is not a DDD domain type this tool knows: kept as written, "
              "treated as {crit} (see the README's domain type table)",
        "ja": "ドメインタイプ「{type}」（{where}）は既知の DDD ドメインタイプではありません。記載のまま保持し、"
              "{crit} として扱います（README のドメインタイプ表を参照）",
    },
    "parasol.note.bad_value": {
        "en": "{where}: '{value}' is not a usable value (SLA in (0, 100) %, replicas min ≤ max): ignored",
        "ja": "{where}: 「{value}」は使える値ではありません（SLA は 0〜100 % の間、レプリカは最小 ≤ 最大）。無視しました",
    },
    "parasol.note.adr_malformed": {
        "en": "{where}: ADR has {what}: recorded, not applied",
        "ja": "{where}: ADR に {what} がありません。記録のみで適用しません",
    },
    "parasol.note.overview_only": {
        "en": "'{name}' is listed in {where} but has no service definition file: generated with defaults",
        "ja": "「{name}」は {where} に記載されていますがサービス定義ファイルがありません。既定値で生成します",
    },
    "parasol.plan.decisions": {"en": "Project decisions (source → effect):", "ja": "プロジェクトの決定事項（出典 → 反映）:"},
    "parasol.plan.applied": {"en": "applied", "ja": "適用"},
    "parasol.plan.recorded": {"en": "recorded, not applied", "ja": "記録のみ（未適用）"},
    "parasol.plan.language": {"en": "Language: {lang} ← {source}", "ja": "言語: {lang} ← {source}"},
    "parasol.plan.organization": {"en": "Organization: {value} ← {source}", "ja": "組織: {value} ← {source}"},
    "vms5.not_measured": {"en": "not measured", "ja": "未測定"},
    "vms5.r.renderer_missing": {
        "en": "not measured: {n} Helm chart(s) could not be rendered ({reason}); install the renderer: {install}",
        "ja": "未測定: Helm チャート {n} 件を描画できません（{reason}）。描画ツールを導入してください: {install}",
    },
    "vms5.action.not_measured": {
        "en": "Install the Helm renderer so every gate is measured: {install}",
        "ja": "すべてのゲートを測定できるよう Helm 描画ツールを導入する: {install}",
    },
}
