{{/* The preview's namespace: preview-pr-<number>. */}}
{{- define "preview.namespace" -}}
{{- $number := required "values: set pullRequest to the pull request's number" (.Values.pullRequest | toString) -}}
{{- printf "preview-pr-%s" $number -}}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "preview.labels" -}}
app.kubernetes.io/part-of: shop
app.kubernetes.io/managed-by: {{ .Release.Service }}
slipway.dev/environment: preview
slipway.dev/pull-request: {{ .Values.pullRequest | toString | quote }}
{{- end -}}
