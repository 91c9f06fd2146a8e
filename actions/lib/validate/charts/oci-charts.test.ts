import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appChart, chartApplication, operatorCharts, writeTree } from '../../../test-support/chart-fixtures.ts';
import { pushCharts } from '../../../test-support/chart-repository.ts';
import type { LocalRegistry } from '../../../test-support/local-registry.ts';
import { startLocalRegistry } from '../../../test-support/local-registry.ts';
import type { Finding } from '../finding.ts';
import { validateFolder } from '../validate-folder.ts';

let registry: LocalRegistry;
const roots: string[] = [];

beforeAll(async () => {
  registry = await startLocalRegistry();
  await pushCharts(registry.host, 'charts', [...operatorCharts, appChart]);
}, 120_000);
afterAll(() => registry.stop());
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

async function validate(applications: Record<string, string>): Promise<Finding[]> {
  const root = writeTree(applications, { 'apps/app/values.yaml': 'widget:\n  enabled: true\n' });
  roots.push(root);
  return validateFolder(join(root, 'gitops'), { charts: true, chartTimeoutMs: 30_000 });
}

// The two OCI forms of Argo CD v3.3.8 (docs/user-guide/helm.md, docs/user-guide/oci.md): a Helm
// repository in a registry (repoURL without scheme + chart), and an oci:// source (path: .).
const operator = (version: string, name = 'operator') =>
  chartApplication({ name: 'operator', wave: -5, repoURL: `oci://${registry.host}/charts/${name}`, version, namespace: 'operators' });
const app = (helm?: Record<string, unknown>) =>
  chartApplication({
    name: 'app',
    wave: 0,
    repoURL: `${registry.host}/charts`,
    chart: 'app',
    version: '0.1.0',
    namespace: 'apps',
    valueFiles: ['$values/gitops/apps/app/values.yaml'],
    ...(helm ? { helm } : {}),
  });

describe('validate --charts against an OCI registry (docker-registry on loopback, charts pushed with helm push)', () => {
  it('pulls and checks charts in both OCI forms: a correct tree has no findings, a pod running as root does', async () => {
    expect(await validate({ operator: operator('1.1.0'), app: app() })).toEqual([]);
    const root = await validate({ operator: operator('1.1.0'), app: app({ valuesObject: { hardened: false } }) });
    expect(new Set(root.map(({ field, rule }) => `${field.split(' ')[0]} ${field.split(' ')[1]} [${rule}]`))).toEqual(
      new Set(['rendered Deployment/app [pod-security]']),
    );
  }, 60_000);

  it('names the nearest tags when the pinned version is not in the registry', async () => {
    const findings = await validate({ operator: operator('1.1.5'), app: app() });
    expect(findings.map(({ file, field, rule }) => `${file} ${field} [${rule}]`)).toEqual([
      'gitops/environments/dev/platform/operator.yaml spec.source.targetRevision [chart-version]',
    ]);
    expect(findings[0]?.message).toBe(
      `Application operator: chart operator version 1.1.5 is not published in oci://${registry.host}/charts/operator; nearest published: 1.1.0, 1.2.0`,
    );
  }, 60_000);

  it('reports a chart the registry does not hold', async () => {
    const findings = await validate({ operator: operator('1.1.0', 'operater'), app: app() });
    expect(findings.map(({ field, rule }) => `${field} [${rule}]`)).toEqual(['spec.source.targetRevision [chart-version]']);
    expect(findings[0]?.message).toBe(`Application operator: oci://${registry.host}/charts/operater publishes no chart named operater`);
  }, 60_000);
});
