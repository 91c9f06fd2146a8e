{{- /*
One ImageValidatingPolicy of Kyverno v1.19.0 (CRD policies.kyverno.io, version v1, as chart 3.9.0
installs it), in the shape of Kyverno's own conformance test for a GitHub Actions keyless SLSA
attestation (kyverno/kyverno v1.19.0, test/conformance/chainsaw/image-validating-policies/standard/
cosign-attestation-extract-cache-hit/policy.yaml). Kyverno reads the attestation from the registry
as a Sigstore bundle (OCI referrer) when there is one (pkg/image/verifiers/ivpol/cosign/verifier.go).
Only the images matchImageReferences selects are verified, and none is rewritten (mutateDigest:
false), so the other pods of a namespace, such as the database's, are left as they are.

Both policies of this chart (the release's and the previews') are this one body; they differ in
their name, the namespaces they select, the one identity their attestor accepts and the message.
Arguments (a dict): root (the chart's context), name, namespaceSelector (a LabelSelector or nil),
attestor (the attestor's name, read by the validation as attestors.<name>), identity (one keyless
identity: issuer and subject or subjectRegExp), signer (who must have signed, for the message).

namespaceSelector is matched by Kyverno's engine against the labels of the Pod's namespace
(pkg/cel/policies/ivpol/engine/engine.go, Match, and pkg/cel/matching/matcher.go, v1.19.0).
*/ -}}
{{- define "admission-policy.imageValidatingPolicy" -}}
{{- $enforce := eq .root.Values.mode "enforce" -}}
apiVersion: policies.kyverno.io/v1
kind: ImageValidatingPolicy
metadata:
  name: {{ .name }}
spec:
  validationActions: {{ if $enforce }}[Deny]{{ else }}[Audit, Warn]{{ end }}
  failurePolicy: {{ if $enforce }}Fail{{ else }}Ignore{{ end }}
  webhookConfiguration:
    timeoutSeconds: 15
  matchConstraints:
    {{- with .namespaceSelector }}
    namespaceSelector:
      {{- toYaml . | nindent 6 }}
    {{- end }}
    resourceRules:
      - apiGroups: [""]
        apiVersions: ["v1"]
        operations: ["CREATE", "UPDATE"]
        resources: ["pods"]
  matchImageReferences:
  {{- range .root.Values.images }}
    - glob: {{ . | quote }}
  {{- end }}
  validationConfigurations:
    mutateDigest: false
    verifyDigest: true
    required: true
  attestors:
    - name: {{ .attestor }}
      cosign:
        keyless:
          identities:
            {{- toYaml (list .identity) | nindent 12 }}
        ctlog:
          url: https://rekor.sigstore.dev
  attestations:
    - name: provenance
      intoto:
        type: https://slsa.dev/provenance/v1
  validations:
    - expression: >-
        images.containers.map(image, verifyAttestationSignatures(image, attestations.provenance, [attestors.{{ .attestor }}])).all(e, e > 0)
      message: >-
        no SLSA build provenance attestation signed by {{ .signer }}
{{- end -}}

{{- /*
The label that marks a preview namespace: the preview namespace chart (apps/preview/namespace,
templates/namespace.yaml) sets it on preview-pr-<number>, and nothing else in this tree does
(test/admission/ checks both). A label alone could be set by anyone allowed to create or label
namespaces: in the cluster that is Argo CD, within what its projects allow — the previews AppProject
creates only Namespaces named preview-pr-* (environments/dev/projects.yaml), the platform project
only the Namespaces of apps/platform/namespaces/, reviewed on main — and cluster administrators.
The workflows' AWS roles (infra-repo/modules/github-oidc) cannot: their Kubernetes groups are bound
only to the Roles of apps/platform/namespaces/deploy-access.yaml (Applications in argocd, a proxy).
*/ -}}
{{- define "admission-policy.previewNamespaceLabel" -}}slipway.dev/preview{{- end -}}
