import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Finding } from './finding.ts';
import { validateFolder } from './validate-folder.ts';

const repository = new URL('../../../', import.meta.url).pathname;
const copies: string[] = [];

/** A copy of gitops-repo and the shop chart, laid out as in the repository. */
function copyTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'slipway-validate-'));
  copies.push(root);
  cpSync(join(repository, 'gitops-repo'), join(root, 'gitops-repo'), { recursive: true });
  cpSync(join(repository, 'app-repo/charts'), join(root, 'app-repo/charts'), { recursive: true });
  return root;
}

function edit(root: string, file: string, from: string, to: string): void {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  expect(text, `${file} should contain ${JSON.stringify(from)}`).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

function where(findings: Finding[]) {
  return findings.map(({ file, document, field, rule }) => ({ file, document, field, rule }));
}

afterEach(() => {
  for (const root of copies.splice(0)) rmSync(root, { recursive: true, force: true });
});

const compliantDeployment = (securityExtra: string) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: debug
spec:
  selector:
    matchLabels: {app: debug}
  template:
    metadata:
      labels: {app: debug}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: debug
          image: registry.example/debug:1.0.0@sha256:${'b'.repeat(64)}
          resources:
            requests: {cpu: 10m, memory: 16Mi}
            limits: {cpu: 100m, memory: 32Mi}
          livenessProbe: {httpGet: {path: /health, port: 8080}}
          readinessProbe: {httpGet: {path: /ready, port: 8080}}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}${securityExtra}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: debug
spec:
  podSelector:
    matchLabels: {app: debug}
  policyTypes: [Ingress]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: debug
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: debug}
`;

const billionLaughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
  .concat('bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`))
  .join('\n');

describe('slipway validate on the repository and on broken copies of it', () => {
  it('finds nothing wrong with the repository as committed', async () => {
    const findings = await validateFolder(join(copyTree(), 'gitops-repo'));
    expect(findings).toEqual([]);
  });

  it.each<{ name: string; edit: [file: string, from: string, to: string]; where: ReturnType<typeof where>; message?: string }>([
    {
      name: 'names the Application whose path does not exist',
      edit: ['gitops-repo/environments/dev/services/product.yaml', 'path: app-repo/charts/shop', 'path: app-repo/charts/shopp'],
      where: [{ file: 'gitops-repo/environments/dev/services/product.yaml', document: 0, field: 'spec.source.path', rule: 'path' }],
      message: 'app-repo/charts/shopp does not exist',
    },
    {
      name: 'reports an unknown field, as strict field validation would',
      edit: ['gitops-repo/environments/dev/services/cart.yaml', '    namespace: shop\n', '    namespace: shop\n    cluster: in-cluster\n'],
      where: [
        { file: 'gitops-repo/environments/dev/services/cart.yaml', document: 0, field: 'spec.destination.cluster', rule: 'unknown-field' },
      ],
    },
    {
      name: 'refuses an image without a digest in the rendered chart',
      edit: ['gitops-repo/environments/dev/services/order.yaml', `digest: sha256:${'0'.repeat(64)}`, 'digest: ""'],
      where: [
        {
          file: 'gitops-repo/environments/dev/services/order.yaml',
          document: 0,
          field: 'rendered Deployment/order spec.template.spec.containers[0].image',
          rule: 'image',
        },
        {
          file: 'gitops-repo/environments/dev/services/order.yaml',
          document: 0,
          field: 'rendered Pod/order-test-ready spec.containers[0].image',
          rule: 'image',
        },
      ],
      message: 'not pinned by digest',
    },
    {
      name: 'reports a missing values file and the values file no Application reads any more',
      edit: ['gitops-repo/environments/dev/platform/loki.yaml', 'apps/platform/loki/values-dev.yaml', 'apps/platform/loki/values-qa.yaml'],
      where: [
        { file: 'gitops-repo/apps/platform/loki/values-dev.yaml', document: undefined, field: '', rule: 'coverage' },
        {
          file: 'gitops-repo/environments/dev/platform/loki.yaml',
          document: 0,
          field: 'spec.sources[0].helm.valueFiles[1]',
          rule: 'values-file',
        },
      ],
    },
    {
      name: 'reports a misspelled value in an Application valuesObject (the chart has a values schema)',
      edit: [
        'gitops-repo/environments/dev/services/frontend.yaml',
        '        ingress:\n          host:',
        '        ingress:\n          hostname:',
      ],
      where: [{ file: 'gitops-repo/environments/dev/services/frontend.yaml', document: 0, field: 'spec.source.helm', rule: 'render' }],
      message: 'Additional property hostname is not allowed',
    },
    {
      name: 'reports helm.values next to helm.valuesObject: Argo CD renders with valuesObject only',
      edit: [
        'gitops-repo/environments/dev/services/frontend.yaml',
        '      valuesObject:\n',
        '      values: |\n        replicas: 5\n      valuesObject:\n',
      ],
      where: [
        {
          file: 'gitops-repo/environments/dev/services/frontend.yaml',
          document: 0,
          field: 'spec.source.helm.values',
          rule: 'ignored-values',
        },
      ],
    },
    {
      name: 'reports an Application whose folder holds no manifests',
      edit: [
        'gitops-repo/environments/prod/services.yaml',
        'path: gitops-repo/environments/prod/services',
        'path: gitops-repo/apps/services',
      ],
      // The prod service Applications are no longer synced by anything either.
      where: [
        { file: 'gitops-repo/environments/prod/services.yaml', document: 0, field: 'spec.source.path', rule: 'empty-folder' },
        ...['cart', 'frontend', 'order', 'product'].map((service) => ({
          file: `gitops-repo/environments/prod/services/${service}.yaml`,
          document: undefined,
          field: '',
          rule: 'coverage',
        })),
      ],
    },
    {
      name: 'reports a third-party chart that is not pinned to one version',
      edit: ['gitops-repo/environments/prod/platform/external-dns.yaml', 'targetRevision: 1.21.1', 'targetRevision: 1.21.*'],
      where: [
        {
          file: 'gitops-repo/environments/prod/platform/external-dns.yaml',
          document: 0,
          field: 'spec.sources[0].targetRevision',
          rule: 'pinned-chart',
        },
      ],
    },
    {
      name: 'reports a chart the values of an Application cannot render',
      edit: ['gitops-repo/environments/prod/services/product.yaml', 'service: product', 'service: catalog'],
      where: [{ file: 'gitops-repo/environments/prod/services/product.yaml', document: 0, field: 'spec.source.helm', rule: 'render' }],
      message: 'service "catalog" has no block under `services`',
    },
    {
      name: 'checks the Application an ApplicationSet makes: a path of its template that does not exist',
      edit: ['gitops-repo/environments/dev/previews.yaml', 'path: app-repo/charts/shop', 'path: app-repo/charts/shopp'],
      where: [
        { file: 'gitops-repo/environments/dev/previews.yaml', document: 0, field: 'spec.template.spec.sources[2].path', rule: 'path' },
      ],
      message: 'rendered with the sample pullRequest parameters',
    },
    {
      name: 'holds an ApplicationSet’s images to a digest or a full commit in the tag',
      edit: ['gitops-repo/environments/dev/previews.yaml', 'tag: "pr-{{ .number }}-{{ .head_sha }}"', 'tag: "pr-{{ .number }}"'],
      where: [
        {
          file: 'gitops-repo/environments/dev/previews.yaml',
          document: 0,
          field: 'rendered Deployment/frontend spec.template.spec.containers[0].image',
          rule: 'image',
        },
        {
          file: 'gitops-repo/environments/dev/previews.yaml',
          document: 0,
          field: 'rendered Pod/frontend-test-ready spec.containers[0].image',
          rule: 'image',
        },
      ],
      message: 'frontend:pr-1234 is not pinned by digest',
    },
    {
      name: 'reports a template parameter the pull-request generator does not give',
      edit: ['gitops-repo/environments/dev/previews.yaml', 'name: "preview-pr-{{ .number }}"', 'name: "preview-pr-{{ .pr_number }}"'],
      // Nothing renders, so the preview's chart and values are no longer used either.
      where: [
        { file: 'gitops-repo/apps/preview/namespace/Chart.yaml', document: undefined, field: '', rule: 'coverage' },
        { file: 'gitops-repo/apps/preview/shop-values.yaml', document: undefined, field: '', rule: 'coverage' },
        { file: 'gitops-repo/environments/dev/previews.yaml', document: 0, field: 'spec.template', rule: 'application-set' },
      ],
    },
  ])('$name', async ({ edit: [file, from, to], where: expected, message }) => {
    const root = copyTree();
    edit(root, file, from, to);
    const findings = await validateFolder(join(root, 'gitops-repo'));
    expect(where(findings)).toEqual(expected);
    expect(findings[0]?.message).toContain(message ?? '');
  });

  it('reports unknown fields deep in a Deployment pod template and in an Application', async () => {
    const root = copyTree();
    const deployment = compliantDeployment('').replace(
      'readinessProbe: {httpGet: {path: /ready, port: 8080}}',
      'readinessProbe: {httpGet: {path: /ready, port: 8080, sheme: HTTPS}}',
    );
    writeFileSync(join(root, 'gitops-repo/apps/platform/observability/debug.yaml'), deployment);
    // A misspelled selfHeal would silently turn drift correction off in prod.
    edit(root, 'gitops-repo/environments/prod/services/order.yaml', '      selfHeal: true\n', '      selfHael: true\n');
    const findings = await validateFolder(join(root, 'gitops-repo'));
    expect(where(findings)).toEqual([
      {
        file: 'gitops-repo/apps/platform/observability/debug.yaml',
        document: 0,
        field: 'spec.template.spec.containers[0].readinessProbe.httpGet.sheme',
        rule: 'unknown-field',
      },
      {
        file: 'gitops-repo/environments/prod/services/order.yaml',
        document: 0,
        field: 'spec.syncPolicy.automated.selfHael',
        rule: 'unknown-field',
      },
    ]);
  });

  it('reports a field of the wrong type', async () => {
    const root = copyTree();
    edit(root, 'gitops-repo/apps/platform/namespaces/default-deny.yaml', 'policyTypes: [Ingress, Egress]', 'policyTypes: Ingress');
    const findings = await validateFolder(join(root, 'gitops-repo'));
    expect(where(findings)).toEqual([
      { file: 'gitops-repo/apps/platform/namespaces/default-deny.yaml', document: 0, field: 'spec.policyTypes', rule: 'schema' },
    ]);
    expect(findings[0]?.message).toBe('must be array');
  });

  it('refuses a privileged container (and nothing else in an otherwise compliant workload)', async () => {
    const root = copyTree();
    writeFileSync(join(root, 'gitops-repo/apps/platform/observability/debug.yaml'), compliantDeployment('\n            privileged: true'));
    const findings = await validateFolder(join(root, 'gitops-repo'));
    expect(where(findings)).toEqual([
      {
        file: 'gitops-repo/apps/platform/observability/debug.yaml',
        document: 0,
        field: 'spec.template.spec.containers[0].securityContext.privileged',
        rule: 'pod-security',
      },
    ]);
  });

  it('accepts the same workload without privileged: true', async () => {
    const root = copyTree();
    writeFileSync(join(root, 'gitops-repo/apps/platform/observability/debug.yaml'), compliantDeployment(''));
    expect(await validateFolder(join(root, 'gitops-repo'))).toEqual([]);
  });

  it('refuses an Application outside its project (destination and source)', async () => {
    const root = copyTree();
    edit(root, 'gitops-repo/environments/prod/services/frontend.yaml', '    namespace: shop\n', '    namespace: monitoring\n');
    edit(
      root,
      'gitops-repo/environments/prod/services/cart.yaml',
      'repoURL: https://github.com/slipway-dev/slipway.git',
      'repoURL: https://github.com/someone-else/fork.git',
    );
    const findings = await validateFolder(join(root, 'gitops-repo'));
    expect(where(findings)).toEqual([
      { file: 'gitops-repo/environments/prod/services/cart.yaml', document: 0, field: 'spec.source.repoURL', rule: 'project' },
      { file: 'gitops-repo/environments/prod/services/frontend.yaml', document: 0, field: 'spec.destination', rule: 'project' },
    ]);
  });

  it('reports broken YAML with its line', async () => {
    const root = copyTree();
    writeFileSync(join(root, 'gitops-repo/apps/platform/observability/broken.yaml'), 'apiVersion: v1\nkind: ConfigMap\ndata: [unclosed\n');
    const findings = await validateFolder(join(root, 'gitops-repo'));
    expect(findings.length).toBeGreaterThan(0);
    expect(
      where(findings).every(
        (f) => f.file === 'gitops-repo/apps/platform/observability/broken.yaml' && f.rule === 'yaml' && f.document === 0,
      ),
    ).toBe(true);
    expect(findings[0]?.message).toMatch(/^line \d+, column \d+: /);
  });

  it('reports a YAML bomb instead of expanding it', async () => {
    const root = copyTree();
    writeFileSync(join(root, 'gitops-repo/apps/platform/observability/bomb.yaml'), `${billionLaughs}\n`);
    const findings = await validateFolder(join(root, 'gitops-repo'));
    expect(where(findings)).toEqual([
      { file: 'gitops-repo/apps/platform/observability/bomb.yaml', document: 0, field: '', rule: 'yaml-aliases' },
    ]);
  });

  it('reports a Secret committed in plain text', async () => {
    const root = copyTree();
    writeFileSync(
      join(root, 'gitops-repo/apps/platform/observability/grafana-admin.yaml'),
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: grafana-admin\nstringData:\n  admin-user: admin\n  admin-password: hunter2\n',
    );
    const findings = await validateFolder(join(root, 'gitops-repo'));
    expect(where(findings)).toEqual([
      { file: 'gitops-repo/apps/platform/observability/grafana-admin.yaml', document: 0, field: 'stringData', rule: 'plaintext-secret' },
    ]);
  });

  it('reports what helm lint --strict finds in the values an Application gives the chart', async () => {
    const root = copyTree();
    const file = 'gitops-repo/environments/dev/services/cart.yaml';
    edit(root, file, '        service: cart\n', '        service: Cart\n');
    edit(root, file, '        services:\n', '        services:\n          Cart: {port: 3002, testCommand: ["node", "-e", "0"]}\n');
    const findings = await validateFolder(join(root, 'gitops-repo'));
    expect(findings.length).toBeGreaterThan(0);
    expect(new Set(findings.map((f) => `${f.file} ${f.field} ${f.rule}`))).toEqual(
      new Set(['gitops-repo/environments/dev/services/cart.yaml spec.source.helm helm-lint']),
    );
    expect(findings[0]?.message).toContain('does not conform to Kubernetes naming requirements');
  });

  it('reports a manifest no Application syncs (but not fixtures under test/)', async () => {
    const root = copyTree();
    writeFileSync(join(root, 'gitops-repo/stray.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n');
    mkdirSync(join(root, 'gitops-repo/test/fixtures'), { recursive: true });
    writeFileSync(join(root, 'gitops-repo/test/fixtures/input.yaml'), 'tests: []\n');
    const findings = await validateFolder(join(root, 'gitops-repo'));
    expect(where(findings)).toEqual([{ file: 'gitops-repo/stray.yaml', document: undefined, field: '', rule: 'coverage' }]);
  });

  it('renders a chart kept inside the tree instead of parsing its templates, and reports one no Application renders', async () => {
    const root = copyTree();
    const chart = join(root, 'gitops-repo/apps/platform/orphan');
    mkdirSync(join(chart, 'templates'), { recursive: true });
    writeFileSync(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: orphan\nversion: 0.1.0\n');
    writeFileSync(join(chart, 'values.yaml'), 'name: orphan\n');
    writeFileSync(join(chart, 'templates/config.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n');
    const findings = await validateFolder(join(root, 'gitops-repo'));
    expect(where(findings)).toEqual([
      { file: 'gitops-repo/apps/platform/orphan/Chart.yaml', document: undefined, field: '', rule: 'coverage' },
    ]);
    expect(findings[0]?.message).toContain('no Application renders this chart');
  });
});
