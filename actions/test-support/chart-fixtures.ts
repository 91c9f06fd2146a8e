/**
 * Test support for `validate --charts`: two small charts and a GitOps tree laid out as
 * gitops-repo is (a root Application in bootstrap/, a project, a platform group Application,
 * one Application per add-on, namespaces with their Pod Security level, values under apps/).
 * - `operator` (1.0.0, 1.1.0, 1.2.0) ships the CRD of `Widget` (example.com/v1) in crds/ and
 *   a compliant Deployment;
 * - `app` (0.1.0) renders a Deployment (`hardened: false` runs it as root), a Widget
 *   (`widget.enabled`), a claim (`persistence.enabled`, class from `persistence.storageClass`),
 *   and fails to render with `fail: true`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { ChartSpec } from './chart-repository.ts';

const deployment = (securityContext: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  {{- with .Values.podAnnotations }}
  annotations: {{ toYaml . | nindent 4 }}
  {{- end }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Release.Name }}}
    spec:
      securityContext:
${securityContext}
      containers:
        - name: main
          image: registry.example/main:1.0.0
          resources: {{ toYaml .Values.resources | nindent 12 }}
          livenessProbe: {httpGet: {path: /health, port: 8080}}
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
          securityContext:
            allowPrivilegeEscalation: false
            capabilities: {drop: [ALL]}
`;

const hardened = '        runAsNonRoot: true\n        seccompProfile: {type: RuntimeDefault}';

const widgetCrd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
`;

const resources = { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '64Mi' } };

export const operatorCharts: ChartSpec[] = ['1.0.0', '1.1.0', '1.2.0'].map((version) => ({
  name: 'operator',
  version,
  values: { replicas: 1, podAnnotations: {}, resources },
  files: { 'crds/widgets.yaml': widgetCrd, 'templates/deployment.yaml': deployment(hardened) },
}));

export const appChart: ChartSpec = {
  name: 'app',
  version: '0.1.0',
  values: {
    replicas: 1,
    hardened: true,
    podAnnotations: {},
    resources,
    widget: { enabled: false, spec: { size: 1 } },
    persistence: { enabled: false, storageClass: '' },
    fail: false,
  },
  files: {
    'templates/deployment.yaml': deployment(`{{- if .Values.hardened }}\n${hardened}\n{{- else }}\n        runAsUser: 0\n{{- end }}`),
    'templates/widget.yaml':
      '{{- if .Values.widget.enabled }}\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: {{ .Release.Name }}\nspec: {{ toYaml .Values.widget.spec | nindent 2 }}\n{{- end }}\n',
    'templates/pvc.yaml':
      '{{- if .Values.persistence.enabled }}\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {{ .Release.Name }}-data\nspec:\n  accessModes: [ReadWriteOnce]\n  {{- with .Values.persistence.storageClass }}\n  storageClassName: {{ . }}\n  {{- end }}\n  resources:\n    requests:\n      storage: 1Gi\n{{- end }}\n',
    'templates/fail.yaml': '{{- if .Values.fail }}{{ fail "the chart refuses these values" }}{{- end }}\n',
    'values-small.yaml': 'replicas: 1\n',
  },
};

export const gitRepository = 'https://example.test/slipway.git';

export interface ChartApplication {
  name: string;
  wave: number;
  repoURL: string;
  chart?: string;
  version: string;
  namespace: string;
  helm?: Record<string, unknown>;
  /** Values files of the tree: the Application gets a second source with `ref: values`. */
  valueFiles?: string[];
  syncOptions?: string[];
}

function application(name: string, wave: number, spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', annotations: { 'argocd.argoproj.io/sync-wave': String(wave) } },
    spec: { project: 'platform', ...spec },
  };
}

export function chartApplication(app: ChartApplication): string {
  const helm = { ...(app.helm ?? {}), ...(app.valueFiles ? { valueFiles: app.valueFiles } : {}) };
  const source = {
    repoURL: app.repoURL,
    ...(app.chart ? { chart: app.chart } : { path: '.' }),
    targetRevision: app.version,
    ...(Object.keys(helm).length > 0 ? { helm } : {}),
  };
  const sources = app.valueFiles ? { sources: [source, { repoURL: gitRepository, targetRevision: 'main', ref: 'values' }] } : { source };
  const syncPolicy = app.syncOptions ? { syncPolicy: { syncOptions: app.syncOptions } } : {};
  return stringify(
    application(app.name, app.wave, {
      ...sources,
      destination: { server: 'https://kubernetes.default.svc', namespace: app.namespace },
      ...syncPolicy,
    }),
  );
}

const folderApplication = (name: string, wave: number, path: string) =>
  stringify(
    application(name, wave, {
      source: { repoURL: gitRepository, targetRevision: 'main', path },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'argocd' },
    }),
  );

const namespace = (name: string, level: string) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels: { 'pod-security.kubernetes.io/enforce': level } },
});

/**
 * A tree in a new temp folder: `<root>/gitops` with the given platform Applications (file name →
 * YAML) and extra files (path under gitops/ → text). Namespaces apps and operators enforce
 * restricted, tools privileged.
 */
export function writeTree(applications: Record<string, string>, extraFiles: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'slipway-charts-tree-'));
  const project = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AppProject',
    metadata: { name: 'platform', namespace: 'argocd' },
    spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }], clusterResourceWhitelist: [{ group: '*', kind: '*' }] },
  };
  const files: Record<string, string> = {
    'environments/dev/bootstrap/root.yaml': folderApplication('dev-root', 0, 'gitops/environments/dev'),
    'environments/dev/projects.yaml': stringify(project),
    'environments/dev/platform.yaml': folderApplication('dev-platform', 0, 'gitops/environments/dev/platform'),
    'environments/dev/platform/namespaces.yaml': folderApplication('namespaces', -8, 'gitops/apps/namespaces'),
    'apps/namespaces/namespaces.yaml': [
      namespace('apps', 'restricted'),
      namespace('operators', 'restricted'),
      namespace('tools', 'privileged'),
    ]
      .map((doc) => stringify(doc))
      .join('---\n'),
    ...Object.fromEntries(Object.entries(applications).map(([name, text]) => [`environments/dev/platform/${name}.yaml`, text])),
    ...extraFiles,
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, 'gitops', path)), { recursive: true });
    writeFileSync(join(root, 'gitops', path), text);
  }
  return root;
}
