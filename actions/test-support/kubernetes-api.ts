/**
 * A local HTTPS server following the Kubernetes API for Argo CD Application objects, for tests
 * (no cluster runs here): GET /apis/argoproj.io/v1alpha1/namespaces/<ns>/applications/<name> with a
 * bearer token, answering the object or a v1 Status (404 NotFound, 401 Unauthorized) as the API
 * server does; and the service proxy, /api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path>,
 * forwarding to a local server the test names. Every object served is validated against the Argo CD CRD schema
 * (@kubernetes-models/argo-cd) first. A self-signed certificate and a kubeconfig that trusts it are
 * written to a temporary folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1/Application';
import type { ArgoApplication } from '../lib/verify/argo-sync-check.ts';

export interface KubernetesApiServer {
  url: string;
  /** A kubeconfig file for this server (CA data and token). */
  kubeconfig: string;
  /** Serve this Application (validated against the CRD schema), or a function of how often it was read. */
  set(name: string, application: ArgoApplication | ((reads: number) => ArgoApplication)): void;
  reads(name: string): number;
  /** Route the service proxy of `namespace/name:port` to this base URL. */
  proxyService(service: string, target: string): void;
  stop(): Promise<void>;
}

const token = 'test-service-account-token';

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

/** An Application in the shape Argo CD writes, with the given status. */
export function argoApplication(name: string, status: NonNullable<ArgoApplication['status']>): ArgoApplication {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: {
      project: 'shop',
      destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' },
      source: { repoURL: 'https://github.com/example/slipway.git', path: 'app-repo/charts/shop', targetRevision: 'main' },
    },
    status,
  } as ArgoApplication;
}

/**
 * The status Argo CD writes once it has synced `revision` and reassessed health after it: a
 * Succeeded operation for the revision (operationState.syncResult.revision, finishedAt) and
 * reconciledAt after finishedAt (argoproj/argo-cd v3.3.8, pkg/apis/application/v1alpha1/types.go).
 * `times` moves the clock: the sync starts at `startedAt`, finishes a second later, health is
 * reassessed `reconciledAfterMs` after that (negative: a reconcile from before the sync finished).
 */
export function deployedStatus(
  revision: string,
  health: string,
  times: { startedAt?: string; reconciledAfterMs?: number } = {},
): NonNullable<ArgoApplication['status']> {
  const started = Date.parse(times.startedAt ?? '2026-11-22T04:00:00Z');
  const finished = started + 1000;
  return {
    sync: { status: 'Synced', revision },
    health: { status: health },
    reconciledAt: new Date(finished + (times.reconciledAfterMs ?? 2000)).toISOString().replace('.000Z', 'Z'),
    operationState: {
      operation: { sync: { revision } },
      phase: 'Succeeded',
      startedAt: new Date(started).toISOString().replace('.000Z', 'Z'),
      finishedAt: new Date(finished).toISOString().replace('.000Z', 'Z'),
      syncResult: { revision },
    },
  } as NonNullable<ArgoApplication['status']>;
}

export async function startKubernetesApi(): Promise<KubernetesApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-kube-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, 'cert.pem'));
  const objects = new Map<string, ArgoApplication | ((reads: number) => ArgoApplication)>();
  const counts = new Map<string, number>();
  const proxied = new Map<string, string>();
  const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (request, response) => {
    const send = (code: number, body: string) => response.writeHead(code, { 'content-type': 'application/json' }).end(body);
    if (request.headers.authorization !== `Bearer ${token}`) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    const proxy = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/:]+):([^/]+)\/proxy\/(.*)$/.exec(request.url ?? '');
    if (proxy) {
      const target = proxied.get(`${proxy[1]}/${proxy[2]}:${proxy[3]}`);
      if (!target) return send(503, status(503, 'ServiceUnavailable', `no endpoints available for service "${proxy[2]}:${proxy[3]}"`));
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const headers: Record<string, string> = {};
        if (request.headers['content-type']) headers['content-type'] = request.headers['content-type'];
        fetch(`${target}/${proxy[4] ?? ''}`, {
          method: request.method ?? 'GET',
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        })
          .then(async (answer) =>
            response
              .writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' })
              .end(await answer.text()),
          )
          .catch((error: Error) => send(503, status(503, 'ServiceUnavailable', error.message)));
      });
      return;
    }
    const match = /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/applications\/([^/?]+)$/.exec(request.url ?? '');
    if (request.method !== 'GET' || !match) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const [, namespace, name = ''] = match;
    const entry = namespace === 'argocd' ? objects.get(name) : undefined;
    if (!entry) return send(404, status(404, 'NotFound', `applications.argoproj.io "${name}" not found`));
    const reads = (counts.get(name) ?? 0) + 1;
    counts.set(name, reads);
    const object = typeof entry === 'function' ? entry(reads) : entry;
    try {
      new Application(object as never).validate();
    } catch (error) {
      return send(500, status(500, 'InternalError', `test fixture is not a valid Application: ${(error as Error).message}`));
    }
    return send(200, JSON.stringify(object));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { server: url, 'certificate-authority-data': cert.toString('base64') } }],
      users: [{ name: 'verify', user: { token } }],
      contexts: [{ name: 'local', context: { cluster: 'local', user: 'verify', namespace: 'argocd' } }],
      'current-context': 'local',
    }),
  );
  return {
    url,
    kubeconfig,
    set: (name, application) => {
      if (typeof application !== 'function') new Application(application as never).validate();
      objects.set(name, application);
    },
    reads: (name) => counts.get(name) ?? 0,
    proxyService: (service, target) => {
      proxied.set(service, target.replace(/\/$/, ''));
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
