/**
 * Reads Argo CD Application objects (argoproj.io/v1alpha1, plural `applications`) through the
 * Kubernetes API with @kubernetes/client-node: a kubeconfig file, or the default chain (KUBECONFIG,
 * ~/.kube/config, in-cluster service account); and asks Argo CD to refresh one.
 */
import { ApiException, CustomObjectsApi, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
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

/** The Kubernetes API's answer as an error naming the Application, what went wrong and what to do. */
function apiError(error: unknown, namespace: string, name: string, verb: 'get' | 'patch'): Error {
  if (!(error instanceof ApiException)) {
    return new Error(
      `cannot reach the Kubernetes API for Application ${namespace}/${name}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const code = error.code;
  const hint =
    code === 404
      ? `Application ${namespace}/${name} does not exist (check the applications input and argocd-namespace)`
      : code === 401 || code === 403
        ? `not allowed to ${verb} Application ${namespace}/${name} (the kubeconfig's identity needs ${verb} on applications.argoproj.io)`
        : `the Kubernetes API answered ${code} for Application ${namespace}/${name}`;
  const failure: ApplicationReadError = Object.assign(new Error(hint, { cause: error }), { statusCode: code });
  return failure;
}

const applications = (namespace: string, name: string) =>
  ({ group: 'argoproj.io', version: 'v1alpha1', namespace, plural: 'applications', name }) as const;

/** A function returning one Application by name from `namespace` (argocd). */
export function applicationReader(config: KubeConfig, namespace: string): (name: string) => Promise<ArgoApplication> {
  const api = config.makeApiClient(CustomObjectsApi);
  return async (name) => {
    try {
      return (await api.getNamespacedCustomObject(applications(namespace, name))) as ArgoApplication;
    } catch (error) {
      throw apiError(error, namespace, name, 'get');
    }
  };
}

/**
 * The refresh request Argo CD reads: the annotation `argocd.argoproj.io/refresh` with the value
 * `normal` (argoproj/argo-cd v3.3.8: pkg/apis/application/v1alpha1/application_annotations.go
 * AnnotationKeyRefresh, types.go RefreshTypeNormal/RefreshTypeHard; `hard` also drops the manifest
 * cache, which a new commit does not need). The application controller compares against the latest
 * revision when it sees it (controller/appcontroller.go needRefreshAppStatus, "normal refresh
 * requested") and removes it in its next status patch (persistAppStatus); docs/user-guide/annotations-and-labels.md
 * documents both. Argo CD's own refresh sends this same body as a JSON merge patch
 * (util/argo/argo.go RefreshApp, types.MergePatchType).
 */
export const refreshPatch = { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } } as const;

/**
 * A function asking Argo CD to refresh one Application of `namespace` now rather than at its next
 * poll: a JSON merge patch (RFC 7386, Content-Type application/merge-patch+json) of `refreshPatch`,
 * which touches that one annotation and nothing else of the object. Custom resources take JSON patch
 * and merge patch but not strategic merge patch (Kubernetes docs, "Update API Objects in Place Using
 * kubectl patch"); the client sends a JSON patch unless told, hence the header.
 */
export function applicationRefresher(config: KubeConfig, namespace: string): (name: string) => Promise<void> {
  const api = config.makeApiClient(CustomObjectsApi);
  return async (name) => {
    try {
      await api.patchNamespacedCustomObject(
        { ...applications(namespace, name), body: refreshPatch },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      );
    } catch (error) {
      throw apiError(error, namespace, name, 'patch');
    }
  };
}

/**
 * Asks Argo CD to refresh each Application. A refusal (no patch right, a missing Application, an
 * unreachable API) only means the sync starts at Argo CD's next poll, so it is a warning naming the
 * Application and the HTTP status, never a failure; the wait that follows decides.
 */
export async function requestRefresh(
  applications: readonly string[],
  refresh: (name: string) => Promise<void>,
  io: { log(line: string): void; warn(line: string): void },
): Promise<void> {
  const refused: string[] = [];
  await Promise.all(
    applications.map(async (name) => {
      try {
        await refresh(name);
      } catch (error) {
        const code = (error as ApplicationReadError).statusCode;
        refused.push(name);
        io.warn(
          `Argo CD refresh of Application ${name} not requested (${code === undefined ? 'no HTTP answer' : `HTTP ${code}`}): ${(error as Error).message}; it syncs at Argo CD's next poll instead`,
        );
      }
    }),
  );
  const asked = applications.filter((name) => !refused.includes(name));
  if (asked.length > 0) io.log(`Asked Argo CD to refresh ${asked.join(', ')}`);
}
