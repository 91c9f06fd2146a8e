/**
 * The verify action's committed bundle run as the runner runs it (INPUT_*, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY)
 * against a local server following the Kubernetes API (Argo CD Applications valid against the CRD
 * schema), a real Prometheus scraping simulated service pods, a local server following Grafana's
 * annotation API, and a bare git remote on disk for the rollback.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promote } from '../../lib/promotion/promote.ts';
import { createReleaseManifest } from '../../lib/release/release-manifest.ts';
import { createGitopsRemote, digestOf, gitopsTree, registry, run as git } from '../../test-support/gitops-repository.ts';
import { startGrafanaApi } from '../../test-support/grafana-api.ts';
import type { GrafanaApiServer } from '../../test-support/grafana-api.ts';
import { applicationReader, loadKubeConfig } from '../../lib/verify/argocd-applications.ts';
import { watchedPickupTimeline } from '../../test-support/argocd-timeline.ts';
import { argoApplication, deployedStatus, startKubernetesApi } from '../../test-support/kubernetes-api.ts';
import type { KubernetesApiServer } from '../../test-support/kubernetes-api.ts';
import { SimulatedServicePod, startExpositionServer, startPrometheus } from '../../test-support/prometheus-server.ts';
import type { ExpositionServer, PrometheusServer } from '../../test-support/prometheus-server.ts';
import { runAction } from '../../test-support/action-run.ts';

const commit = '4f6d2a1c9b8e7d6c5b4a39281706f5e4d3c2b1a0';
const previous = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';

let work: string;
let kube: KubernetesApiServer;
let grafana: GrafanaApiServer;
let prometheus: PrometheusServer;
const pods: ExpositionServer[] = [];
let ticker: ReturnType<typeof setInterval>;
/** Share of 5xx the new cart answers (the test changes it). */
let cartErrors = 0;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'slipway-verify-'));
  kube = await startKubernetesApi();
  grafana = await startGrafanaApi();
  const simulated = [new SimulatedServicePod('cart', 'sha-2222222'), new SimulatedServicePod('order', 'sha-3333333')];
  for (const pod of simulated) pods.push(await startExpositionServer(pod.tick(0, 0, 0, 0)));
  let last = Date.now();
  ticker = setInterval(() => {
    const seconds = (Date.now() - last) / 1000;
    last = Date.now();
    pods[0]?.set(simulated[0]?.tick(seconds, 40, cartErrors, 0) ?? '');
    pods[1]?.set(simulated[1]?.tick(seconds, 40, 0, 0) ?? '');
  }, 100);
  prometheus = await startPrometheus(
    simulated.map((pod, index) => ({
      address: pods[index]?.address ?? '',
      labels: { namespace: 'shop', service: pod.service, job: pod.service, pod: `${pod.service}-5d6c7-abcde`, environment: 'dev' },
    })),
  );
  await prometheus.waitFor('app_info{service="order"}');
});

afterAll(async () => {
  clearInterval(ticker);
  await prometheus?.stop();
  for (const pod of pods) await pod.stop();
  await grafana?.stop();
  await kube?.stop();
  rmSync(work, { recursive: true, force: true });
});

const actionFolder = new URL('..', import.meta.url).pathname;

interface ActionRun {
  outputs: Record<string, string>;
  summary: string;
  stdout: string;
  exitCode: number | undefined;
}

/** Runs the action's bundle with these inputs as the runner passes them; returns its outputs. */
async function verify(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  const defaults: Record<string, string> = {
    environment: 'dev',
    'gitops-commit': commit,
    services: JSON.stringify([
      { service: 'cart', from: { tag: 'sha-1111111' }, to: { tag: 'sha-2222222', digest: digestOf('cart-2') } },
      { service: 'order', from: { tag: 'sha-1111111' }, to: { tag: 'sha-3333333', digest: digestOf('order-3') } },
    ]),
    kubeconfig: kube.kubeconfig,
    'sync-timeout': '2',
    'poll-interval': '1',
    'prometheus-url': prometheus.url,
    'soak-seconds': '3',
    'grafana-url': grafana.url,
    'grafana-token': grafana.token,
    'min-requests': '10',
  };
  // The workspace is an empty folder unless a test gives a GitOps checkout.
  const { GITHUB_WORKSPACE: workspace = mkdtempSync(join(work, 'run-')), ...rest } = env;
  const result = await runAction(actionFolder, {
    workspace,
    inputs: { ...defaults, ...inputs },
    env: { GITHUB_REPOSITORY: 'example/slipway', GITHUB_RUN_ID: '42', ...rest },
  });
  return { outputs: result.outputs, summary: result.summary, stdout: result.stdout, exitCode: result.code === 0 ? undefined : result.code };
}

const healthy = (name: string, revision = commit) => argoApplication(name, deployedStatus(revision, 'Healthy'));

describe('the verify action', () => {
  it('passes when Argo CD synced the commit and is Healthy and the new versions meet their SLOs, marking Grafana', async () => {
    cartErrors = 0;
    kube.set('cart', healthy('cart'));
    kube.set('order', healthy('order'));
    const before = grafana.annotations.length;
    const result = await verify({});
    expect(result.exitCode, result.stdout).toBeUndefined();
    expect(result.outputs).toMatchObject({ result: 'passed', 'failed-check': '', reason: '', 'rollback-commit': '' });
    expect(JSON.parse(result.outputs['synced-revision'] ?? '{}')).toEqual({ cart: commit, order: commit });
    const slo = JSON.parse(result.outputs['slo'] ?? '[]') as { service: string; version: string; ok: boolean; requests: number }[];
    expect(slo.map((v) => [v.service, v.version, v.ok])).toEqual([
      ['cart', 'sha-2222222', true],
      ['order', 'sha-3333333', true],
    ]);
    expect(slo.every((v) => v.requests >= 10)).toBe(true);
    const posted = grafana.annotations.slice(before);
    expect(result.outputs['annotation-ids']).toBe([before + 1, before + 2].join(','));
    expect(posted.map((a) => a.tags)).toEqual([
      ['deploy', 'cart', 'dev', 'version:sha-2222222', 'verify:passed'],
      ['deploy', 'order', 'dev', 'version:sha-3333333', 'verify:passed'],
    ]);
    expect(posted[0]?.text).toContain('https://github.com/example/slipway/actions/runs/42');
    expect(result.summary).toContain('### Verify dev: passed');
    expect(result.summary).toContain('| cart | sha-2222222 |');
    expect(result.stdout).toContain('cart: Synced and Healthy at 4f6d2a1c9b8e');
  });

  it.each([
    [
      'stuck OutOfSync',
      { sync: { status: 'OutOfSync', revision: previous }, health: { status: 'Healthy' } },
      'timed out after 2s waiting for Argo CD to sync 4f6d2a1c9b8e and report Healthy — cart: OutOfSync at 0a1b2c3d4e5f, waiting for 4f6d2a1c9b8e',
    ],
    [
      'at the wrong revision',
      { sync: { status: 'Synced', revision: previous }, health: { status: 'Healthy' } },
      'timed out after 2s waiting for Argo CD to sync 4f6d2a1c9b8e and report Healthy — cart: Synced and Healthy at 0a1b2c3d4e5f, not the promoted commit 4f6d2a1c9b8e',
    ],
    [
      'Degraded',
      { ...deployedStatus(commit, 'Degraded'), health: { status: 'Degraded', message: 'back-off restarting failed container' } },
      'cart: Degraded at 4f6d2a1c9b8e: back-off restarting failed container',
    ],
    [
      'still Progressing at the timeout',
      deployedStatus(commit, 'Progressing'),
      'timed out after 2s waiting for Argo CD to sync 4f6d2a1c9b8e and report Healthy — cart: Synced at 4f6d2a1c9b8e, health Progressing',
    ],
  ])('fails when an Application is %s, with the reason, and skips the SLO check', async (_name, status, reason) => {
    kube.set('cart', argoApplication('cart', status as never));
    kube.set('order', healthy('order'));
    const result = await verify({});
    expect(result.exitCode).toBe(1);
    expect(result.outputs).toMatchObject({ result: 'failed', 'failed-check': 'sync', reason, slo: '[]' });
    expect(result.stdout).toContain(`::error::verify dev failed (sync): ${reason}`);
    expect(grafana.annotations.at(-1)?.tags).toContain('verify:failed');
  });

  it('fails on an SLO breach of the new version and rolls back with one GitOps commit when asked', async () => {
    const remote = createGitopsRemote(gitopsTree(['cart', 'order'], ['dev']));
    const workspace = remote.clone('runner');
    const release = (tag: string, at: string) =>
      createReleaseManifest({
        createdAt: at,
        source: { repository: 'example/slipway', commit: 'abcdef0123456789abcdef0123456789abcdef01' },
        services: { cart: { image: { repository: `${registry}/cart`, tag, digest: digestOf(`cart-${tag}`) } } },
      });
    const options = (manifest: ReturnType<typeof release>) => ({
      remote: { repoDir: workspace, remote: 'origin', branch: 'main' },
      gitopsPath: 'gitops-repo',
      environment: 'dev',
      source: { kind: 'release' as const, manifest },
    });
    await promote(options(release('sha-1111111', '2026-11-22T01:00:00Z')));
    const bad = await promote(options(release('sha-2222222', '2026-11-22T02:00:00Z')));
    const promoted = bad.commit ?? '';
    kube.set('cart', healthy('cart', promoted));
    cartErrors = 0.5;
    await new Promise((r) => setTimeout(r, 2000));

    const result = await verify(
      { 'gitops-commit': promoted, services: 'cart=sha-2222222', rollback: 'true', token: '' },
      { GITHUB_WORKSPACE: workspace },
    );
    cartErrors = 0;
    expect(result.exitCode).toBe(1);
    expect(result.outputs['failed-check']).toBe('slo');
    expect(result.outputs['reason']).toMatch(
      /^cart sha-2222222: \d+(\.\d)?% of \d+ requests answered 5xx over \d+s; the limit is 3% \(6x the 0\.5% error budget\)$/,
    );
    expect(result.outputs['rollback-commit']).toBe(remote.head());
    expect(git(remote.bare, 'rev-list', '--count', `${promoted}..main`).trim()).toBe('1');
    expect(git(remote.bare, 'log', '-1', '--format=%B', 'main')).toContain(`Slipway-Rolls-Back: ${promoted}`);
    expect(remote.show('gitops-repo/environments/dev/services/cart.yaml')).toContain(`tag: sha-1111111`);
    expect(result.summary).toContain(`Rolled back with GitOps commit \`${remote.head()}\``);
  });

  it('asks Argo CD to refresh and reports commit → sync start and → Healthy from the stand-in timeline (output and job summary)', async () => {
    const remote = createGitopsRemote(gitopsTree(['cart', 'order'], ['dev']));
    const workspace = remote.clone('runner');
    const previousHead = remote.head();
    const manifest = createReleaseManifest({
      createdAt: '2026-11-22T03:00:00Z',
      source: { repository: 'example/slipway', commit: 'abcdef0123456789abcdef0123456789abcdef01' },
      services: { cart: { image: { repository: `${registry}/cart`, tag: 'sha-2222222', digest: digestOf('cart-sha-2222222') } } },
    });
    const landed = await promote({
      remote: { repoDir: workspace, remote: 'origin', branch: 'main' },
      gitopsPath: 'gitops-repo',
      environment: 'dev',
      source: { kind: 'release', manifest },
    });
    const promoted = landed.commit ?? '';
    const committedAt = Number(git(workspace, 'show', '-s', '--format=%ct', promoted).trim()) * 1000;
    // Argo CD's own poll would come 30 s later; only the refresh makes it in time.
    const timeline = watchedPickupTimeline('cart', {
      previous: previousHead,
      revision: promoted,
      committedAt,
      polledAt: Date.now() + 30_000,
      syncMs: 1000,
      healthyAfterMs: 1000,
    });
    kube.set('cart', timeline.serve);

    const result = await verify(
      {
        'gitops-commit': promoted,
        services: 'cart=sha-2222222',
        'prometheus-url': '',
        'grafana-url': '',
        'sync-timeout': '10',
        'soak-seconds': '0',
      },
      { GITHUB_WORKSPACE: workspace },
    );
    const returnedAt = Date.now();
    expect(result.exitCode, result.stdout).toBeUndefined();
    expect(kube.patches('cart')).toEqual([
      { contentType: 'application/merge-patch+json', body: { metadata: { annotations: { 'argocd.argoproj.io/refresh': 'normal' } } } },
    ]);
    const status = (await applicationReader(loadKubeConfig(kube.kubeconfig), 'argocd')('cart')).status;
    const syncStart = (Date.parse(status?.operationState?.startedAt ?? '') - committedAt) / 1000;
    const reassessed = (Date.parse(status?.reconciledAt ?? '') - committedAt) / 1000;
    const timings = JSON.parse(result.outputs['timings'] ?? '{}') as Record<
      string,
      { commitToSyncStartSeconds: number; commitToHealthySeconds: number }
    >;
    expect(Object.keys(timings)).toEqual(['cart']);
    expect(timings['cart']?.commitToSyncStartSeconds).toBe(syncStart);
    expect(syncStart).toBeLessThan(30);
    // Healthy at the poll that first saw it: after the stand-in first served it Healthy (itself after
    // reconciledAt, which is floored to the second) and before the action ended; a loaded machine
    // answers a poll late, so no bound in seconds after reconciledAt. Rounding to 0.1 s keeps the order.
    const figure = (at: number) => Math.round((at - committedAt) / 100) / 10;
    const served = timeline.firstHealthyServedAt() ?? Number.NaN;
    expect(served).toBeGreaterThanOrEqual(committedAt + reassessed * 1000);
    expect(timings['cart']?.commitToHealthySeconds).toBeGreaterThanOrEqual(figure(served));
    expect(timings['cart']?.commitToHealthySeconds).toBeLessThanOrEqual(figure(returnedAt));
    expect(result.summary).toContain(
      `| Application | Commit → sync start | Commit → Healthy |\n|---|---|---|\n| cart | ${syncStart} s | ${timings['cart']?.commitToHealthySeconds} s |`,
    );
  });

  it("with refresh 'false' (the preview job: its role may only read Applications) sends no patch and waits for the named Application", async () => {
    kube.set('preview-pr-7', healthy('preview-pr-7'));
    const result = await verify({
      services: 'cart=pr-7-0123456789abcdef0123456789abcdef01234567',
      applications: 'preview-pr-7',
      refresh: 'false',
      'accept-later-commits': 'false',
      'prometheus-url': '',
      'grafana-url': '',
      'soak-seconds': '0',
    });
    expect(result.exitCode, result.stdout).toBeUndefined();
    expect(result.outputs).toMatchObject({ result: 'passed', reason: '' });
    expect(JSON.parse(result.outputs['synced-revision'] ?? '{}')).toEqual({ 'preview-pr-7': commit });
    expect(kube.patches('preview-pr-7')).toEqual([]);
    expect(result.stdout).toContain('Not asking Argo CD to refresh preview-pr-7 (refresh off)');
    expect(result.stdout).not.toContain('refresh of Application');
  });

  it('passes when Argo CD synced a later commit of the branch that contains the promoted one', async () => {
    const remote = createGitopsRemote(gitopsTree(['cart', 'order'], ['dev']));
    const workspace = remote.clone('runner');
    const release = (service: string, tag: string) =>
      createReleaseManifest({
        createdAt: '2026-11-22T03:00:00Z',
        source: { repository: 'example/slipway', commit: 'abcdef0123456789abcdef0123456789abcdef01' },
        services: { [service]: { image: { repository: `${registry}/${service}`, tag, digest: digestOf(`${service}-${tag}`) } } },
      });
    const land = (service: string, tag: string) =>
      promote({
        remote: { repoDir: workspace, remote: 'origin', branch: 'main' },
        gitopsPath: 'gitops-repo',
        environment: 'dev',
        source: { kind: 'release', manifest: release(service, tag) },
      });
    const ours = (await land('cart', 'sha-2222222')).commit ?? '';
    // Another promotion lands from another runner before Argo CD syncs: it syncs that one.
    const theirs =
      (
        await promote({
          remote: { repoDir: remote.clone('other'), remote: 'origin', branch: 'main' },
          gitopsPath: 'gitops-repo',
          environment: 'dev',
          source: { kind: 'release', manifest: release('order', 'sha-3333333') },
        })
      ).commit ?? '';
    kube.set('cart', healthy('cart', theirs));
    kube.set('order', healthy('order', theirs));
    // The sync check is under test here: no Prometheus, so no SLO soak.
    const result = await verify({ 'gitops-commit': ours, 'prometheus-url': '' }, { GITHUB_WORKSPACE: workspace });
    expect(result.exitCode, result.stdout).toBeUndefined();
    expect(result.outputs).toMatchObject({ result: 'passed', reason: '' });
    expect(JSON.parse(result.outputs['synced-revision'] ?? '{}')).toEqual({ cart: theirs, order: theirs });

    expect(result.stdout).toContain('::warning::no Prometheus given: the SLO check was skipped');
    const refused = await verify(
      { 'gitops-commit': ours, 'accept-later-commits': 'false', 'prometheus-url': '' },
      { GITHUB_WORKSPACE: workspace },
    );
    expect(refused.outputs['reason']).toContain(
      `cart: Synced and Healthy at ${theirs.slice(0, 12)}, not the promoted commit ${ours.slice(0, 12)}`,
    );
  });

  it('reaches Prometheus through the Kubernetes API server service proxy with the kubeconfig credentials', async () => {
    cartErrors = 0;
    kube.set('cart', healthy('cart'));
    kube.set('order', healthy('order'));
    kube.proxyService('monitoring/kube-prometheus-stack-prometheus:9090', prometheus.url);
    const result = await verify({
      'prometheus-url': '',
      'prometheus-service': 'monitoring/kube-prometheus-stack-prometheus:9090',
      'grafana-url': '',
    });
    expect(result.exitCode, result.stdout).toBeUndefined();
    const slo = JSON.parse(result.outputs['slo'] ?? '[]') as { service: string; requests: number; ok: boolean }[];
    expect(slo.map((v) => [v.service, v.ok, v.requests >= 10])).toEqual([
      ['cart', true, true],
      ['order', true, true],
    ]);
  });

  it('fails without a rollback when not asked, leaving the GitOps repository alone', async () => {
    kube.set('cart', healthy('cart'));
    cartErrors = 0.5;
    await new Promise((r) => setTimeout(r, 2000));
    const result = await verify({ services: 'cart=sha-2222222' });
    cartErrors = 0;
    expect(result.outputs).toMatchObject({ result: 'failed', 'failed-check': 'slo', 'rollback-commit': '' });
  });

  it('the committed bundle (dist/index.js) runs under node with the runner environment', async () => {
    kube.set('cart', healthy('cart'));
    const dir = mkdtempSync(join(work, 'dist-'));
    writeFileSync(join(dir, 'output'), '');
    writeFileSync(join(dir, 'summary'), '');
    const bundle = new URL('../dist/index.js', import.meta.url).pathname;
    const env = {
      ...process.env,
      GITHUB_OUTPUT: join(dir, 'output'),
      GITHUB_STEP_SUMMARY: join(dir, 'summary'),
      GITHUB_WORKSPACE: dir,
      INPUT_ENVIRONMENT: 'dev',
      'INPUT_GITOPS-COMMIT': commit,
      INPUT_SERVICES: 'cart=sha-2222222',
      INPUT_KUBECONFIG: kube.kubeconfig,
      'INPUT_SYNC-TIMEOUT': '2',
      'INPUT_SOAK-SECONDS': '2',
      'INPUT_POLL-INTERVAL': '1',
    };
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [bundle], { env }, (error, out) => (error ? reject(error) : resolve(out))),
    );
    expect(stdout).toContain('verify dev: passed');
    expect(readFileSync(join(dir, 'output'), 'utf8')).toMatch(/^result<<(\S+)\npassed\n\1$/m);
  });

  it.each([
    [{ 'gitops-commit': '' }, "input 'gitops-commit' is required"],
    [{ 'gitops-commit': 'main' }, "input 'gitops-commit' must be a commit SHA (7 to 64 hex characters), not 'main'"],
    [{ services: 'cart' }, "input 'services': 'cart' is not service=version"],
    [{ 'soak-seconds': 'ten' }, "input 'soak-seconds' must be seconds between 0 and 21600, not 'ten'"],
    [{ 'availability-objective': '99.5' }, "input 'availability-objective' must be a ratio between 0 and 1 (e.g. 0.995), not '99.5'"],
    [{ rollback: 'yes' }, "input 'rollback' must be true or false, not 'yes'"],
    [{ 'prometheus-service': 'monitoring/prometheus:9090' }, "give input 'prometheus-url' or input 'prometheus-service', not both"],
    [
      { 'prometheus-url': '', 'prometheus-service': 'prometheus:9090' },
      "input 'prometheus-service': 'prometheus:9090' is not namespace/service:port (e.g. monitoring/kube-prometheus-stack-prometheus:9090)",
    ],
    [{ kubeconfig: '/nonexistent/kubeconfig' }, 'cannot load the kubeconfig /nonexistent/kubeconfig: ENOENT'],
  ])('rejects bad input %j with a clear error', async (inputs, message) => {
    const result = await verify(inputs);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(`::error::${message}`);
    expect(result.outputs).toEqual({});
  });
});
