"""Messages of the daily-use commands: service add/remove, unknown answers, update conflicts, bump matching,
validate --changed, conflict markers (English and Japanese)."""

MESSAGES: dict[str, dict[str, str]] = {
    "answers.did_you_mean": {"en": " (did you mean {name}?)", "ja": "（{name} のことですか？）"},
    "answers.unknown_question": {
        "en": "unknown question '{name}' in {where}; the template asks: {known}",
        "ja": "{where} の質問名 '{name}' はテンプレートにありません。質問は次のとおりです: {known}",
    },
    "service.no_services": {
        "en": "{path} has no services list",
        "ja": "{path} に services の一覧がありません",
    },
    "service.exists": {
        "en": "service '{name}' already exists; choose another name",
        "ja": "サービス '{name}' は既に存在します。別の名前にしてください",
    },
    "service.unknown": {
        "en": "no service '{name}' in this repository",
        "ja": "このリポジトリにサービス '{name}' はありません",
    },
    "service.unknown_field": {
        "en": "unknown service field '{field}'",
        "ja": "サービスの項目 '{field}' はありません",
    },
    "service.last": {
        "en": "'{name}' is the only service; a repository needs at least one",
        "ja": "'{name}' は唯一のサービスです。リポジトリには少なくとも 1 つ必要です",
    },
    "service.still_called": {
        "en": "service '{name}' is called by {callers}; remove those calls first",
        "ja": "サービス '{name}' は {callers} から呼び出されています。先にその呼び出しを削除してください",
    },
    "service.added": {
        "en": "added service {name} to {path}; review with `git diff` and commit",
        "ja": "{path} にサービス {name} を追加しました。`git diff` で確認してコミットしてください",
    },
    "service.removed": {
        "en": "removed service {name} from {path}; review with `git status` and commit",
        "ja": "{path} からサービス {name} を削除しました。`git status` で確認してコミットしてください",
    },
    "update.resolve_markers": {
        "en": "edit the <<<<<<< … >>>>>>> blocks, then `git add {file}`",
        "ja": "<<<<<<< … >>>>>>> の部分を編集してから `git add {file}` を実行してください",
    },
    "update.resolve_rej": {
        "en": "apply the rejected hunks to {target} by hand, then `rm {file} && git add {target}`",
        "ja": "却下された差分を {target} に手で反映し、`rm {file} && git add {target}` を実行してください",
    },
    "update.conflicted_files": {
        "en": "conflicts remain in {files}",
        "ja": "次のファイルに競合が残っています: {files}",
    },
}
MESSAGES.update({
    "bump.not_kustomization": {"en": "not a kustomization mapping", "ja": "kustomization のマッピングではありません"},
    "bump.images_not_list": {"en": "must be a list", "ja": "リストにしてください"},
    "bump.values_no_image": {
        "en": "a values file needs an image mapping (repository, tag, digest)",
        "ja": "values ファイルには image マッピング（repository, tag, digest）が必要です",
    },
    "bump.values_other_image": {
        "en": "is '{repository}', not '{image}'", "ja": "'{image}' ではなく '{repository}' です"},
    "bump.no_match": {
        "en": "no image in {overlay} matches '{name}'; its images: {images}",
        "ja": "{overlay} に '{name}' に一致するイメージがありません。含まれるイメージ: {images}",
    },
    "bump.ambiguous": {
        "en": "'{name}' matches several images in {overlay}: {images}; give the full name",
        "ja": "'{name}' は {overlay} の複数のイメージに一致します: {images}。完全な名前を指定してください",
    },
    "bump.no_images": {"en": "(none)", "ja": "（なし）"},
})
MESSAGES.update({
    "vms5.cause.synthesize": {
        "en": "Synthesize the CI files from pipeline.yaml: {command} (missing or out of date: {files})",
        "ja": "pipeline.yaml から CI ファイルを生成する: {command}（存在しないか古いファイル: {files}）",
    },
    "vms5.cause.no_pipeline": {
        "en": "Add pipeline.yaml (the template writes one; `parasol-gitops update` restores it), then run "
              "parasol-gitops pipeline",
        "ja": "pipeline.yaml を追加し（テンプレートが生成します。`parasol-gitops update` で復元できます）、"
              "parasol-gitops pipeline を実行する",
    },
    "vms5.cause.pipeline_spec_error": {
        "en": "Fix pipeline.yaml (see PGO-PIPELINE-SPEC in parasol-gitops validate)",
        "ja": "pipeline.yaml を修正する（parasol-gitops validate の PGO-PIPELINE-SPEC を参照）",
    },
    "vms5.cause.add_to_pipeline": {
        "en": "Add these services to the services of pipeline.yaml (or `parasol-gitops service add`): {names}",
        "ja": "次のサービスを pipeline.yaml の services に追加する（または `parasol-gitops service add`）: {names}",
    },
    "vms5.cause.add_application": {
        "en": "Deploy these service/environment pairs with an Argo CD Application: {pairs}",
        "ja": "次のサービス/環境の組を Argo CD Application でデプロイする: {pairs}",
    },
    "vms5.cause.validate_errors": {
        "en": "Clear the {n} error finding(s) of parasol-gitops validate",
        "ja": "parasol-gitops validate のエラー {n} 件を解消する",
    },
})
MESSAGES.update({
    "repo.not_found": {"en": "{path}: folder not found", "ja": "{path}: フォルダが見つかりません"},
    "repo.not_gitops": {
        "en": "{path} is not a GitOps repository (no .copier-answers.yml, kustomization.yaml or Chart.yaml)",
        "ja": "{path} は GitOps リポジトリではありません（.copier-answers.yml・kustomization.yaml・Chart.yaml がありません）",
    },
    "repo.not_gitops_hint": {
        "en": "run the command in the repository made by `parasol-gitops new`, or pass its path",
        "ja": "`parasol-gitops new` で作ったリポジトリの中で実行するか、そのパスを指定してください",
    },
})
MESSAGES.update({
    "validate.changed.scope": {
        "en": "changed: {files} file(s) against {ref}; {built} kustomization(s) in scope, {skipped} folder(s) skipped",
        "ja": "変更: {ref} との差分 {files} ファイル。対象の kustomization {built} 個、スキップしたフォルダ {skipped} 個",
    },
    "validate.changed.skipped": {
        "en": "skipped (unaffected by the diff): {folders}",
        "ja": "スキップ（差分の影響なし）: {folders}",
    },
    "validate.changed.not_judged": {
        "en": "not judged in this run (they need what the diff did not touch; the full validate runs them): {checks}",
        "ja": "今回は判定していないチェック（差分の外の内容が必要なため。完全な validate で実行されます）: {checks}",
    },
    "validate.changed.unknown_ref": {
        "en": "--changed: '{ref}' is not a commit, branch or tag of this repository",
        "ja": "--changed: '{ref}' はこのリポジトリのコミット・ブランチ・タグではありません",
    },
    "validate.changed.not_git": {
        "en": "--changed needs a git repository; {path} is not in one",
        "ja": "--changed には git リポジトリが必要ですが、{path} は git リポジトリではありません",
    },
    "validate.changed.no_default_branch": {
        "en": "--changed: no default branch found (origin/HEAD, origin/main, origin/master, main, master); pass "
              "--changed=REF",
        "ja": "--changed: 既定のブランチ（origin/HEAD・origin/main・origin/master・main・master）が見つかりません。"
              "--changed=REF を指定してください",
    },
})
MESSAGES.update({
    "vms5.status.passed": {"en": "passed", "ja": "合格"},
    "vms5.status.failed": {"en": "failed", "ja": "不合格"},
    "vms5.status.pending": {"en": "pending", "ja": "保留"},
})
MESSAGES.update({
    "bump.bad_arg": {"en": "--image '{value}': expected NAME=REF[@DIGEST]",
                     "ja": "--image '{value}': NAME=REF[@DIGEST] の形で指定してください"},
    "bump.bad_digest": {"en": "--image '{value}': digest must be sha256:<64 hex>",
                        "ja": "--image '{value}': ダイジェストは sha256:<16 進 64 桁> で指定してください"},
    "bump.bad_tag": {"en": "--image '{value}': '{tag}' is not a valid tag",
                     "ja": "--image '{value}': '{tag}' はタグとして使えません"},
    "bump.bad_name": {"en": "--image '{value}': '{name}' is not a valid image name",
                      "ja": "--image '{value}': '{name}' はイメージ名として使えません"},
    "bump.no_overlay": {"en": "{path}: overlay folder not found", "ja": "{path}: オーバーレイのフォルダが見つかりません"},
    "bump.no_kustomization": {"en": "{path}: no kustomization.yaml in the overlay",
                              "ja": "{path}: オーバーレイに kustomization.yaml がありません"},
    "pipeline.missing_target": {"en": "missing --target (choose github or gitlab)",
                                "ja": "--target がありません（github か gitlab を指定してください）"},
    "pipeline.out_not_folder": {"en": "--out {out}: not a folder", "ja": "--out {out}: フォルダではありません"},
})
MESSAGES.update({
    "usage.no_such_option": {"en": "no such option: {name}", "ja": "オプション {name} はありません"},
    "usage.missing": {"en": "missing {name}", "ja": "{name} を指定してください"},
    "usage.bad_value": {"en": "invalid value for {name}: {message}", "ja": "{name} の値が正しくありません: {message}"},
    "usage.error": {"en": "{message}", "ja": "使い方が正しくありません: {message}"},
})
