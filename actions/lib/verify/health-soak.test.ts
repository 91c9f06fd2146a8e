import { describe, expect, it } from 'vitest';
import { waitForApplications } from './argo-sync-check.ts';
import type { ArgoApplication } from './argo-sync-check.ts';
import { hpaScaleOut, soakHealth } from './health-soak.ts';
import { argoApplication, deployedStatus } from '../../test-support/kubernetes-api.ts';
import { argoCdStandInPerSuite } from '../../test-support/argocd-stand-in.ts';
import { pausedClock } from '../../test-support/paused-clock.ts';

const promoted = '4f6d2a1c9b8e7d6c5b4a39281706f5e4d3c2b1a0';
const previous = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
type Status = NonNullable<ArgoApplication['status']>;
type Resources = NonNullable<Status['resources']>;

const hpa = {
  group: 'autoscaling',
  version: 'v2',
  kind: 'HorizontalPodAutoscaler',
  namespace: 'shop',
  name: 'cart',
  status: 'Synced',
  health: { status: 'Healthy' },
};
const deployment = (status: string, message?: string) => ({
  group: 'apps',
  version: 'v1',
  kind: 'Deployment',
  namespace: 'shop',
  name: 'cart',
  status: 'Synced',
  health: { status, ...(message ? { message } : {}) },
});
/** Deployed at the promoted commit, with this application health and these resources. */
const at = (health: string, resources: Resources = [hpa, deployment(health)]): ArgoApplication =>
  argoApplication('cart', { ...deployedStatus(promoted, health), resources });
// Messages of Argo CD's Deployment health (argoproj/argo-cd v3.3.8, gitops-engine/pkg/health/health_deployment.go).
const scaleOut = 'Waiting for rollout to finish: 3 of 5 updated replicas are available...';
const replacing = 'Waiting for rollout to finish: 2 old replicas are pending termination...';

describe('hpaScaleOut', () => {
  it.each<[string, ArgoApplication, boolean]>([
    ['a Deployment with an HPA bringing up new replicas', at('Progressing', [hpa, deployment('Progressing', scaleOut)]), true],
    ['a Deployment still replacing old pods (a rollout)', at('Progressing', [hpa, deployment('Progressing', replacing)]), false],
    ['a Deployment without an HPA', at('Progressing', [deployment('Progressing', scaleOut)]), false],
    [
      'another resource Progressing too',
      at('Progressing', [
        hpa,
        deployment('Progressing', scaleOut),
        { kind: 'StatefulSet', namespace: 'shop', name: 'db', health: { status: 'Progressing' } },
      ]),
      false,
    ],
    ['a Degraded Application', at('Degraded', [hpa, deployment('Degraded', 'Deployment "cart" exceeded its progress deadline')]), false],
  ])('%s: %s', (_name, app, expected) => {
    expect(hpaScaleOut(app)).toBe(expected);
  });
});

describe('the sequences that fool a health check, replayed on the Kubernetes API stand-in', () => {
  const { kube, read } = argoCdStandInPerSuite();

  /** Serve `cart` as a function of how often it was read since now (the stand-in counts reads per name across tests). */
  const serve = (sequence: (reads: number) => ArgoApplication) => {
    const base = kube().reads('cart');
    kube().set('cart', (reads) => sequence(reads - base));
  };
  // The soak's clock moves only by its pauses, so the window holds 13 reads (0, 100, ... 1200 ms)
  // however long the stand-in takes to answer: on the wall clock, a loaded machine read the
  // sequences below too few times within 1.2 s to reach their flip.
  const soak = (lines: string[] = []) =>
    soakHealth({ applications: ['cart'], read, soakMs: 1200, intervalMs: 100, log: (l) => lines.push(l), ...pausedClock() });
  const waitForCart = (lines: string[] = []) =>
    waitForApplications({ applications: ['cart'], expected: promoted, read, timeoutMs: 5000, intervalMs: 50, log: (l) => lines.push(l) });

  it('Healthy left over from before the sync is not deployed: it waits for the operation and the reassessment', async () => {
    serve((reads) =>
      argoApplication(
        'cart',
        reads < 3
          ? { ...deployedStatus(previous, 'Healthy'), sync: { status: 'Synced', revision: promoted } }
          : reads < 5
            ? deployedStatus(promoted, 'Healthy', { reconciledAfterMs: -200 })
            : deployedStatus(promoted, 'Healthy'),
      ),
    );
    const lines: string[] = [];
    const result = await waitForCart(lines);
    expect(result.ok).toBe(true);

    expect(lines.map((l) => l.replace(/^\[\d+s\] /, ''))).toEqual([
      'cart: Synced at 4f6d2a1c9b8e but no sync operation for it yet (health Healthy may be from before)',
      'cart: the sync of 4f6d2a1c9b8e finished at 2026-11-22T04:00:01Z; waiting for Argo CD to reassess health after it',
      'cart: Synced and Healthy at 4f6d2a1c9b8e',
    ]);
  });

  it('a sync that succeeded but whose rollout then stalls is not deployed, and fails once Argo CD says Degraded', async () => {
    serve((reads) =>
      reads < 4
        ? at('Progressing', [hpa, deployment('Progressing', replacing)])
        : at('Degraded', [hpa, deployment('Degraded', 'Deployment "cart" exceeded its progress deadline')]),
    );
    const result = await waitForCart();
    expect(result).toMatchObject({ ok: false });
    expect(result.reason).toBe(
      'cart: Degraded at 4f6d2a1c9b8e: Deployment shop/cart: Degraded (Deployment "cart" exceeded its progress deadline)',
    );
  });

  it('a health flip during the soak fails it, naming the resource', async () => {
    serve((reads) => (reads < 4 ? at('Healthy') : at('Degraded', [hpa, deployment('Degraded', 'back-off restarting failed container')])));
    const result = await soak();
    expect(result.ok).toBe(false);
    expect(result.reason).toMatch(
      /^cart: health went Degraded: Deployment cart: Degraded \(back-off restarting failed container\) after \d+s of the 1s soak$/,
    );
    expect(result.soakedMs).toBe(300);
  });

  it('an HPA scaling out (Progressing) during the soak passes', async () => {
    serve((reads) => (reads >= 3 && reads < 6 ? at('Progressing', [hpa, deployment('Progressing', scaleOut)]) : at('Healthy')));
    const lines: string[] = [];
    const result = await soak(lines);
    expect(result).toMatchObject({ ok: true, reason: '' });
    expect(result.soakedMs).toBe(1200);
    expect(lines.map((l) => l.replace(/^\[\d+s\] /, ''))).toEqual([
      `cart: Progressing, an HPA scaling out (Progressing: Deployment cart: Progressing (${scaleOut}))`,
      'cart: Healthy again after scaling out',
    ]);
  });

  it('a rollout replacing pods during the soak (not a scale-out) fails it', async () => {
    serve((reads) => (reads < 3 ? at('Healthy') : at('Progressing', [hpa, deployment('Progressing', replacing)])));
    const result = await soak();
    expect(result.ok).toBe(false);
    expect(result.reason).toContain(`cart: health went Progressing: Deployment cart: Progressing (${replacing})`);
  });
});
