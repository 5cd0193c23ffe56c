{{/* Labels every object carries; the same set kustomize adds in services/<name>/overlays/<env>. */}}
{{- define "svc.labels" -}}
app.kubernetes.io/name: {{ .Values.name }}
app.kubernetes.io/part-of: {{ .Values.partOf }}
app.kubernetes.io/managed-by: parasol-gitops
{{- with .Values.environment }}
parasol-gitops.io/environment: {{ . }}
{{- end }}
{{- end -}}

{{- define "svc.selector" -}}
app.kubernetes.io/name: {{ .Values.name }}
{{- end -}}

{{/* Image reference: a digest wins over the tag; "latest" and an empty tag are refused. */}}
{{- define "svc.image" -}}
{{- if .Values.image.digest -}}
{{ .Values.image.repository }}@{{ .Values.image.digest }}
{{- else -}}
{{- if or (not .Values.image.tag) (eq (toString .Values.image.tag) "latest") -}}
{{- fail "image.tag must be a pinned version (not empty, not latest)" -}}
{{- end -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}
{{- end -}}

{{/* Pod template shared by Deployment and Rollout: Pod Security "restricted". */}}
{{- define "svc.podTemplate" -}}
template:
  metadata:
    labels:
      app.kubernetes.io/name: {{ .Values.name }}
      app.kubernetes.io/part-of: {{ .Values.partOf }}
  spec:
    serviceAccountName: {{ .Values.name }}
    automountServiceAccountToken: false
    securityContext:
      runAsNonRoot: true
      runAsUser: 10001
      runAsGroup: 10001
      fsGroup: 10001
      seccompProfile:
        type: RuntimeDefault
    topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: ScheduleAnyway
        labelSelector:
          matchLabels:
            {{- include "svc.selector" . | nindent 12 }}
      - maxSkew: 1
        topologyKey: kubernetes.io/hostname
        whenUnsatisfiable: ScheduleAnyway
        labelSelector:
          matchLabels:
            {{- include "svc.selector" . | nindent 12 }}
    terminationGracePeriodSeconds: 30
    containers:
      - name: {{ .Values.name }}
        image: {{ include "svc.image" . }}
        imagePullPolicy: IfNotPresent
        ports:
          - name: http
            containerPort: {{ .Values.port }}
            protocol: TCP
          {{- if .Values.grpcPort }}
          - name: grpc
            containerPort: {{ .Values.grpcPort }}
            protocol: TCP
          {{- end }}
        envFrom:
          - configMapRef:
              name: {{ .Values.name }}-config
          # Created from the secret store by the platform layer (never committed in plaintext).
          - secretRef:
              name: {{ .Values.name }}-secrets
        resources:
          {{- toYaml .Values.resources | nindent 10 }}
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
          runAsNonRoot: true
          capabilities:
            drop:
              - ALL
          seccompProfile:
            type: RuntimeDefault
        startupProbe:
          httpGet:
            path: /healthz
            port: http
          periodSeconds: 5
          failureThreshold: 30
        livenessProbe:
          httpGet:
            path: /healthz
            port: http
          periodSeconds: 10
          failureThreshold: 3
        readinessProbe:
          httpGet:
            path: /readyz
            port: http
          periodSeconds: 5
          failureThreshold: 3
        volumeMounts:
          - name: tmp
            mountPath: /tmp
    volumes:
      - name: tmp
        emptyDir:
          sizeLimit: 64Mi
{{- end -}}

{{- define "svc.workloadKind" -}}
{{- if eq .Values.strategy "rolling" }}Deployment{{ else }}Rollout{{ end -}}
{{- end -}}

{{- define "svc.workloadAPI" -}}
{{- if eq .Values.strategy "rolling" }}apps/v1{{ else }}argoproj.io/v1alpha1{{ end -}}
{{- end -}}
