/**
 * Reads Argo CD Application objects (argoproj.io/v1alpha1, plural `applications`) through the
 * Kubernetes API with @kubernetes/client-node: a kubeconfig file, or the default chain (KUBECONFIG,
 * ~/.kube/config, in-cluster service account).
 */
import { ApiException, CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import type { ApplicationReadError, ArgoApplication } from './argo-sync-check.ts';

export function loadKubeConfig(kubeconfigPath = ''): KubeConfig {
  const config = new KubeConfig();
  try {
    if (kubeconfigPath) config.loadFromFile(kubeconfigPath);
    else config.loadFromDefault();
  } catch (error) {
    throw new Error(
      `cannot load the kubeconfig ${kubeconfigPath || '(KUBECONFIG or ~/.kube/config)'}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (!config.getCurrentCluster()) {
    throw new Error(
      `no Kubernetes cluster in the kubeconfig${kubeconfigPath ? ` ${kubeconfigPath}` : ' (KUBECONFIG, ~/.kube/config or in-cluster)'}: give the kubeconfig input or run aws eks update-kubeconfig first`,
    );
  }
  return config;
}

/** A function returning one Application by name from `namespace` (argocd). */
export function applicationReader(config: KubeConfig, namespace: string): (name: string) => Promise<ArgoApplication> {
  const api = config.makeApiClient(CustomObjectsApi);
  return async (name) => {
    try {
      return (await api.getNamespacedCustomObject({
        group: 'argoproj.io',
        version: 'v1alpha1',
        namespace,
        plural: 'applications',
        name,
      })) as ArgoApplication;
    } catch (error) {
      if (error instanceof ApiException) {
        const code = error.code;
        const hint =
          code === 404
            ? `Application ${namespace}/${name} does not exist (check the applications input and argocd-namespace)`
            : code === 401 || code === 403
              ? `not allowed to read Application ${namespace}/${name} (the kubeconfig's identity needs get on applications.argoproj.io)`
              : `the Kubernetes API answered ${code} for Application ${namespace}/${name}`;
        const failure: ApplicationReadError = Object.assign(new Error(hint, { cause: error }), { statusCode: code });
        throw failure;
      }
      throw new Error(
        `cannot reach the Kubernetes API for Application ${namespace}/${name}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  };
}
