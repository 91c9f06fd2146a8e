/**
 * Which Argo CD sources install a chart from a chart repository, and how helm reaches it.
 * Field names and forms follow Argo CD v3.3.8 (the argo-cd chart 9.5.4 that
 * infra-repo/modules/argocd pins): argoproj/argo-cd `docs/operator-manual/application.yaml`,
 * `docs/user-guide/helm.md` and `docs/user-guide/oci.md` at tag v3.3.8:
 * - a Helm repository over HTTP(S): `repoURL: https://…`, `chart: <name>`, `targetRevision: <version>`;
 * - a Helm repository in an OCI registry: `repoURL: <registry>/<path>` without a scheme, `chart: <name>`;
 * - an OCI source: `repoURL: oci://<registry>/<path>/<name>`, `path: .`, `targetRevision: <tag>`.
 */
type Json = Record<string, unknown>;

export interface RemoteChart {
  protocol: 'http' | 'oci';
  /** The repository as the Application names it. */
  repoURL: string;
  chart: string;
  version: string;
  /** For OCI: `oci://registry/path/name`, what helm pull takes. */
  reference: string;
}

/** Registries on loopback speak plain HTTP, as Docker treats 127.0.0.0/8 registries as insecure by default. */
export function isLoopbackHost(hostAndPort: string): boolean {
  const host = hostAndPort.startsWith('[') ? hostAndPort.slice(0, hostAndPort.indexOf(']') + 1) : hostAndPort.replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The chart a source installs from a repository, or undefined for Git sources. */
export function remoteChartOf(source: Json): RemoteChart | undefined {
  const repoURL = typeof source.repoURL === 'string' ? source.repoURL.trim() : '';
  const version = typeof source.targetRevision === 'string' ? source.targetRevision : String(source.targetRevision ?? '');
  const chart = typeof source.chart === 'string' ? source.chart : '';
  if (repoURL.startsWith('oci://')) {
    const path = repoURL.slice('oci://'.length).replace(/\/+$/, '');
    if (chart) return { protocol: 'oci', repoURL, chart, version, reference: `oci://${path}/${chart}` };
    const name = path.slice(path.lastIndexOf('/') + 1);
    return { protocol: 'oci', repoURL, chart: name, version, reference: `oci://${path}` };
  }
  if (!chart) return undefined;
  if (/^https?:\/\//i.test(repoURL)) return { protocol: 'http', repoURL, chart, version, reference: chart };
  return { protocol: 'oci', repoURL, chart, version, reference: `oci://${repoURL.replace(/\/+$/, '')}/${chart}` };
}

/** `helm pull` arguments for the chart (into `destination`, unpacked). */
export function helmPullArguments(chart: RemoteChart, destination: string): string[] {
  const args = ['pull', chart.reference, '--version', chart.version, '--destination', destination, '--untar'];
  if (chart.protocol === 'http') args.push('--repo', chart.repoURL);
  else if (isLoopbackHost(chart.reference.slice('oci://'.length).split('/')[0] ?? '')) args.push('--plain-http');
  return args;
}
