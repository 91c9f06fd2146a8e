import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argoApplication, deployedStatus, startKubernetesApi } from '../../test-support/kubernetes-api.ts';
import type { KubernetesApiServer } from '../../test-support/kubernetes-api.ts';
import type { CommandIo } from '../command.ts';
import { InputError } from '../../lib/shell/inputs/raw-inputs.ts';
import { command } from './verify.ts';

const commit = '4f6d2a1c9b8e7d6c5b4a39281706f5e4d3c2b1a0';

describe('slipway verify against a local server following the Kubernetes API', () => {
  let kube: KubernetesApiServer;
  const cwd = mkdtempSync(join(tmpdir(), 'slipway-verify-cli-'));
  beforeAll(async () => {
    kube = await startKubernetesApi();
  });
  afterAll(async () => {
    await kube.stop();
    rmSync(cwd, { recursive: true, force: true });
  });

  function io(): CommandIo & { lines: string[]; errors: string[] } {
    const lines: string[] = [];
    const errors: string[] = [];
    return { cwd, env: {}, out: (line) => lines.push(line), err: (line) => errors.push(line), lines, errors };
  }

  /** `slipway verify dev` for cart at the commit, against the stand-in API, without a soak. */
  function verifyDev(out: CommandIo): Promise<number> {
    const args = ['dev', '--commit', commit, '--services', 'cart=sha-2222222', '--kubeconfig', kube.kubeconfig];
    return command.run([...args, '--timeout', '2', '--interval', '1', '--soak', '0'], out);
  }

  it('exits 0 when the Applications synced the commit and are Healthy (no Prometheus: SLOs skipped with a warning)', async () => {
    kube.set('cart', argoApplication('cart', deployedStatus(commit, 'Healthy')));
    const out = io();
    expect(await verifyDev(out)).toBe(0);
    expect(out.lines).toEqual(['verify dev: passed']);
    expect(out.errors).toContain('warning: no Prometheus given: the SLO check was skipped');
  });

  it('--summary appends the Markdown report, and asks Argo CD to refresh first', async () => {
    kube.set('cart', argoApplication('cart', deployedStatus(commit, 'Healthy')));
    const file = join(cwd, 'summary.md');
    writeFileSync(file, '# earlier step\n');
    const out = io();
    expect(
      await command.run(
        [
          'dev',
          '--commit',
          commit,
          '--services',
          'cart=sha-2222222',
          '--kubeconfig',
          kube.kubeconfig,
          '--timeout',
          '2',
          '--interval',
          '1',
          '--soak',
          '0',
          '--summary',
          'summary.md',
        ],
        out,
      ),
    ).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(
      '# earlier step\n### Verify dev: passed\n\nGitOps commit `4f6d2a1c9b8e`\n\n| Application | Argo CD |\n|---|---|\n| cart | Synced, Healthy at `4f6d2a1c9b8e` |\n',
    );
    expect(kube.patches('cart').map((p) => p.contentType)).toEqual(['application/merge-patch+json']);
    expect(out.errors).toContain(
      'warning: the promoted commit 4f6d2a1c9b8e is not in this checkout: commit → sync start and → Healthy are not reported',
    );
  });

  it('exits 1 with the reason when an Application is Degraded', async () => {
    kube.set(
      'cart',
      argoApplication('cart', { ...deployedStatus(commit, 'Degraded'), health: { status: 'Degraded', message: 'ImagePullBackOff' } }),
    );
    const out = io();
    expect(await verifyDev(out)).toBe(1);
    expect(out.lines).toEqual(['verify dev: failed (sync): cart: Degraded at 4f6d2a1c9b8e: ImagePullBackOff']);
  });

  it.each([
    [['--commit', commit, '--services', 'cart=1'], 'give exactly one environment'],
    [['dev', '--services', 'cart=1'], '--commit is required: the GitOps commit the promotion made'],
    [['dev', '--commit', 'main', '--services', 'cart=1'], "--commit must be a commit SHA (7 to 64 hex characters), not 'main'"],
    [
      ['dev', '--commit', commit],
      "--services is required: the services and versions to check: service=version, or the promote action's services output",
    ],
    [['dev', '--commit', commit, '--services', '[]'], '--services must name at least one service=version'],
    [['dev', '--commit', commit, '--services', 'cart=1', '--timeout', 'soon'], "--timeout must be seconds between 1 and 21600, not 'soon'"],
  ])('rejects %j with an input error (exit 2 with the usage)', async (args, message) => {
    await expect(command.run(args, io())).rejects.toThrow(new InputError(message));
  });
});
