"""Messages of the validate area (validate, status vms5, dr record) in English and Japanese."""

MESSAGES: dict[str, dict[str, str]] = {
    "validate.summary.build": {
        "en": "build:   {built} kustomization(s) built, {failed} failed; {charts} chart(s) rendered, {charts_skipped} skipped",
        "ja": "ビルド: kustomization {built} 件成功・{failed} 件失敗、Helm チャート {charts} 件描画・{charts_skipped} 件スキップ",
    },
    "validate.summary.schema": {
        "en": "schemas: {objects} object(s): {passed} passed, {failed} failed, {skipped} skipped (no schema)",
        "ja": "スキーマ: オブジェクト {objects} 件: 合格 {passed}、不合格 {failed}、スキップ {skipped}（スキーマなし）",
    },
    "validate.summary.graph": {
        "en": "argo cd: {apps} application(s), {services} service(s), {envs} environment(s)",
        "ja": "Argo CD: アプリケーション {apps} 件、サービス {services} 件、環境 {envs} 件",
    },
    "validate.severity.error": {"en": "ERRORS", "ja": "エラー"},
    "validate.severity.warning": {"en": "WARNINGS", "ja": "警告"},
    "validate.severity.info": {"en": "INFO", "ja": "情報"},
    "validate.hints": {"en": "How to fix:", "ja": "修正方法:"},
    "validate.result.ok": {
        "en": "OK: no error findings ({warning} warning(s), {info} info)",
        "ja": "OK: エラーなし（警告 {warning} 件、情報 {info} 件）",
    },
    "validate.result.fail": {
        "en": "FAILED: {error} error(s), {warning} warning(s), {info} info",
        "ja": "失敗: エラー {error} 件、警告 {warning} 件、情報 {info} 件",
    },
    "validate.progress": {"en": "building {done}/{total} {path}", "ja": "ビルド中 {done}/{total} {path}"},
}
