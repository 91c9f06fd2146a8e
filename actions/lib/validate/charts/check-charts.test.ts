import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChartApplication } from '../../../test-support/chart-fixtures.ts';
import { appChart, chartApplication, operatorCharts, writeTree } from '../../../test-support/chart-fixtures.ts';
import type { ChartRepository } from '../../../test-support/chart-repository.ts';
import { startChartRepository, startSilentServer } from '../../../test-support/chart-repository.ts';
import type { Finding } from '../finding.ts';
import { validateFolder } from '../validate-folder.ts';

let repository: ChartRepository;
const roots: string[] = [];

beforeAll(async () => {
  repository = await startChartRepository([...operatorCharts, appChart]);
}, 60_000);
afterAll(() => repository.stop());
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const operator = (overrides: Partial<ChartApplication> = {}) =>
  chartApplication({
    name: 'operator',
    wave: -5,
    repoURL: repository.url,
    chart: 'operator',
    version: '1.1.0',
    namespace: 'operators',
    ...overrides,
  });
const app = (overrides: Partial<ChartApplication> = {}) =>
  chartApplication({
    name: 'app',
    wave: 0,
    repoURL: repository.url,
    chart: 'app',
    version: '0.1.0',
    namespace: 'apps',
    valueFiles: ['$values/gitops/apps/app/values.yaml'],
    ...overrides,
  });
const appValues = (text = 'widget:\n  enabled: true\n') => ({ 'apps/app/values.yaml': text });

async function validate(
  applications: Record<string, string>,
  extraFiles: Record<string, string> = appValues(),
  chartTimeoutMs = 30_000,
): Promise<Finding[]> {
  const root = writeTree(applications, extraFiles);
  roots.push(root);
  return validateFolder(join(root, 'gitops'), { charts: true, chartTimeoutMs });
}

const where = (findings: Finding[]) => findings.map(({ file, field, rule }) => `${file} ${field} [${rule}]`);
const appFile = 'gitops/environments/dev/platform/app.yaml';

describe('validate --charts against a chart repository served on loopback', () => {
  it('finds nothing wrong with a correct tree, and pulls each chart version once per run', async () => {
    const findings = await validate({ operator: operator(), app: app(), 'app-copy': app({ name: 'app-copy', namespace: 'tools' }) });
    expect(findings.map((finding) => `${finding.file} ${finding.field}: ${finding.message}`)).toEqual([]);
    expect(repository.requests.get('/app-0.1.0.tgz')).toBe(1);
  }, 60_000);

  it('names the Application, its file and the nearest published versions when the pinned version does not exist', async () => {
    const findings = await validate({ operator: operator({ version: '1.1.5' }), app: app() });
    expect(where(findings)).toEqual(['gitops/environments/dev/platform/operator.yaml spec.source.targetRevision [chart-version]']);
    expect(findings[0]?.message).toBe(
      `Application operator: chart operator version 1.1.5 is not published in ${repository.url}; nearest published: 1.1.0, 1.2.0`,
    );
  }, 60_000);

  it('reports values keys the chart does not define, where they are written, and accepts free-form maps', async () => {
    const findings = await validate(
      {
        operator: operator(),
        app: app({ helm: { valuesObject: { persistence: { storageclass: 'gp3' } }, parameters: [{ name: 'widget.sise', value: '2' }] } }),
      },
      appValues(
        'widget:\n  enabled: true\nreplicaz: 2\npodAnnotations:\n  example.com/anything: "yes"\nresources:\n  limits: {cpu: 200m, memory: 64Mi, ephemeral-storage: 1Gi}\n',
      ),
    );
    expect(where(findings)).toEqual([
      'gitops/apps/app/values.yaml replicaz [unknown-value]',
      `${appFile} spec.sources[0].helm.parameters[0].name [unknown-value]`,
      `${appFile} spec.sources[0].helm.valuesObject.persistence.storageclass [unknown-value]`,
    ]);
    expect(findings[0]?.message).toBe(
      `values key replicaz given to chart app 0.1.0 by Application app (${appFile}) is not defined in the chart's values.yaml: Helm ignores it`,
    );
  }, 60_000);

  it('holds rendered pods to the Pod Security level their namespace enforces', async () => {
    const rootApp = (name: string, namespace: string) =>
      app({ name, namespace, valueFiles: [], helm: { valuesObject: { hardened: false } } });
    const findings = await validate(
      { operator: operator(), 'app-restricted': rootApp('app-restricted', 'apps'), 'app-privileged': rootApp('app-privileged', 'tools') },
      {},
    );
    expect(where(findings)).toEqual([
      'gitops/environments/dev/platform/app-restricted.yaml rendered Deployment/app-restricted spec.template.spec.securityContext.runAsNonRoot [pod-security]',
      'gitops/environments/dev/platform/app-restricted.yaml rendered Deployment/app-restricted spec.template.spec.securityContext.runAsUser [pod-security]',
      'gitops/environments/dev/platform/app-restricted.yaml rendered Deployment/app-restricted spec.template.spec.securityContext.seccompProfile.type [pod-security]',
    ]);
  }, 60_000);

  it('reports a custom resource synced no later than the Application installing its CRD, unless it skips the dry run', async () => {
    const sameWave = await validate({ operator: operator(), app: app({ wave: -5 }) });
    expect(where(sameWave)).toEqual([`${appFile} rendered Widget/app metadata [crd-order]`]);
    expect(sameWave[0]?.message).toContain(
      'Application app (gitops/environments/dev/platform/app.yaml, wave -5) no later than Application operator (gitops/environments/dev/platform/operator.yaml, wave -5)',
    );
    expect(await validate({ operator: operator(), app: app({ wave: -5, syncOptions: ['SkipDryRunOnMissingResource=true'] }) })).toEqual([]);
  }, 60_000);

  it('checks custom resources against the CRD the tree installs', async () => {
    const findings = await validate({ operator: operator(), app: app() }, appValues('widget:\n  enabled: true\n  spec: {size: big}\n'));
    expect(where(findings)).toEqual([`${appFile} rendered Widget/app spec.size [schema]`]);
    expect(findings[0]?.message).toBe('must be integer');
  }, 60_000);

  it('reports a claim without a storage class while the tree declares no default StorageClass', async () => {
    const claim = appValues('persistence:\n  enabled: true\n');
    expect(where(await validate({ operator: operator(), app: app() }, claim))).toEqual([
      `${appFile} rendered PersistentVolumeClaim/app-data spec.storageClassName [storage-class]`,
    ]);
    const defaultClass =
      'apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: gp3\n  annotations:\n    storageclass.kubernetes.io/is-default-class: "true"\nprovisioner: ebs.csi.aws.com\n';
    expect(await validate({ operator: operator(), app: app() }, { ...claim, 'apps/namespaces/storage-class.yaml': defaultClass })).toEqual(
      [],
    );
  }, 60_000);
});

describe('validate --charts on bad input: a clear finding, never a crash', () => {
  it('an unreachable repository', async () => {
    const findings = await validate({ operator: operator({ repoURL: 'http://127.0.0.1:9' }), app: app() });
    expect(where(findings)).toEqual(['gitops/environments/dev/platform/operator.yaml spec.source.repoURL [chart-repository]']);
    expect(findings[0]?.message).toMatch(
      /^Application operator: cannot read the repository of chart operator 1\.1\.0 from http:\/\/127\.0\.0\.1:9: .*cannot be reached/,
    );
  }, 60_000);

  it('a repository that never answers (timeout)', async () => {
    const silent = await startSilentServer();
    try {
      const findings = await validate({ operator: operator({ repoURL: silent.url }), app: app() }, appValues(), 1_500);
      expect(where(findings)).toEqual(['gitops/environments/dev/platform/operator.yaml spec.source.repoURL [chart-repository]']);
      expect(findings[0]?.message).toContain('did not finish within 1.5 s');
    } finally {
      await silent.stop();
    }
  }, 60_000);

  it('a chart that fails to render', async () => {
    const findings = await validate({ operator: operator(), app: app() }, appValues('fail: true\n'));
    expect(where(findings)).toEqual([`${appFile} spec.sources[0].helm [render]`]);
    expect(findings[0]?.message).toContain('the chart refuses these values');
  }, 60_000);

  it('values files outside the tree, and one the chart does not ship', async () => {
    const outside = await validate(
      { operator: operator(), app: app({ valueFiles: ['$values/../elsewhere/values.yaml', 'https://example.test/values.yaml'] }) },
      {},
    );
    expect(where(outside)).toEqual([
      `${appFile} spec.sources[0].helm.valueFiles[0] [values-file]`,
      `${appFile} spec.sources[0].helm.valueFiles[1] [values-file]`,
    ]);
    expect(outside.map((finding) => finding.message)).toEqual([
      'values file $values/../elsewhere/values.yaml is outside the tree (the path leaves the repository): nobody can review or check what it sets',
      'values file https://example.test/values.yaml is outside the tree (fetched from a URL): nobody can review or check what it sets',
    ]);
    const inChart = await validate({ operator: operator(), app: app({ valueFiles: ['values-small.yaml', 'values-large.yaml'] }) }, {});
    expect(where(inChart)).toEqual([`${appFile} spec.sources[0].helm.valueFiles[1] [values-file]`]);
    expect(inChart[0]?.message).toBe('Application app: values file values-large.yaml is not in chart app 0.1.0');
  }, 60_000);
});
