/**
 * Test support: the Kubernetes API stand-in with a reader of its Argo CD Applications (namespace
 * argocd) made the way the verify pipeline makes it, for the tests that replay what Argo CD reports.
 */
import { applicationReader, loadKubeConfig } from '../lib/verify/argocd-applications.ts';
import type { ArgoApplication } from '../lib/verify/argo-sync-check.ts';
import { startKubernetesApi } from './kubernetes-api.ts';
import type { KubernetesApiServer } from './kubernetes-api.ts';

export interface ArgoCdStandIn {
  kube: KubernetesApiServer;
  read: (name: string) => Promise<ArgoApplication>;
}

export async function startArgoCdStandIn(): Promise<ArgoCdStandIn> {
  const kube = await startKubernetesApi();
  return { kube, read: applicationReader(loadKubeConfig(kube.kubeconfig), 'argocd') };
}
