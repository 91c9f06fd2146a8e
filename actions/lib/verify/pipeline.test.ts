import { describe, expect, it } from 'vitest';
import type { WaitResult } from './argo-sync-check.ts';
import type { SoakResult } from './slo-check.ts';
import { verifyPromotion } from './pipeline.ts';
import type { VerifySteps } from './pipeline.ts';

describe('verifyPromotion', () => {
  const synced: WaitResult = {
    ok: true,
    reason: '',
    applications: [{ name: 'cart', judgement: { state: 'ready', revision: 'abc1234' } }],
    waitedMs: 1000,
  };
  const stuck: WaitResult = {
    ok: false,
    reason: 'timed out',
    applications: [{ name: 'cart', judgement: { state: 'waiting', reason: 'OutOfSync' } }],
    waitedMs: 5000,
  };
  const met: SoakResult = { ok: true, reason: '', verdicts: [] };
  const breached: SoakResult = { ok: false, reason: 'cart 2.0.0: 20% 5xx', verdicts: [] };

  function steps(sync: WaitResult, slo: SoakResult | undefined, extra: Partial<VerifySteps> = {}) {
    const calls: string[] = [];
    const warnings: string[] = [];
    const value: VerifySteps = {
      environment: 'dev',
      commit: 'abc1234def',
      targets: [{ service: 'cart', version: '2.0.0' }],
      waitForSync: async () => (calls.push('sync'), sync),
      ...(slo ? { soak: async () => (calls.push('soak'), slo) } : {}),
      annotate: async (mark) => (calls.push(`annotate ${mark.service} ${mark.outcome}`), 7),
      rollback: async () => (calls.push('rollback'), 'feed123'),
      log: () => undefined,
      warn: (line) => warnings.push(line),
      now: () => 1_000,
      ...extra,
    };
    return { value, calls, warnings };
  }

  it.each([
    ['synced and SLOs met', synced, met, { ok: true, stage: 'passed', reason: '' }, ['sync', 'soak', 'annotate cart passed']],
    [
      'not synced: no soak, annotated as failed, rolled back',
      stuck,
      met,
      { ok: false, stage: 'sync', reason: 'timed out', rollbackCommit: 'feed123' },
      ['sync', 'annotate cart failed', 'rollback'],
    ],
    [
      'SLO breached: rolled back',
      synced,
      breached,
      { ok: false, stage: 'slo', reason: 'cart 2.0.0: 20% 5xx', rollbackCommit: 'feed123' },
      ['sync', 'soak', 'annotate cart failed', 'rollback'],
    ],
  ] as const)('%s', async (_name, sync, slo, expected, calls) => {
    const run = steps(sync, slo);
    expect(await verifyPromotion(run.value)).toMatchObject({ ...expected, annotationIds: [7] });
    expect(run.calls).toEqual(calls);
  });

  it('a health flip during the soak fails the soak stage (before the SLO verdict) and rolls back', async () => {
    const run = steps(synced, met, {
      soakHealth: async () => (
        run.calls.push('soak health'),
        { ok: false, reason: 'cart: health went Degraded after 40s of the 300s soak', soakedMs: 40_000 }
      ),
    });
    expect(await verifyPromotion(run.value)).toMatchObject({
      ok: false,
      stage: 'soak',
      reason: 'cart: health went Degraded after 40s of the 300s soak',
      health: { ok: false, soakedMs: 40_000 },
      rollbackCommit: 'feed123',
    });
    expect(run.calls).toEqual(['sync', 'soak health', 'soak', 'annotate cart failed', 'rollback']);
  });

  it('skips the SLO check with a warning without Prometheus, and a failing annotation only warns', async () => {
    const run = steps(synced, undefined, {
      annotate: async () => {
        throw new Error('Grafana refused the annotation for cart: 401');
      },
    });
    const result = await verifyPromotion(run.value);
    expect(result).toMatchObject({ ok: true, stage: 'passed', annotationIds: [] });
    expect(run.warnings).toEqual(['no Prometheus given: the SLO check was skipped', 'Grafana refused the annotation for cart: 401']);
  });

  it('asks Argo CD to refresh before waiting, and again after a rollback commit so the rollback is picked up at once', async () => {
    const run = steps(stuck, met, { refresh: async () => void run.calls.push('refresh') });
    expect(await verifyPromotion(run.value)).toMatchObject({ ok: false, rollbackCommit: 'feed123' });
    expect(run.calls).toEqual(['refresh', 'sync', 'annotate cart failed', 'rollback', 'refresh']);
    const unchanged = steps(stuck, met, { refresh: async () => void unchanged.calls.push('refresh'), rollback: async () => undefined });
    await verifyPromotion(unchanged.value);
    expect(unchanged.calls).toEqual(['refresh', 'sync', 'annotate cart failed']);
  });

  it('reports commit → sync start and → Healthy from the commit time, or warns when the commit time is unknown', async () => {
    const ready: WaitResult = {
      ...synced,
      applications: [
        {
          name: 'cart',
          judgement: { state: 'ready', revision: 'abc1234' },
          syncStartedAt: '2026-11-22T04:00:03Z',
          readyAt: Date.parse('2026-11-22T04:00:21.46Z'),
        },
      ],
    };
    const lines: string[] = [];
    const known = steps(ready, met, { committedAt: async () => Date.parse('2026-11-22T04:00:00Z'), log: (l) => lines.push(l) });
    expect((await verifyPromotion(known.value)).timings).toEqual([
      { application: 'cart', commitToSyncStartSeconds: 3, commitToHealthySeconds: 21.5 },
    ]);
    expect(lines).toContain('cart: commit → sync start 3s, → Healthy 21.5s');
    const unknown = steps(ready, met, { committedAt: async () => undefined });
    expect((await verifyPromotion(unknown.value)).timings).toBeUndefined();
    expect(unknown.warnings).toEqual([
      'the promoted commit abc1234def is not in this checkout: commit → sync start and → Healthy are not reported',
    ]);
  });
});
