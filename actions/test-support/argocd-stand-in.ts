/**
 * Test support: the Kubernetes API stand-in with a reader of its Argo CD Applications (namespace
 * argocd) made the way the verify pipeline makes it, for the tests that replay what Argo CD reports.
 */
import { afterAll, beforeAll } from 'vitest';
import { applicationReader, loadKubeConfig } from '../lib/verify/argocd-applications.ts';
import type { ArgoApplication } from '../lib/verify/argo-sync-check.ts';
import { startKubernetesApi } from './kubernetes-api.ts';
import type { KubernetesApiServer } from './kubernetes-api.ts';

export interface ArgoCdStandIn {
  kube: KubernetesApiServer;
  read: (name: string) => Promise<ArgoApplication>;
}

export async function startArgoCdStandIn(options: { refreshDelayMs?: number } = {}): Promise<ArgoCdStandIn> {
  const kube = await startKubernetesApi(options);
  return { kube, read: applicationReader(loadKubeConfig(kube.kubeconfig), 'argocd') };
}

/**
 * Registers the calling suite's hooks: the stand-in starts in beforeAll and stops in afterAll.
 * `kube` gives the running server; `read` reads through the running stand-in's reader.
 */
export function argoCdStandInPerSuite(options: { refreshDelayMs?: number } = {}): {
  kube: () => KubernetesApiServer;
  read: ArgoCdStandIn['read'];
} {
  let standIn: ArgoCdStandIn | undefined;
  beforeAll(async () => {
    standIn = await startArgoCdStandIn(options);
  });
  afterAll(() => standIn?.kube.stop());
  const running = (): ArgoCdStandIn => {
    if (!standIn) throw new Error('the Argo CD stand-in starts in beforeAll');
    return standIn;
  };
  return { kube: () => running().kube, read: (name) => running().read(name) };
}
