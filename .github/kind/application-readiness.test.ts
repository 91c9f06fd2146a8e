import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { applicationStates, declaredApplications, readiness } from './application-readiness.ts';
import { applyKindOverlay, parseKindOverlay } from './kind-overlay.ts';
import { filesUnder } from './tree-files.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const overlay = parseKindOverlay(readFileSync(fileURLToPath(new URL('./overlay.yaml', import.meta.url)), 'utf8'), 'overlay.yaml');
const digest = (seed: string) => `sha256:${seed.repeat(64)}`;
const images = Object.fromEntries(
  ['frontend', 'product', 'cart', 'order'].map((service, i) => [
    service,
    `kind-registry:5000/slipway/${service}:e2e-1@${digest(String(i + 1))}`,
  ]),
);
const prepared = applyKindOverlay(filesUnder(join(root, 'gitops-repo')), overlay, { repoUrl: 'git://172.18.0.1/slipway.git', images });
// A stand-in for `kubectl get applications -n argocd -o json` mid-sync: the documented ApplicationList
// shape, observability not created yet, loki still Progressing, cart and its group OutOfSync.
const fixture = fileURLToPath(new URL('./fixtures/applications.json', import.meta.url));
const sample = readFileSync(fixture, 'utf8');

function allReady(names: string[]): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: names.map((name) => ({ metadata: { name }, status: { sync: { status: 'Synced' }, health: { status: 'Healthy' } } })),
  });
}

describe('the Applications the prepared tree declares', () => {
  it('are the root, the two groups, every platform Application kind runs (Kyverno and the admission policy among them) and the four services', () => {
    expect(declaredApplications(prepared, 'dev')).toEqual(
      [
        'admission-policy',
        'alloy',
        'cart',
        'cloudnative-pg',
        'dev-platform',
        'dev-root',
        'dev-services',
        'frontend',
        'kube-prometheus-stack',
        'kyverno',
        'loki',
        'namespaces',
        'observability',
        'order',
        'product',
        'shop-database',
      ].sort(),
    );
  });
});

describe('readiness against kubectl get applications -o json (stand-in output)', () => {
  const declared = declaredApplications(prepared, 'dev');

  it('names every Application not Synced and Healthy, and those not created yet', () => {
    const result = readiness(declared, applicationStates(sample, 'applications.json'));
    expect(result.ok).toBe(false);
    expect(result.summary).toBe('11 of 16 Applications Synced and Healthy (16 declared by the tree)');
    expect(result.notReady).toEqual([
      'cart (OutOfSync/Missing)',
      'dev-platform (Synced/Progressing)',
      'dev-services (OutOfSync/Missing)',
      'loki (Synced/Progressing)',
      'observability (not created yet)',
    ]);
    expect(result.table).toContain('observability          (not created yet)');
  });

  it('passes when every declared Application is Synced and Healthy', () => {
    const result = readiness(declared, applicationStates(allReady(declared), 'applications.json'));
    expect(result).toMatchObject({ ok: true, notReady: [], summary: '16 of 16 Applications Synced and Healthy (16 declared by the tree)' });
  });

  it('counts an Application the tree does not declare, and one without a status yet', () => {
    const list = JSON.parse(allReady(declared)) as { items: object[] };
    list.items.push(
      { metadata: { name: 'leftover' }, status: { sync: { status: 'Synced' }, health: { status: 'Degraded' } } },
      { metadata: { name: 'fresh' } },
    );
    const result = readiness(declared, applicationStates(JSON.stringify(list), 'applications.json'));
    expect(result.notReady).toEqual(['fresh (Unknown/Unknown)', 'leftover (Synced/Degraded)']);
    expect(result.summary).toBe('16 of 18 Applications Synced and Healthy (16 declared by the tree)');
  });

  it.each([
    {
      case: 'output that is not JSON',
      text: 'error: the server does not have a resource type "applications"',
      error: /applications\.json: not JSON .*pass the output of kubectl get applications -n argocd -o json/,
    },
    { case: 'a document without items', text: '{"kind":"Status"}', error: /applications\.json: no items list/ },
    { case: 'an item without a name', text: '{"items":[{"status":{}}]}', error: /applications\.json: items\[0\] has no metadata\.name/ },
  ])('refuses $case with a clear error', ({ text, error }) => {
    expect(() => applicationStates(text, 'applications.json')).toThrow(error);
  });
});

describe('wait-applications.ts, run as the workflow runs it', () => {
  it('exits 1 naming what is not ready, 0 when all is, 2 on unreadable input', () => {
    const work = mkdtempSync(join(tmpdir(), 'slipway-wait-'));
    const tree = join(work, 'tree');
    for (const [file, text] of prepared) {
      mkdirSync(dirname(join(tree, 'gitops-repo', file)), { recursive: true });
      writeFileSync(join(tree, 'gitops-repo', file), text);
    }
    const script = fileURLToPath(new URL('./wait-applications.ts', import.meta.url));
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const run = (applications: string) => spawnSync(tsx, [script, '--tree', tree, '--applications', applications], { encoding: 'utf8' });

    const waiting = run(fixture);
    expect(waiting.status).toBe(1);
    expect(waiting.stdout).toContain('11 of 16 Applications Synced and Healthy');
    expect(waiting.stdout).toContain(
      'not Synced and Healthy: cart (OutOfSync/Missing), dev-platform (Synced/Progressing), dev-services (OutOfSync/Missing), loki (Synced/Progressing), observability (not created yet)',
    );

    const readyFile = join(work, 'ready.json');
    writeFileSync(readyFile, allReady(declaredApplications(prepared, 'dev')));
    expect(execFileSync(tsx, [script, '--tree', tree, '--applications', readyFile], { encoding: 'utf8' })).toContain(
      '16 of 16 Applications Synced and Healthy',
    );

    const broken = join(work, 'broken.json');
    writeFileSync(broken, 'Unable to connect to the server');
    const failed = run(broken);
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain(`wait-applications: ${broken}: not JSON`);
  });
});
