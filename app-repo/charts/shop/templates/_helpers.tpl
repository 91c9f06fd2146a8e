{{/*
The selected service's settings: `defaults` overridden by `services.<service>`, as YAML.
Booleans are copied by hasKey because Sprig's merge treats `false` as "unset".
*/}}
{{- define "shop.settings" -}}
{{- $name := required "values: set `service` to one of the keys of `services` (frontend, product, cart, order)" .Values.service -}}
{{- $svc := index .Values.services $name | default dict -}}
{{- if not (hasKey .Values.services $name) -}}
{{- fail (printf "values: service %q has no block under `services`; add services.%s or pick one of %s" $name $name (keys .Values.services | sortAlpha | join ", ")) -}}
{{- end -}}
{{- $cfg := mergeOverwrite (deepCopy .Values.defaults) (deepCopy $svc) -}}
{{- range $flag := list "database" "metrics" -}}
{{- if hasKey $svc $flag -}}{{- $_ := set $cfg $flag (index $svc $flag) -}}{{- end -}}
{{- end -}}
{{- if not $cfg.port -}}{{- fail (printf "values: services.%s.port is not set" $name) -}}{{- end -}}
{{- toYaml $cfg -}}
{{- end -}}

{{/* Name of every object of this release: the service's name. */}}
{{- define "shop.name" -}}
{{- .Values.service | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels that select the service's pods. */}}
{{- define "shop.selectorLabels" -}}
app.kubernetes.io/name: {{ include "shop.name" . }}
app.kubernetes.io/part-of: shop
{{- end -}}

{{/* Labels of every object. */}}
{{- define "shop.labels" -}}
{{ include "shop.selectorLabels" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
slipway.dev/environment: {{ .Values.environment | quote }}
{{- end -}}

{{/* repository:tag, or repository:tag@digest when the digest is set. */}}
{{- define "shop.image" -}}
{{- $repo := required "values: image.repository is required" .Values.image.repository -}}
{{- $tag := required "values: image.tag is required" (.Values.image.tag | default "" | toString) -}}
{{- if .Values.image.digest -}}
{{- if not (regexMatch "^sha256:[a-f0-9]{64}$" .Values.image.digest) -}}
{{- fail (printf "values: image.digest %q is not sha256:<64 hex digits>" .Values.image.digest) -}}
{{- end -}}
{{- printf "%s:%s@%s" $repo $tag .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}
{{- end -}}

{{/* The Pod Security Standard "restricted" container securityContext. */}}
{{- define "shop.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
runAsUser: {{ .runAsUser }}
runAsGroup: {{ .runAsUser }}
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/* The restricted pod securityContext. */}}
{{- define "shop.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .runAsUser }}
runAsGroup: {{ .runAsUser }}
fsGroup: {{ .runAsUser }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}
