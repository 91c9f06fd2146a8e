import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { argoCdStandInPerSuite } from '../../test-support/argocd-stand-in.ts';
import { pickupTimeline } from '../../test-support/argocd-timeline.ts';
import { mergePatch } from '../../test-support/kubernetes-api.ts';
import { applicationRefresher, loadKubeConfig, refreshPatch, requestRefresh } from './argocd-applications.ts';

const promoted = '4f6d2a1c9b8e7d6c5b4a39281706f5e4d3c2b1a0';
const previous = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mergePatch (RFC 7386, what the stand-in applies)', () => {
  it.each([
    [{ a: 1, b: { c: 2, d: 3 } }, { b: { c: null, e: 4 } }, { a: 1, b: { d: 3, e: 4 } }],
    [{ a: [1, 2] }, { a: [3] }, { a: [3] }],
    [{ a: 1 }, { b: { c: null } }, { a: 1, b: {} }],
    [{ metadata: { name: 'cart' } }, refreshPatch, { metadata: { name: 'cart', annotations: { 'argocd.argoproj.io/refresh': 'normal' } } }],
  ])('%j patched with %j is %j', (target, patch, expected) => {
    expect(mergePatch(target, patch)).toEqual(expected);
  });
});

describe('asking Argo CD to refresh an Application (Kubernetes API stand-in with Argo CD refresh handling)', () => {
  // The stand-in's controller handles a refresh this long after it was asked: the read right after
  // the patch must come sooner (it did not within 500 ms on a loaded machine).
  const refreshDelayMs = 2000;
  const standIn = argoCdStandInPerSuite({ refreshDelayMs });
  // The sync runs for a minute: once the refresh is handled, it is seen Running however late the read.
  const timeline = (committedAt = Date.now()) =>
    pickupTimeline('cart', {
      previous,
      revision: promoted,
      committedAt,
      polledAt: committedAt + 60_000,
      syncMs: 60_000,
      healthyAfterMs: 1000,
    });
  /** Reads cart until the controller has handled the refresh (removed the annotation), for at most 10 s. */
  const refreshHandled = async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const app = await standIn.read('cart');
      if (app.metadata?.annotations?.['argocd.argoproj.io/refresh'] === undefined) return app;
      if (Date.now() > deadline)
        throw new Error(`the stand-in still shows the refresh annotation 10 s after the patch: ${JSON.stringify(app.metadata)}`);
      await sleep(100);
    }
  };
  const refresher = () => applicationRefresher(loadKubeConfig(standIn.kube().kubeconfig), 'argocd');

  it('sends the refresh annotation as a merge patch; Argo CD starts the sync and removes the annotation once done', async () => {
    standIn.kube().set('cart', timeline());
    await refresher()('cart');
    expect(standIn.kube().patches('cart')).toEqual([
      { contentType: 'application/merge-patch+json', body: { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } } },
    ]);
    const asked = await standIn.read('cart');
    expect(asked.metadata?.annotations?.['argocd.argoproj.io/refresh']).toBe('normal');
    expect(asked.status?.sync?.revision).toBe(previous);
    const refreshed = await refreshHandled();
    expect(refreshed.status?.operationState).toMatchObject({ phase: 'Running', operation: { sync: { revision: promoted } } });
  });

  it('without a refresh the sync waits for Argo CD to poll', async () => {
    standIn.kube().set('cart', timeline());
    await sleep(refreshDelayMs + 200); // past when a refresh would have been handled
    expect((await standIn.read('cart')).status?.sync?.revision).toBe(previous);
  });

  it('the stand-in refuses another content type than a merge patch with 415, as for a custom resource, and changes nothing', async () => {
    standIn.kube().set('cart', timeline());
    const api = loadKubeConfig(standIn.kube().kubeconfig).makeApiClient(CustomObjectsApi);
    const patch = {
      group: 'argoproj.io',
      version: 'v1alpha1',
      namespace: 'argocd',
      plural: 'applications',
      name: 'cart',
      body: refreshPatch,
    };
    const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
    await expect(api.patchNamespacedCustomObject(patch, strategic)).rejects.toMatchObject({
      code: 415,
      body: expect.stringContaining('"reason":"UnsupportedMediaType"'),
    });
    expect((await standIn.read('cart')).metadata?.annotations).toBeUndefined();
    expect(standIn.kube().patches('cart')).toEqual([]);
  });

  it('an unknown Application is a 404 naming it', async () => {
    await expect(refresher()('basket')).rejects.toMatchObject({
      statusCode: 404,
      message: 'Application argocd/basket does not exist (check the applications input and argocd-namespace)',
    });
  });

  it('a refused refresh is a warning naming the Application and the HTTP status, and the others are still asked', async () => {
    standIn.kube().set('cart', timeline());
    const warnings: string[] = [];
    const lines: string[] = [];
    await requestRefresh(['cart', 'basket'], refresher(), { log: (l) => lines.push(l), warn: (l) => warnings.push(l) });
    expect(warnings).toEqual([
      "Argo CD refresh of Application basket not requested (HTTP 404): Application argocd/basket does not exist (check the applications input and argocd-namespace); it syncs at Argo CD's next poll instead",
    ]);
    expect(lines).toEqual(['Asked Argo CD to refresh cart']);

    standIn.kube().forbid(['patch']);
    warnings.length = 0;
    await requestRefresh(['cart'], refresher(), { log: () => undefined, warn: (l) => warnings.push(l) });
    standIn.kube().forbid([]);
    expect(warnings).toEqual([
      "Argo CD refresh of Application cart not requested (HTTP 403): not allowed to patch Application argocd/cart (the kubeconfig's identity needs patch on applications.argoproj.io); it syncs at Argo CD's next poll instead",
    ]);
    expect(standIn.kube().patches('cart')).toHaveLength(1);
  });
});
