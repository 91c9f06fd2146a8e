/**
 * A local HTTPS server following the Kubernetes API for Argo CD Application objects, for tests
 * (no cluster runs here): GET /apis/argoproj.io/v1alpha1/namespaces/<ns>/applications/<name> with a
 * bearer token, answering the object or a v1 Status (404 NotFound, 401 Unauthorized, 403 Forbidden
 * for a verb the test forbids) as the API server does; PATCH of the same path as a JSON merge patch
 * (RFC 7386, Content-Type application/merge-patch+json; any other type is 415 UnsupportedMediaType,
 * as for a custom resource, which takes no strategic merge patch), and Argo CD's handling of its
 * refresh annotation: `refreshDelayMs` after it is set, the controller has compared with the latest
 * commit (what a timeline, argocd-timeline.ts, is told as `refreshedAt`) and removes the annotation
 * (argoproj/argo-cd v3.3.8 controller/appcontroller.go needRefreshAppStatus, persistAppStatus); and
 * the service proxy, /api/v1/namespaces/<ns>/services/<name>:<port>/proxy/<path>,
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
  /** Serve this Application (validated against the CRD schema), or a function of how often it was read and of Argo CD's refresh. */
  set(name: string, application: ArgoApplication | ((reads: number, argo: ArgoCdView) => ArgoApplication)): void;
  reads(name: string): number;
  /** The merge patches received for `name` since it was set (Content-Type and body). */
  patches(name: string): { contentType: string; body: unknown }[];
  /** The verbs the token may no longer use on Applications (403), e.g. ['patch']; [] allows all again. */
  forbid(verbs: readonly ('get' | 'patch')[]): void;
  /** Route the service proxy of `namespace/name:port` to this base URL. */
  proxyService(service: string, target: string): void;
  stop(): Promise<void>;
}

const token = 'test-service-account-token';
const REFRESH = 'argocd.argoproj.io/refresh';

/** What Argo CD's controller has done for an Application by `now`: when it handled a refresh request, if it did. */
export interface ArgoCdView {
  now: number;
  refreshedAt?: number;
}

/** RFC 7386 JSON merge patch: objects merge key by key, null removes a key, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

/** The API server's 403 for a verb RBAC does not grant the test's service account. */
function forbiddenStatus(verb: string, name: string): string {
  return JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `applications.argoproj.io "${name}" is forbidden: User "system:serviceaccount:ci:slipway-verify" cannot ${verb} resource "applications" in API group "argoproj.io" in the namespace "argocd"`,
    reason: 'Forbidden',
    details: { name, group: 'argoproj.io', kind: 'applications' },
    code: 403,
  });
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

export async function startKubernetesApi(options: { refreshDelayMs?: number } = {}): Promise<KubernetesApiServer> {
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
  const objects = new Map<string, ArgoApplication | ((reads: number, argo: ArgoCdView) => ArgoApplication)>();
  const counts = new Map<string, number>();
  const proxied = new Map<string, string>();
  const received = new Map<string, { contentType: string; body: unknown }[]>();
  /** Per Application, the merge patches applied on top of what the test serves, in order. */
  const applied = new Map<string, unknown[]>();
  /** Per Application: when the refresh annotation was set (pending) and when Argo CD handled it. */
  const refreshes = new Map<string, { requestedAt?: number; refreshedAt?: number }>();
  const forbidden = new Set<string>();
  const refreshDelayMs = options.refreshDelayMs ?? 500;

  /** The Application as stored now: the test's object, the patches on top, and the controller's handling of a refresh. */
  const current = (name: string, reads: number): ArgoApplication | undefined => {
    const entry = objects.get(name);
    if (!entry) return undefined;
    const now = Date.now();
    const refresh = refreshes.get(name) ?? {};
    if (refresh.requestedAt !== undefined && now >= refresh.requestedAt + refreshDelayMs) {
      // Argo CD compared with the latest commit and removed the annotation with its status patch.
      refreshes.set(name, { refreshedAt: refresh.requestedAt + refreshDelayMs });
      applied.get(name)?.push({ metadata: { annotations: { [REFRESH]: null } } });
    }
    const refreshedAt = refreshes.get(name)?.refreshedAt;
    const base = typeof entry === 'function' ? entry(reads, { now, ...(refreshedAt === undefined ? {} : { refreshedAt }) }) : entry;
    return (applied.get(name) ?? []).reduce<unknown>((object, patch) => mergePatch(object, patch), base) as ArgoApplication;
  };

  /** PATCH: checks as the API server does (verb, existence, content type, body, schema), then applies the merge patch. */
  const patch = (name: string, contentType: string, text: string): [number, string] => {
    if (forbidden.has('patch')) return [403, forbiddenStatus('patch', name)];
    if (!objects.has(name)) return [404, status(404, 'NotFound', `applications.argoproj.io "${name}" not found`)];
    if (contentType.split(';')[0]?.trim() !== 'application/merge-patch+json') {
      const message = `the body of the request was in an unknown format - accepted media types include: application/merge-patch+json (this stand-in takes merge patches only; got '${contentType}')`;
      return [415, status(415, 'UnsupportedMediaType', message)];
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (error) {
      return [400, status(400, 'BadRequest', `error decoding patch: ${(error as Error).message}`)];
    }
    received.set(name, [...(received.get(name) ?? []), { contentType, body }]);
    const patched = mergePatch(current(name, counts.get(name) ?? 0), body) as ArgoApplication;
    try {
      new Application(patched as never).validate();
    } catch (error) {
      return [422, status(422, 'Invalid', `Application.argoproj.io "${name}" is invalid: ${(error as Error).message}`)];
    }
    applied.set(name, [...(applied.get(name) ?? []), body]);
    if (patched.metadata?.annotations?.[REFRESH] !== undefined && refreshes.get(name)?.requestedAt === undefined)
      refreshes.set(name, { ...refreshes.get(name), requestedAt: Date.now() });
    return [200, JSON.stringify(patched)];
  };

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
    const match = /^\/apis\/argoproj\.io\/v1alpha1\/namespaces\/([^/]+)\/applications\/([^/?]+)(\?.*)?$/.exec(request.url ?? '');
    if ((request.method !== 'GET' && request.method !== 'PATCH') || !match)
      return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const [, namespace, found = ''] = match;
    const name = namespace === 'argocd' ? found : '';
    if (request.method === 'PATCH') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => send(...patch(name, request.headers['content-type'] ?? '', Buffer.concat(chunks).toString('utf8'))));
      return;
    }
    if (forbidden.has('get')) return send(403, forbiddenStatus('get', found));
    if (!objects.has(name)) return send(404, status(404, 'NotFound', `applications.argoproj.io "${found}" not found`));
    const reads = (counts.get(name) ?? 0) + 1;
    counts.set(name, reads);
    const object = current(name, reads);
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
      for (const state of [received, applied, refreshes]) state.delete(name);
    },
    reads: (name) => counts.get(name) ?? 0,
    patches: (name) => received.get(name) ?? [],
    forbid: (verbs) => {
      forbidden.clear();
      for (const verb of verbs) forbidden.add(verb);
    },
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
