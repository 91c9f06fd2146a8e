import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import { describe, expect, it } from 'vitest';
import { judgeApplication, sameRevision, waitForApplications } from './argo-sync-check.ts';
import type { ArgoApplication } from './argo-sync-check.ts';
import { argoApplication, deployedStatus } from '../../test-support/kubernetes-api.ts';
import { argoCdStandInPerSuite } from '../../test-support/argocd-stand-in.ts';
import { pausedClock } from '../../test-support/paused-clock.ts';

const promoted = '4f6d2a1c9b8e7d6c5b4a39281706f5e4d3c2b1a0';
const previous = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';

type Status = NonNullable<ArgoApplication['status']>;
const app = (status: Status) => argoApplication('product', status);
/** Synced and reassessed after a Succeeded sync of `revision` (what Argo CD writes once it deployed it). */
const synced = (revision: string, health: string, extra: Partial<Status> = {}): Status => ({
  ...deployedStatus(revision, health),
  ...extra,
});

describe('judgeApplication (Application status as Argo CD writes it, validated against the CRD schema)', () => {
  it.each<[string, Status, string, string]>([
    ['synced and healthy at the commit', synced(promoted, 'Healthy'), 'ready', ''],
    ['synced at the commit, still progressing', synced(promoted, 'Progressing'), 'waiting', 'Synced at 4f6d2a1c9b8e, health Progressing'],
    [
      'out of sync at the commit',
      { sync: { status: 'OutOfSync', revision: promoted }, health: { status: 'Healthy' } },
      'waiting',
      'OutOfSync at 4f6d2a1c9b8e (health Healthy)',
    ],
    [
      'still at the previous commit',
      { sync: { status: 'OutOfSync', revision: previous }, health: { status: 'Healthy' } },
      'waiting',
      'OutOfSync at 0a1b2c3d4e5f, waiting for 4f6d2a1c9b8e',
    ],
    [
      'synced and healthy at another commit',
      synced(previous, 'Healthy'),
      'waiting',
      'Synced and Healthy at 0a1b2c3d4e5f, not the promoted commit 4f6d2a1c9b8e',
    ],
    ['no status yet', {}, 'waiting', 'Unknown at no revision yet, waiting for 4f6d2a1c9b8e'],
    [
      'degraded at the commit, naming the broken resources',
      synced(promoted, 'Degraded', {
        resources: [
          {
            kind: 'Deployment',
            namespace: 'shop',
            name: 'product',
            status: 'Synced',
            health: { status: 'Degraded', message: 'Deployment "product" exceeded its progress deadline' },
          },
        ],
      }),
      'failed',
      'Degraded at 4f6d2a1c9b8e: Deployment shop/product: Degraded (Deployment "product" exceeded its progress deadline)',
    ],
    [
      'degraded at the previous commit (not ours yet)',
      synced(previous, 'Degraded'),
      'waiting',
      'Synced and Degraded at 0a1b2c3d4e5f, not the promoted commit 4f6d2a1c9b8e',
    ],
    [
      'the sync of the commit failed',
      {
        sync: { status: 'OutOfSync', revision: previous },
        health: { status: 'Healthy' },
        operationState: {
          operation: { sync: { revision: promoted } },
          phase: 'Failed',
          message: 'one or more objects failed to apply',
          startedAt: '2026-11-22T04:00:00Z',
          syncResult: { revision: promoted },
        },
      } as Status,
      'failed',
      'the sync of 4f6d2a1c9b8e failed: one or more objects failed to apply',
    ],
    [
      'multi-source: one of the revisions is the commit',
      {
        ...deployedStatus(promoted, 'Healthy'),
        sync: { status: 'Synced', revisions: ['87.17.0', promoted] },
        operationState: {
          ...deployedStatus(promoted, 'Healthy').operationState,
          syncResult: { revision: '', revisions: ['87.17.0', promoted] },
        },
      } as Status,
      'ready',
      '',
    ],
    [
      'Healthy left over from before the sync: Synced at the commit, no operation for it yet',
      { sync: { status: 'Synced', revision: promoted }, health: { status: 'Healthy' } },
      'waiting',
      'Synced at 4f6d2a1c9b8e but no sync operation for it yet (health Healthy may be from before)',
    ],
    [
      'Healthy left over: the last operation synced the previous commit',
      { ...deployedStatus(previous, 'Healthy'), sync: { status: 'Synced', revision: promoted } },
      'waiting',
      'Synced at 4f6d2a1c9b8e but no sync operation for it yet (health Healthy may be from before)',
    ],
    [
      'the sync of the commit is still running',
      {
        ...deployedStatus(promoted, 'Healthy'),
        operationState: { operation: { sync: { revision: promoted } }, phase: 'Running', startedAt: '2026-11-22T04:00:00Z' },
      } as Status,
      'waiting',
      'the sync of 4f6d2a1c9b8e is Running (health Healthy may be from before)',
    ],
    [
      'Healthy read before health was reassessed after the sync',
      deployedStatus(promoted, 'Healthy', { reconciledAfterMs: -500 }),
      'waiting',
      'the sync of 4f6d2a1c9b8e finished at 2026-11-22T04:00:01Z; waiting for Argo CD to reassess health after it',
    ],
    [
      'Degraded left over from before the sync is not a failure yet',
      deployedStatus(promoted, 'Degraded', { reconciledAfterMs: 0 }),
      'waiting',
      'the sync of 4f6d2a1c9b8e finished at 2026-11-22T04:00:01Z; waiting for Argo CD to reassess health after it',
    ],
  ])('%s', (_name, status, state, reason) => {
    const object = app(status);
    expect(() => new Application(object as never).validate()).not.toThrow();
    const judgement = judgeApplication(object, promoted);
    expect(judgement.state).toBe(state);
    if (judgement.state !== 'ready') expect(judgement.reason).toBe(reason);
  });

  it('accepts a later commit that contains the promoted one when told so', () => {
    expect(judgeApplication(app(synced(previous, 'Healthy')), promoted, (revision) => revision === previous).state).toBe('ready');
  });

  it.each([
    [promoted, promoted.slice(0, 7), true],
    [promoted, promoted.toUpperCase(), true],
    [promoted, promoted.slice(0, 6), false],
    [previous, promoted, false],
    [undefined, promoted, false],
  ])('sameRevision(%s, %s) is %s', (reported, expected, same) => {
    expect(sameRevision(reported, expected)).toBe(same);
  });
});

describe('waitForApplications against a local server following the Kubernetes API', () => {
  const { kube, read } = argoCdStandInPerSuite();

  // The wait's clock moves only by its pauses: a 1.5 s timeout polls every 100 ms 16 times however slowly
  // the stand-in answers (on the wall clock, answers of 450 ms left 3 reads, not the more than 3 checked).
  const wait = (applications: string[], timeoutMs = 1500, lines: string[] = []) =>
    waitForApplications({
      applications,
      expected: promoted,
      read,
      timeoutMs,
      intervalMs: 100,
      log: (line) => lines.push(line),
      ...pausedClock(),
    });

  it('passes once every Application has synced the commit and is Healthy, printing each change', async () => {
    kube().set('cart', (reads) =>
      argoApplication(
        'cart',
        reads < 3
          ? { sync: { status: 'OutOfSync', revision: previous }, health: { status: 'Healthy' } }
          : reads < 5
            ? synced(promoted, 'Progressing')
            : synced(promoted, 'Healthy'),
      ),
    );
    kube().set('order', argoApplication('order', synced(promoted, 'Healthy')));
    const lines: string[] = [];
    const result = await wait(['cart', 'order'], 10_000, lines);
    expect(result).toMatchObject({ ok: true, reason: '' });
    expect(lines.filter((line) => line.includes('cart:')).map((line) => line.replace(/^\[\d+s\] /, ''))).toEqual([
      'cart: OutOfSync at 0a1b2c3d4e5f, waiting for 4f6d2a1c9b8e',
      'cart: Synced at 4f6d2a1c9b8e, health Progressing',
      'cart: Synced and Healthy at 4f6d2a1c9b8e',
    ]);
  });

  it('fails after the timeout when an Application stays OutOfSync', async () => {
    kube().set('product', argoApplication('product', { sync: { status: 'OutOfSync', revision: previous }, health: { status: 'Healthy' } }));
    const result = await wait(['product']);
    expect(result.ok).toBe(false);
    expect(result.reason).toBe(
      'timed out after 2s waiting for Argo CD to sync 4f6d2a1c9b8e and report Healthy — product: OutOfSync at 0a1b2c3d4e5f, waiting for 4f6d2a1c9b8e',
    );
    expect(kube().reads('product')).toBeGreaterThan(3);
  });

  it('fails after the timeout naming the wrong revision an Application is Synced at', async () => {
    kube().set('product', argoApplication('product', synced(previous, 'Healthy')));
    const result = await wait(['product']);
    expect(result.reason).toContain('product: Synced and Healthy at 0a1b2c3d4e5f, not the promoted commit 4f6d2a1c9b8e');
  });

  it('fails at once when an Application is Degraded at the commit', async () => {
    kube().set(
      'product',
      argoApplication('product', synced(promoted, 'Degraded', { health: { status: 'Degraded', message: 'CrashLoopBackOff' } })),
    );
    const result = await wait(['product'], 60_000);
    expect(result.ok).toBe(false);
    expect(result.waitedMs).toBeLessThan(60_000);
    expect(result.reason).toBe('product: Degraded at 4f6d2a1c9b8e: CrashLoopBackOff');
  });

  it('fails at once for an Application that does not exist, saying what to check', async () => {
    const result = await wait(['checkout'], 60_000);
    expect(result.ok).toBe(false);
    expect(result.reason).toBe('checkout: Application argocd/checkout does not exist (check the applications input and argocd-namespace)');
  });
});
