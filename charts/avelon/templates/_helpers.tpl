{{/* Names, labels and shared pieces of every template. */}}

{{- define "avelon.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The release's base name: the release name alone when it already says avelon. */}}
{{- define "avelon.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one component's objects: dict "ctx" $ "component" "api" */}}
{{- define "avelon.componentName" -}}
{{- printf "%s-%s" (include "avelon.fullname" .ctx) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "avelon.selectorLabels" -}}
app.kubernetes.io/name: {{ include "avelon.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "avelon.labels" -}}
{{ include "avelon.selectorLabels" . }}
app.kubernetes.io/part-of: avelon
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Labels of objects that belong to the whole release rather than one component. */}}
{{- define "avelon.releaseLabels" -}}
app.kubernetes.io/name: {{ include "avelon.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: avelon
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* image: dict "ctx" $ "image" .Values.x.image -> repository:tag (tag defaults to appVersion). */}}
{{- define "avelon.image" -}}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) -}}
{{- end -}}

{{- define "avelon.pullPolicy" -}}
{{- default .ctx.Values.global.imagePullPolicy .image.pullPolicy -}}
{{- end -}}

{{/* Pod-level settings every pod shares: no service links (a Service named pgbouncer would inject
PGBOUNCER_PORT=tcp://... into the pgbouncer image's own setting), non-root, RuntimeDefault seccomp. */}}
{{- define "avelon.podSecurity" -}}
enableServiceLinks: false
automountServiceAccountToken: {{ .token | default false }}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .uid }}
  runAsGroup: {{ .uid }}
  fsGroup: {{ .uid }}
  seccompProfile: { type: RuntimeDefault }
{{- with .ctx.Values.global.imagePullSecrets }}
imagePullSecrets: {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "avelon.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  runAsNonRoot: true
  capabilities: { drop: [ALL] }
  seccompProfile: { type: RuntimeDefault }
{{- end -}}

{{- define "avelon.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations: {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity: {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "avelon.storageClass" -}}
{{- $sc := default .ctx.Values.global.storageClass .persistence.storageClass -}}
{{- if $sc }}
storageClassName: {{ $sc | quote }}
{{- end }}
{{- end -}}

{{/* Secrets and Services by role. */}}
{{- define "avelon.secretName" -}}{{ include "avelon.fullname" . }}{{- end -}}
{{- define "avelon.postgresql.rw" -}}{{ include "avelon.componentName" (dict "ctx" . "component" "postgresql") }}{{- end -}}
{{- define "avelon.postgresql.ro" -}}{{ include "avelon.componentName" (dict "ctx" . "component" "postgresql-ro") }}{{- end -}}
{{- define "avelon.postgresql.replicaName" -}}{{ include "avelon.componentName" (dict "ctx" . "component" "postgresql-replica") }}{{- end -}}

{{- define "avelon.databaseSecret" -}}
{{- if and (not .Values.postgresql.enabled) .Values.externalDatabase.existingSecret -}}
{{ .Values.externalDatabase.existingSecret }}
{{- else -}}
{{ include "avelon.secretName" . }}
{{- end -}}
{{- end -}}

{{- define "avelon.redisSecret" -}}
{{- if .which.enabled -}}
{{ include "avelon.secretName" .ctx }}
{{- else if .ctx.Values.externalRedis.existingSecret -}}
{{ .ctx.Values.externalRedis.existingSecret }}
{{- else -}}
{{ include "avelon.secretName" .ctx }}
{{- end -}}
{{- end -}}

{{/* The environment that locates the databases and queues (all from Secrets). */}}
{{- define "avelon.databaseEnv" -}}
- name: DATABASE_URL
  valueFrom: { secretKeyRef: { name: {{ include "avelon.databaseSecret" . }}, key: database-url } }
- name: DATABASE_REPLICA_URLS
  valueFrom: { secretKeyRef: { name: {{ include "avelon.databaseSecret" . }}, key: replica-urls } }
- name: DATABASE_MIGRATION_URL
  valueFrom: { secretKeyRef: { name: {{ include "avelon.databaseSecret" . }}, key: migration-url } }
{{- end -}}

{{- define "avelon.redisEnv" -}}
- name: REDIS_CACHE_URL
  valueFrom: { secretKeyRef: { name: {{ include "avelon.redisSecret" (dict "ctx" . "which" .Values.redisCache) }}, key: redis-cache-url } }
- name: REDIS_QUEUE_URL
  valueFrom: { secretKeyRef: { name: {{ include "avelon.redisSecret" (dict "ctx" . "which" .Values.redisQueue) }}, key: redis-queue-url } }
{{- end -}}

{{/* Extra env from a values map, sorted so renders are stable. */}}
{{- define "avelon.extraEnv" -}}
{{- range $k, $v := . }}
- name: {{ $k }}
  value: {{ $v | toString | quote }}
{{- end }}
{{- end -}}

{{/* What the generated Secret's contents depend on besides the stored passwords: pods roll when it
changes (the passwords themselves are stable across upgrades). */}}
{{- define "avelon.secretShape" -}}
{{- dict "pg" .Values.postgresql "ext" .Values.externalDatabase "extRedis" .Values.externalRedis "pgb" .Values.pgbouncer.enabled "rc" .Values.redisCache.enabled "rq" .Values.redisQueue.enabled "secrets" .Values.secrets | toJson | sha256sum -}}
{{- end -}}

{{- define "avelon.workerHpaName" -}}
{{- include "avelon.componentName" (dict "ctx" .ctx "component" (printf "worker-%s" .queue)) -}}
{{- end -}}
