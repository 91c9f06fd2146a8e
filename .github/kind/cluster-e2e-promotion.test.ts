// The kind job's last step, a promotion verified against Argo CD with its commit → sync start and
// commit → Healthy times in the job summary. Nothing of kind runs here, so the step's own script runs
// as the runner runs it (bash -eo pipefail) where the earlier steps left things: the prepared GitOps
// tree in $RUNNER_TEMP/tree, pushed to the bare repository $RUNNER_TEMP/git/slipway.git that git
// daemon serves to Argo CD, and the built images in $RUNNER_TEMP/images.txt. docker is a stub (no
// registry); slipway is the real CLI; the cluster is the Kubernetes API stand-in with an Argo CD that
// follows the bare repository and picks a new commit up at its poll, or at once when asked to refresh.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applicationReader, loadKubeConfig } from '../../actions/lib/verify/argocd-applications.ts';
import { pickupTimeline } from '../../actions/test-support/argocd-timeline.ts';
import type { PickupTimeline } from '../../actions/test-support/argocd-timeline.ts';
import { digestOf, gitopsTree, registry as ecr, run as git } from '../../actions/test-support/gitops-repository.ts';
import { argoApplication, deployedStatus, startKubernetesApi } from '../../actions/test-support/kubernetes-api.ts';
import type { KubernetesApiServer } from '../../actions/test-support/kubernetes-api.ts';

interface Step {
  name?: string;
  run?: string;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const job = (
  parse(readFileSync(`${root}.github/workflows/cluster-e2e.yml`, 'utf8')) as {
    jobs: { cluster: { env: Record<string, string>; steps: Step[] } };
  }
).jobs.cluster;
const stepNamed = (prefix: string): Step | undefined => job.steps.find((step) => step.name?.startsWith(prefix));
const promotionStep = 'A promotion verified against Argo CD';

describe('cluster-e2e.yml: a promotion verified against Argo CD', () => {
  let kube: KubernetesApiServer;
  let temp: string;
  beforeAll(async () => {
    kube = await startKubernetesApi();
    temp = mkdtempSync(join(tmpdir(), 'slipway-kind-promotion-'));
  });
  afterAll(async () => {
    await kube?.stop();
    rmSync(temp, { recursive: true, force: true });
  });

  it('comes after every Application is Synced and Healthy and the shop was tested, and writes to the job summary', () => {
    const names = job.steps.map((step) => step.name ?? '');
    const at = names.findIndex((name) => name.startsWith(promotionStep));
    expect(at).toBeGreaterThan(names.indexOf('Wait until every Application is Synced and Healthy'));
    expect(at).toBeGreaterThan(names.indexOf('Playwright through the Ingress'));
    expect(stepNamed(promotionStep)?.run).toMatch(/"\$slipway" verify dev .*--summary "\$GITHUB_STEP_SUMMARY"/);
    // The GitOps source it commits to is the one the serving step pushes to and git daemon serves.
    const serve = stepNamed('Serve this commit')?.run ?? '';
    expect(serve).toContain('serve="$RUNNER_TEMP/git"');
    expect(serve).toContain('git -C "$tree" push -q "$serve/slipway.git" main');
    expect(serve).toMatch(/git daemon .*--base-path="\$serve"/);
    expect(stepNamed(promotionStep)?.run).toContain('git remote add origin "$RUNNER_TEMP/git/slipway.git"');
  });

  it('its script makes a promotion commit there, asks Argo CD to refresh and reports commit → sync start and → Healthy', async () => {
    const runnerTemp = join(temp, 'runner');
    const tree = join(runnerTemp, 'tree');
    const bare = join(runnerTemp, 'git', 'slipway.git');
    mkdirSync(tree, { recursive: true });
    // The tree as prepare-gitops.ts leaves it: the services pinned to the images built into the kind registry.
    const registry = job.env['REGISTRY'] ?? '';
    for (const [path, text] of gitopsTree(['cart'], ['dev'])) {
      mkdirSync(dirname(join(tree, path)), { recursive: true });
      writeFileSync(join(tree, path), text.replaceAll(`${ecr}/`, `${registry}/slipway/`));
    }
    git(runnerTemp, 'init', '-q', '--bare', bare);
    git(tree, 'init', '-q', '-b', 'main');
    git(tree, 'add', '-A');
    git(tree, 'commit', '-q', '-m', 'cluster end-to-end: the kind overlay');
    git(tree, 'push', '-q', bare, 'main');
    const seeded = git(bare, 'rev-parse', 'main').trim();
    expect(git(bare, 'show', 'main:gitops-repo/environments/dev/services/cart.yaml')).toContain(`repository: ${registry}/slipway/cart`);
    writeFileSync(join(runnerTemp, 'images.txt'), `cart=${registry}/slipway/cart:e2e-0123456789ab@${digestOf('cart-e2e')}\n`);
    // Argo CD follows the bare repository: Synced and Healthy at the seed, then the promotion along a
    // timeline whose own poll comes a minute later, so only a refresh starts the sync in time.
    let timeline: PickupTimeline | undefined;
    kube.set('cart', (reads, argo) => {
      const head = git(bare, 'rev-parse', 'main').trim();
      if (head === seeded) return argoApplication('cart', deployedStatus(seeded, 'Healthy'));
      const committedAt = Number(git(bare, 'show', '-s', '--format=%ct', head).trim()) * 1000;
      timeline ??= { previous: seeded, revision: head, committedAt, polledAt: Date.now() + 60_000, syncMs: 1000, healthyAfterMs: 1000 };
      return pickupTimeline('cart', timeline)(reads, argo);
    });
    const bin = join(temp, 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, 'docker'), '#!/bin/sh\necho "docker $*" >&2\n');
    chmodSync(join(bin, 'docker'), 0o755);
    const summary = join(temp, 'summary.md');
    writeFileSync(summary, '');

    const script = stepNamed(promotionStep)?.run ?? '';
    // Not spawnSync: the stand-in answers from this process while the script runs.
    const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
        timeout: 120_000,
        env: {
          PATH: `${bin}:${process.env['PATH'] ?? ''}`,
          HOME: temp,
          KUBECONFIG: kube.kubeconfig,
          GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
          GITHUB_WORKSPACE: root,
          GITHUB_STEP_SUMMARY: summary,
          RUNNER_TEMP: runnerTemp,
          REGISTRY: registry,
          GIT_AUTHOR_NAME: 'cluster-e2e',
          GIT_AUTHOR_EMAIL: 'cluster-e2e@localhost',
          GIT_COMMITTER_NAME: 'cluster-e2e',
          GIT_COMMITTER_EMAIL: 'cluster-e2e@localhost',
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    const promoted = git(bare, 'rev-parse', 'main').trim();
    expect(git(bare, 'log', '-1', '--format=%s', promoted)).toContain('promote dev: cart');
    expect(git(bare, 'show', `${promoted}:gitops-repo/environments/dev/services/cart.yaml`)).toContain('tag: e2e-0123456789ab-promoted');
    expect(result.stderr).toContain(`docker push ${registry}/slipway/cart:e2e-0123456789ab-promoted`);
    expect(kube.patches('cart').map((patch) => patch.contentType)).toEqual(['application/merge-patch+json']);

    const status = (await applicationReader(loadKubeConfig(kube.kubeconfig), 'argocd')('cart')).status;
    const syncStart = (Date.parse(status?.operationState?.startedAt ?? '') - (timeline?.committedAt ?? Number.NaN)) / 1000;
    expect(syncStart).toBeLessThan(60);
    const text = readFileSync(summary, 'utf8');
    expect(text).toContain('### Verify dev: passed');
    expect(text).toMatch(
      new RegExp(
        `\\| Application \\| Commit → sync start \\| Commit → Healthy \\|\\n\\|---\\|---\\|---\\|\\n\\| cart \\| ${syncStart} s \\| \\d+(\\.\\d)? s \\|`,
      ),
    );
  });
});
