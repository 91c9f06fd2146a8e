/**
 * Commit → sync start and → Healthy: the pure figures, then verifyRelease against the Kubernetes API
 * stand-in, where Argo CD (argocd-timeline.ts) picks a real promotion commit up at its poll or, asked
 * to refresh, at once; the figures are checked against the stand-in's own timeline.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { promote } from '../promotion/promote.ts';
import { argoCdStandInPerSuite } from '../../test-support/argocd-stand-in.ts';
import { watchedPickupTimeline } from '../../test-support/argocd-timeline.ts';
import {
  createGitopsRemote,
  digestOf,
  gitopsTree,
  registry,
  removeGitopsRemotes,
  run as git,
} from '../../test-support/gitops-repository.ts';
import { deliveryTimings } from './delivery-timings.ts';
import { verifyRelease } from './pipeline.ts';
import type { VerifyRequest } from './pipeline.ts';
import { defaultObjectives } from './slo-check.ts';

describe('deliveryTimings', () => {
  const committedAt = Date.parse('2026-11-22T04:00:00Z');
  it.each([
    [
      'ready: both figures',
      {
        name: 'cart',
        judgement: { state: 'ready', revision: 'abc1234' },
        syncStartedAt: '2026-11-22T04:00:02Z',
        readyAt: committedAt + 14_260,
      },
      { application: 'cart', commitToSyncStartSeconds: 2, commitToHealthySeconds: 14.3 },
    ],
    ['not synced yet: neither', { name: 'cart', judgement: { state: 'waiting', reason: 'OutOfSync' } }, { application: 'cart' }],
  ] as const)('%s', (_name, outcome, expected) => {
    expect(deliveryTimings(committedAt, [outcome])).toEqual([expected]);
  });
});

describe('verifyRelease reports commit → sync start and → Healthy (Kubernetes API stand-in with an Argo CD timeline)', () => {
  const standIn = argoCdStandInPerSuite();
  afterAll(removeGitopsRemotes);
  /**
   * A real promotion commit of cart in a runner's checkout, and Argo CD serving cart along a timeline
   * from its committer time, its own poll coming `pollAfterMs` later (scaled down from minutes).
   */
  async function promotion(pollAfterMs = 4000): Promise<{
    checkout: string;
    commit: string;
    committedAt: number;
    polledAt: number;
    firstHealthyServedAt: () => number | undefined;
  }> {
    const remote = createGitopsRemote(gitopsTree(['cart'], ['dev']));
    const checkout = remote.clone('runner');
    const previous = remote.head();
    const image = { repository: `${registry}/cart`, tag: 'sha-2222222', digest: digestOf('cart-2') };
    const landed = await promote({
      remote: { repoDir: checkout, remote: 'origin', branch: 'main' },
      gitopsPath: 'gitops-repo',
      environment: 'dev',
      source: { kind: 'images', images: [{ service: 'cart', image }] },
    });
    const commit = landed.commit ?? '';
    const committedAt = Number(git(checkout, 'show', '-s', '--format=%ct', commit).trim()) * 1000;
    const polledAt = Date.now() + pollAfterMs;
    const timeline = watchedPickupTimeline('cart', {
      previous,
      revision: commit,
      committedAt,
      polledAt,
      syncMs: 1000,
      healthyAfterMs: 1000,
    });
    standIn.kube().set('cart', timeline.serve);
    return { checkout, commit, committedAt, polledAt, firstHealthyServedAt: timeline.firstHealthyServedAt };
  }

  const request = (checkout: string, commit: string): VerifyRequest => ({
    environment: 'dev',
    commit,
    targets: [{ service: 'cart', version: 'sha-2222222' }],
    applications: ['cart'],
    refresh: true,
    argocdNamespace: 'argocd',
    kubeconfig: standIn.kube().kubeconfig,
    timeoutMs: 20_000,
    intervalMs: 250,
    namespace: 'shop',
    soakMs: 0,
    objectives: defaultObjectives,
    checkout,
  });

  /**
   * The figures the stand-in's timeline implies: its startedAt exactly; Healthy at the read that first
   * saw it, so no earlier than the stand-in first served it Healthy (itself after its reconciledAt)
   * and no later than the verification returned. No bound in seconds: reconciledAt is floored to the
   * second and a loaded machine answers a poll late, so "one poll after reconciledAt" was not a bound.
   */
  async function expectTimeline(
    timing: { commitToSyncStartSeconds?: number; commitToHealthySeconds?: number } | undefined,
    promoted: { committedAt: number; firstHealthyServedAt: () => number | undefined },
    returnedAt: number,
  ) {
    const { committedAt } = promoted;
    const status = (await standIn.read('cart')).status;
    const started = Date.parse(status?.operationState?.startedAt ?? '');
    const reassessed = Date.parse(status?.reconciledAt ?? '');
    // The figure's rounding (to 0.1 s) keeps the order of the moments it lies between.
    const figure = (at: number) => Math.round((at - committedAt) / 100) / 10;
    const served = promoted.firstHealthyServedAt() ?? Number.NaN;
    expect(timing?.commitToSyncStartSeconds).toBe((started - committedAt) / 1000);
    expect(served).toBeGreaterThanOrEqual(reassessed);
    expect(timing?.commitToHealthySeconds).toBeGreaterThanOrEqual(figure(served));
    expect(timing?.commitToHealthySeconds).toBeLessThanOrEqual(figure(returnedAt));
    return (started - committedAt) / 1000;
  }

  it('asked to refresh, Argo CD starts the sync within a second or two of the commit, not at its poll', async () => {
    // Its poll comes after the 20 s timeout: only the refresh can start the sync, on a machine of any speed
    // (with the poll 4 s away, a runner slow to send the patch would see the poll start it instead).
    const promoted = await promotion(60_000);
    const { checkout, commit, committedAt, polledAt } = promoted;
    const warnings: string[] = [];
    const lines: string[] = [];
    const result = await verifyRelease(request(checkout, commit), { log: (l) => lines.push(l), warn: (l) => warnings.push(l) });
    const returnedAt = Date.now();
    expect(result.ok, result.reason).toBe(true);
    expect(
      standIn
        .kube()
        .patches('cart')
        .map((p) => p.contentType),
    ).toEqual(['application/merge-patch+json']);
    expect(await expectTimeline(result.timings?.[0], promoted, returnedAt)).toBeLessThan(Math.floor((polledAt - committedAt) / 1000));
    expect(lines).toContain('Asked Argo CD to refresh cart');
    expect((await standIn.read('cart')).metadata?.annotations?.['argocd.argoproj.io/refresh']).toBeUndefined();
    expect(warnings).toEqual(['no Prometheus given: the SLO check was skipped']);
  });

  it("without the patch right: a warning with the HTTP status, and the sync starts at Argo CD's poll, still verified", async () => {
    const promoted = await promotion();
    const { checkout, commit, committedAt, polledAt } = promoted;
    const warnings: string[] = [];
    standIn.kube().forbid(['patch']);
    const result = await verifyRelease(request(checkout, commit), { log: () => undefined, warn: (l) => warnings.push(l) }).finally(() =>
      standIn.kube().forbid([]),
    );
    const returnedAt = Date.now();
    expect(result.ok, result.reason).toBe(true);
    expect(await expectTimeline(result.timings?.[0], promoted, returnedAt)).toBe((Math.floor(polledAt / 1000) * 1000 - committedAt) / 1000);
    expect(warnings[0]).toBe(
      "Argo CD refresh of Application cart not requested (HTTP 403): not allowed to patch Application argocd/cart (the kubeconfig's identity needs patch on applications.argoproj.io); it syncs at Argo CD's next poll instead",
    );
  });

  it("refresh off (an identity that may only read Applications): no patch is sent, no warning, the sync starts at Argo CD's poll", async () => {
    const promoted = await promotion();
    const { checkout, commit, committedAt, polledAt } = promoted;
    const warnings: string[] = [];
    const lines: string[] = [];
    const result = await verifyRelease(
      { ...request(checkout, commit), refresh: false },
      { log: (l) => lines.push(l), warn: (l) => warnings.push(l) },
    );
    const returnedAt = Date.now();
    expect(result.ok, result.reason).toBe(true);
    // The stand-in records every patch it accepts (and would start the sync at once on a refresh).
    expect(standIn.kube().patches('cart')).toEqual([]);
    expect(await expectTimeline(result.timings?.[0], promoted, returnedAt)).toBe((Math.floor(polledAt / 1000) * 1000 - committedAt) / 1000);
    expect(lines).toContain('Not asking Argo CD to refresh cart (refresh off): they sync at its next poll');
    expect(warnings).toEqual(['no Prometheus given: the SLO check was skipped']);
  });

  it('a checkout without the commit: verified, the figures left out with a warning', async () => {
    const { commit } = await promotion();
    const other = createGitopsRemote(gitopsTree(['cart'], ['dev'])).clone('elsewhere');
    const warnings: string[] = [];
    const result = await verifyRelease(request(other, commit), { log: () => undefined, warn: (l) => warnings.push(l) });
    expect(result.ok, result.reason).toBe(true);
    expect(result.timings).toBeUndefined();
    expect(warnings).toContain(
      `the promoted commit ${commit.slice(0, 12)} is not in this checkout: commit → sync start and → Healthy are not reported`,
    );
  });
});
