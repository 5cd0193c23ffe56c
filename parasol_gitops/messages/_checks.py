"""Titles and fix hints of validate's checks (``check.<ID>.title`` / ``check.<ID>.hint``) in English and Japanese.

The ids are those of ``validate.findings.CHECKS``. The English texts are also the JSON ``hint`` field, which tools
key on: change them only on purpose. Code, field names, commands and ids stay ASCII in both languages.
"""

MESSAGES: dict[str, dict[str, str]] = {
    # One line under "How to fix:" per check id; the hint comes first so that the line starts with the remedy.
    "check.line": {"en": "{id}: {hint} [{title}]", "ja": "{id}: {hint}［{title}］"},
    # ---- build and schema ------------------------------------------------------------------------------
    "check.PGO-BUILD.title": {
        "en": "kustomization does not build",
        "ja": "kustomization をビルドできない",
    },
    "check.PGO-BUILD.hint": {
        "en": "run `kubectl kustomize <dir>` and fix the reported file",
        "ja": "`kubectl kustomize <dir>` を実行し、エラーが出たファイルを修正してください",
    },
    "check.PGO-REMOTE-BASE.title": {
        "en": "remote kustomize base not fetched (validation runs offline)",
        "ja": "リモートの kustomize ベースは取得していない（検証はオフラインで実行）",
    },
    "check.PGO-REMOTE-BASE.hint": {
        "en": "the local resources of this kustomization were validated without the remote base",
        "ja": "この kustomization のローカルリソースは、リモートベースなしで検証しました",
    },
    "check.PGO-REMOTE-REF.title": {
        "en": "remote reference: validate never fetches it, and the folder is not built",
        "ja": "リモート参照: validate は取得せず、このフォルダーはビルドしない",
    },
    "check.PGO-REMOTE-REF.hint": {
        "en": "vendor the remote content into this repository, or pin an https:// base with ?ref= in resources",
        "ja": "リモートの内容をこのリポジトリに取り込むか、resources で ?ref= 付きの https:// ベースに固定してください",
    },
    "check.PGO-OUTSIDE-ROOT.title": {
        "en": "path resolves outside the repository root: not read",
        "ja": "パスがリポジトリのルートの外を指している: 読み込まない",
    },
    "check.PGO-OUTSIDE-ROOT.hint": {
        "en": "replace the symlink or the ../ path with files inside the repository",
        "ja": "シンボリックリンクや ../ のパスを、リポジトリ内のファイルに置き換えてください",
    },
    "check.PGO-OUTSIDE-ROOT.msg.not_read": {
        "en": "resolves outside the repository root: not read",
        "ja": "リポジトリのルートの外を指しています: 読み込みません",
    },
    "check.PGO-INPUT-LIMIT.title": {
        "en": "input refused: not a regular file, or above the size limit",
        "ja": "入力を拒否: 通常ファイルでない、またはサイズ上限を超える",
    },
    "check.PGO-INPUT-LIMIT.hint": {
        "en": "keep manifests as regular files under 8 MiB (32 MiB per build); remove FIFOs and device links",
        "ja": "マニフェストは 8 MiB 未満の通常ファイルに（ビルドごとに 32 MiB まで）。FIFO やデバイスへのリンクは削除してください",
    },
    "check.PGO-INPUT-LIMIT.msg.not_regular": {
        "en": "not a regular file (FIFO, socket or device): not read",
        "ja": "通常ファイルではありません（FIFO・ソケット・デバイス）: 読み込みません",
    },
    "check.PGO-INPUT-LIMIT.msg.too_big": {
        "en": "{size} bytes, above the {limit}-byte limit: not read",
        "ja": "{size} バイトで上限 {limit} バイトを超えています: 読み込みません",
    },
    "check.PGO-INPUT-LIMIT.msg.grew": {
        "en": "above the {limit}-byte limit: not read",
        "ja": "上限 {limit} バイトを超えています: 読み込みません",
    },
    "check.PGO-HELM-RENDER.title": {
        "en": "Helm chart does not render",
        "ja": "Helm チャートを描画できない",
    },
    "check.PGO-HELM-RENDER.hint": {
        "en": "render the chart with `helm template` and fix the template or values file",
        "ja": "`helm template` でチャートを描画し、テンプレートまたは values ファイルを修正してください",
    },
    "check.PGO-HELM-SKIPPED.title": {
        "en": "Helm chart not rendered: no Helm renderer installed",
        "ja": "Helm チャートを描画していない: Helm の描画ツールが未インストール",
    },
    "check.PGO-HELM-SKIPPED.hint": {
        "en": "pip install helm-python-sdk to render and validate charts",
        "ja": "チャートを描画・検証するには pip install helm-python-sdk を実行してください",
    },
    "check.PGO-SCHEMA.title": {
        "en": "object does not match its schema",
        "ja": "オブジェクトがスキーマに適合しない",
    },
    "check.PGO-SCHEMA.hint": {
        "en": "fix the field named in the message (see `kubectl explain <kind>.<field>`)",
        "ja": "メッセージに示されたフィールドを修正してください（`kubectl explain <kind>.<field>` を参照）",
    },
    "check.PGO-SCHEMA-MISSING.title": {
        "en": "no schema for this kind: objects skipped, not passed",
        "ja": "この kind のスキーマがない: オブジェクトは合格ではなくスキップ扱い",
    },
    "check.PGO-SCHEMA-MISSING.hint": {
        "en": "pass --schema-location with the CRD JSON schemas (kubeconform layout)",
        "ja": "--schema-location で CRD の JSON スキーマ（kubeconform のレイアウト）を指定してください",
    },
    # ---- Argo CD app-of-apps graph ---------------------------------------------------------------------
    "check.PGO-APP-ROOT.title": {
        "en": "no root Application (app of apps) found",
        "ja": "ルート Application（app of apps）が見つからない",
    },
    "check.PGO-APP-ROOT.hint": {
        "en": "add an Application whose source path is the folder holding the other Applications",
        "ja": "他の Application を置いたフォルダーをソースパスとする Application を追加してください",
    },
    "check.PGO-APP-PATH.title": {
        "en": "Argo CD source path does not exist",
        "ja": "Argo CD のソースパスが存在しない",
    },
    "check.PGO-APP-PATH.hint": {
        "en": "create the folder or correct spec.source.path",
        "ja": "フォルダーを作成するか、spec.source.path を修正してください",
    },
    "check.PGO-APP-PROJECT.title": {
        "en": "Argo CD project not defined in the repository",
        "ja": "Argo CD のプロジェクトがリポジトリ内で定義されていない",
    },
    "check.PGO-APP-PROJECT.hint": {
        "en": "add an AppProject with this name under projects/ or correct spec.project",
        "ja": "この名前の AppProject を projects/ 配下に追加するか、spec.project を修正してください",
    },
    "check.PGO-APP-DESTINATION.title": {
        "en": "destination not allowed by the AppProject",
        "ja": "AppProject がデプロイ先を許可していない",
    },
    "check.PGO-APP-DESTINATION.hint": {
        "en": "add the cluster/namespace to the AppProject's destinations or correct spec.destination",
        "ja": "AppProject の destinations にクラスター/Namespace を追加するか、spec.destination を修正してください",
    },
    "check.PGO-APP-SOURCE-REPO.title": {
        "en": "source repository not allowed by the AppProject",
        "ja": "AppProject がソースリポジトリを許可していない",
    },
    "check.PGO-APP-SOURCE-REPO.hint": {
        "en": "add the repository to the AppProject's sourceRepos or correct spec.source.repoURL",
        "ja": "AppProject の sourceRepos にリポジトリを追加するか、spec.source.repoURL を修正してください",
    },
    "check.PGO-APP-ENV-MISSING.title": {
        "en": "service not deployed to an environment",
        "ja": "サービスが環境にデプロイされていない",
    },
    "check.PGO-APP-ENV-MISSING.hint": {
        "en": "add services/<svc>/overlays/<env> and the Application (or ApplicationSet element) that deploys it",
        "ja": "services/<svc>/overlays/<env> と、それをデプロイする Application（または ApplicationSet の要素）を"
              "追加してください",
    },
    "check.PGO-APP-ORPHAN.title": {
        "en": "service folder deployed by no Application",
        "ja": "どの Application からもデプロイされていないサービスフォルダー",
    },
    "check.PGO-APP-ORPHAN.hint": {
        "en": "deploy it from apps/ or delete the folder",
        "ja": "apps/ からデプロイするか、フォルダーを削除してください",
    },
    # ---- policies --------------------------------------------------------------------------------------
    "check.PGO-POD-SECURITY.title": {
        "en": "workload violates Pod Security 'restricted'",
        "ja": "ワークロードが Pod Security の 'restricted' に違反している",
    },
    "check.PGO-POD-SECURITY.hint": {
        "en": "set runAsNonRoot, allowPrivilegeEscalation: false, capabilities.drop [ALL], seccompProfile RuntimeDefault",
        "ja": "runAsNonRoot、allowPrivilegeEscalation: false、capabilities.drop [ALL]、seccompProfile RuntimeDefault を"
              "設定してください",
    },
    "check.PGO-READONLY-ROOTFS.title": {
        "en": "container root filesystem is writable",
        "ja": "コンテナのルートファイルシステムが書き込み可能",
    },
    "check.PGO-READONLY-ROOTFS.hint": {
        "en": "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir for scratch space",
        "ja": "securityContext.readOnlyRootFilesystem: true を設定し、一時領域には emptyDir をマウントしてください",
    },
    "check.PGO-RESOURCES.title": {
        "en": "container without CPU/memory requests or memory limit",
        "ja": "CPU/メモリの requests またはメモリの limit がないコンテナ",
    },
    "check.PGO-RESOURCES.hint": {
        "en": "set resources.requests.cpu, resources.requests.memory and resources.limits.memory",
        "ja": "resources.requests.cpu、resources.requests.memory、resources.limits.memory を設定してください",
    },
    "check.PGO-PROBES.title": {
        "en": "long-running container without liveness or readiness probe",
        "ja": "liveness または readiness プローブのない常駐コンテナ",
    },
    "check.PGO-PROBES.hint": {
        "en": "add livenessProbe and readinessProbe (and startupProbe for slow starts)",
        "ja": "livenessProbe と readinessProbe を追加してください（起動が遅い場合は startupProbe も）",
    },
    "check.PGO-IMAGE-TAG.title": {
        "en": "image is untagged or uses 'latest'",
        "ja": "イメージにタグがない、または 'latest' を使っている",
    },
    "check.PGO-IMAGE-TAG.hint": {
        "en": "pin a version tag or digest (kustomize images: newTag / digest)",
        "ja": "バージョンタグまたはダイジェストで固定してください（kustomize の images: newTag / digest）",
    },
    "check.PGO-NETPOL-DEFAULT-DENY.title": {
        "en": "namespace without a default-deny NetworkPolicy",
        "ja": "default-deny の NetworkPolicy がない Namespace",
    },
    "check.PGO-NETPOL-DEFAULT-DENY.hint": {
        "en": "add a NetworkPolicy with podSelector: {} and policyTypes [Ingress, Egress] and no rules",
        "ja": "podSelector: {} と policyTypes [Ingress, Egress] を指定し、ルールを持たない NetworkPolicy を"
              "追加してください",
    },
    "check.PGO-PDB.title": {
        "en": "multi-replica workload without a PodDisruptionBudget",
        "ja": "PodDisruptionBudget のない複数レプリカのワークロード",
    },
    "check.PGO-PDB.hint": {
        "en": "add a PodDisruptionBudget whose selector matches the pod labels",
        "ja": "Pod のラベルに一致する selector を持つ PodDisruptionBudget を追加してください",
    },
    "check.PGO-HPA-BOUNDS.title": {
        "en": "HorizontalPodAutoscaler bounds are not sane",
        "ja": "HorizontalPodAutoscaler のレプリカ数の範囲が不適切",
    },
    "check.PGO-HPA-BOUNDS.hint": {
        "en": "keep 1 <= minReplicas <= maxReplicas <= 100",
        "ja": "1 <= minReplicas <= maxReplicas <= 100 を満たすようにしてください",
    },
    "check.PGO-PROJECT-WILDCARD.title": {
        "en": "AppProject allows '*'",
        "ja": "AppProject が '*' を許可している",
    },
    "check.PGO-PROJECT-WILDCARD.hint": {
        "en": "list the exact source repositories, destinations and cluster-scoped kinds",
        "ja": "ソースリポジトリ、デプロイ先、クラスタースコープの kind を個別に列挙してください",
    },
    "check.PGO-SECRET-PLAINTEXT.title": {
        "en": "plaintext Secret in the repository",
        "ja": "リポジトリに平文の Secret がある",
    },
    "check.PGO-SECRET-PLAINTEXT.hint": {
        "en": "use an ExternalSecret or SealedSecret instead of a Secret (or secretGenerator)",
        "ja": "Secret（または secretGenerator）の代わりに ExternalSecret か SealedSecret を使ってください",
    },
    "check.PGO-ROLLOUT-ANALYSIS.title": {
        "en": "canary/blue-green Rollout without analysis",
        "ja": "分析のないカナリア/ブルーグリーン Rollout",
    },
    "check.PGO-ROLLOUT-ANALYSIS.hint": {
        "en": "add canary analysis steps or blueGreen pre/postPromotionAnalysis referencing an AnalysisTemplate",
        "ja": "AnalysisTemplate を参照する canary の analysis ステップ、または blueGreen の pre/postPromotionAnalysis を"
              "追加してください",
    },
    "check.PGO-SERVICE-ALERTS.title": {
        "en": "service without alert rules",
        "ja": "アラートルールのないサービス",
    },
    "check.PGO-SERVICE-ALERTS.hint": {
        "en": "add a PrometheusRule whose rules select the service (e.g. service=\"<svc>\")",
        "ja": "ルールがそのサービスを対象とする PrometheusRule を追加してください（例: service=\"<svc>\"）",
    },
    "check.PGO-SERVICE-DASHBOARD.title": {
        "en": "service without a dashboard",
        "ja": "ダッシュボードのないサービス",
    },
    "check.PGO-SERVICE-DASHBOARD.hint": {
        "en": "add a Grafana dashboard ConfigMap (label grafana_dashboard) for the service",
        "ja": "サービス用の Grafana ダッシュボード ConfigMap（ラベル grafana_dashboard）を追加してください",
    },
    "check.PGO-SERVICE-MONITOR.title": {
        "en": "service without a ServiceMonitor or PodMonitor",
        "ja": "ServiceMonitor も PodMonitor もないサービス",
    },
    "check.PGO-SERVICE-MONITOR.hint": {
        "en": "add a ServiceMonitor selecting the service's metrics port",
        "ja": "サービスのメトリクスポートを対象とする ServiceMonitor を追加してください",
    },
    "check.PGO-BACKUP.title": {
        "en": "namespace with state not covered by a backup schedule",
        "ja": "状態を持つのにバックアップスケジュールの対象外の Namespace",
    },
    "check.PGO-BACKUP.hint": {
        "en": "add a Velero Schedule including the namespace (or a CNPG ScheduledBackup for the cluster)",
        "ja": "その Namespace を含む Velero Schedule（CNPG クラスターなら ScheduledBackup）を追加してください",
    },
    # ---- CI pipeline -----------------------------------------------------------------------------------
    "check.PGO-PIPELINE-DRIFT.title": {
        "en": "CI files differ from what pipeline.yaml synthesizes",
        "ja": "CI ファイルが pipeline.yaml から生成される内容と異なる",
    },
    "check.PGO-PIPELINE-DRIFT.hint": {
        "en": "run `parasol-gitops pipeline --target <t>` and commit the result",
        "ja": "`parasol-gitops pipeline --target <t>` を実行し、結果をコミットしてください",
    },
    "check.PGO-PIPELINE-SPEC.title": {
        "en": "pipeline.yaml is invalid",
        "ja": "pipeline.yaml が不正",
    },
    "check.PGO-PIPELINE-SPEC.hint": {
        "en": "fix pipeline.yaml as the message says",
        "ja": "メッセージに従って pipeline.yaml を修正してください",
    },
    "check.PGO-PIPELINE-MISSING.title": {
        "en": "no pipeline.yaml: CI sync not checked",
        "ja": "pipeline.yaml がない: CI との同期は未確認",
    },
    "check.PGO-PIPELINE-MISSING.hint": {
        "en": "add pipeline.yaml and synthesize CI with `parasol-gitops pipeline`",
        "ja": "pipeline.yaml を追加し、`parasol-gitops pipeline` で CI を生成してください",
    },
    # ---- per-finding messages (fixed sentences; the English is the JSON ``message``) ---------------------------
    "check.PGO-APP-ROOT.msg": {
        "en": "no Application's source folder holds Applications",
        "ja": "Application を置いたフォルダーをソースとする Application がない",
    },
    "check.PGO-APP-PATH.msg": {
        "en": "{app}: path '{path}' not found",
        "ja": "{app}: パス '{path}' が見つからない",
    },
    "check.PGO-APP-PROJECT.msg": {
        "en": "{app}: project '{project}' is not defined here",
        "ja": "{app}: プロジェクト '{project}' がこのリポジトリで定義されていない",
    },
    "check.PGO-APP-SOURCE-REPO.msg": {
        "en": "{app}: {url} not in AppProject {project} sourceRepos",
        "ja": "{app}: {url} が AppProject {project} の sourceRepos にない",
    },
    "check.PGO-APP-DESTINATION.msg": {
        "en": "{app}: {server} namespace '{ns}' not allowed by AppProject {project}",
        "ja": "{app}: {server} の Namespace '{ns}' を AppProject {project} が許可していない",
    },
    "check.PGO-APP-ORPHAN.msg": {
        "en": "service '{svc}' is deployed by no Application",
        "ja": "サービス '{svc}' をデプロイする Application がない",
    },
    "check.PGO-APP-ENV-MISSING.msg": {
        "en": "service '{svc}' is not deployed to environment '{env}'",
        "ja": "サービス '{svc}' が環境 '{env}' にデプロイされていない",
    },
    "check.PGO-READONLY-ROOTFS.msg": {
        "en": "containers: {containers}",
        "ja": "コンテナ: {containers}",
    },
    "check.PGO-PROJECT-WILDCARD.msg": {
        "en": "'*' in {fields}",
        "ja": "{fields} に '*' がある",
    },
    "check.PGO-SECRET-PLAINTEXT.msg": {
        "en": "Secret carries data in git",
        "ja": "Secret のデータが git に含まれている",
    },
    "check.PGO-NETPOL-DEFAULT-DENY.msg": {
        "en": "namespace '{ns}' runs workloads without a default-deny NetworkPolicy",
        "ja": "Namespace '{ns}' でワークロードが動いているが、default-deny の NetworkPolicy がない",
    },
    "check.PGO-PDB.msg": {
        "en": "{replicas} replicas and no PodDisruptionBudget",
        "ja": "レプリカ数 {replicas} なのに PodDisruptionBudget がない",
    },
    "check.PGO-ROLLOUT-ANALYSIS.msg.strategy": {
        "en": "{strategy} strategy without analysis",
        "ja": "{strategy} 戦略に分析が設定されていない",
    },
    "check.PGO-ROLLOUT-ANALYSIS.msg.template": {
        "en": "AnalysisTemplate not found: {names}",
        "ja": "AnalysisTemplate が見つからない: {names}",
    },
    "check.PGO-SERVICE-ALERTS.msg": {
        "en": "no PrometheusRule mentions '{svc}'",
        "ja": "'{svc}' に言及する PrometheusRule がない",
    },
    "check.PGO-SERVICE-DASHBOARD.msg": {
        "en": "no dashboard mentions '{svc}'",
        "ja": "'{svc}' に言及するダッシュボードがない",
    },
    "check.PGO-SERVICE-MONITOR.msg": {
        "en": "no ServiceMonitor/PodMonitor selects '{svc}'",
        "ja": "'{svc}' を対象とする ServiceMonitor/PodMonitor がない",
    },
    "check.PGO-BACKUP.msg": {
        "en": "namespace '{ns}' holds {kinds} and no backup schedule covers it",
        "ja": "Namespace '{ns}' は {kinds} を持つが、どのバックアップスケジュールの対象にもなっていない",
    },
    # ---- merge conflicts (issue 14) --------------------------------------------------------------------
    "check.PGO-CONFLICT-MARKERS.title": {
        "en": "merge conflict markers left in a file",
        "ja": "ファイルにマージ競合のマーカーが残っている",
    },
    "check.PGO-CONFLICT-MARKERS.hint": {
        "en": "edit the <<<<<<< … >>>>>>> blocks into the intended text, then `git add` the file; findings the file "
              "caused are shown again once it is resolved",
        "ja": "<<<<<<< … >>>>>>> の部分を意図した内容に直してから `git add` してください。このファイルが原因の指摘は解消後に改めて表示されます",
    },
}
