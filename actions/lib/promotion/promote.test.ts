import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { environmentImages } from './environment-images.ts';
import type { CheckedImage } from './environment-images.ts';
import { promote } from './promote.ts';
import type { PromoteOptions } from './promote.ts';
import { HeadSnapshot } from './head-snapshot.ts';
import { defaultYamlLimits } from '../manifests/yaml-edit.ts';
import { createReleaseManifest } from '../release/release-manifest.ts';
import type { ReleaseManifest } from '../release/release-manifest.ts';
import { createGitopsRemote, digestOf, gitopsTree, registry, removeGitopsRemotes, run } from '../../test-support/gitops-repository.ts';

afterAll(removeGitopsRemotes);

const services = ['frontend', 'product', 'cart', 'order'];

function release(
  service: string,
  version: string,
  createdAt: string,
  commit = 'abcdef0123456789abcdef0123456789abcdef01',
  chartRevision?: string,
): ReleaseManifest {
  return createReleaseManifest({
    createdAt,
    source: { repository: 'example/slipway', commit },
    services: {
      [service]: {
        image: { repository: `${registry}/${service}`, tag: `sha-${version}`, digest: digestOf(`${service}-${version}`) },
        ...(chartRevision ? { chart: { revision: chartRevision } } : {}),
      },
    },
  });
}

function options(
  checkout: string,
  environment: string,
  source: PromoteOptions['source'],
  extra: Partial<PromoteOptions> = {},
): PromoteOptions {
  return { remote: { repoDir: checkout, remote: 'origin', branch: 'main' }, gitopsPath: 'gitops-repo', environment, source, ...extra };
}

const commitCount = (bare: string): number => Number(run(bare, 'rev-list', '--count', 'main').trim());

describe('promote with real git and a bare remote on disk', () => {
  it('lands one commit with trailers that changes exactly the pinned lines, and a re-run makes no commit', async () => {
    const remote = createGitopsRemote(gitopsTree(services));
    const checkout = remote.clone('runner');
    const before = remote.show('gitops-repo/environments/dev/services/product.yaml');
    const chart = '1a2b3c4d'.padEnd(40, '0');
    const manifest = release('product', '1a2b3c4', '2026-11-22T03:00:00Z', undefined, chart);

    const first = await promote(options(checkout, 'dev', { kind: 'release', manifest }, { approver: 'alice' }));
    expect(first.commit).toBe(remote.head());
    expect(first.plan.changes.map((change) => change.service)).toEqual(['product']);
    const after = remote.show('gitops-repo/environments/dev/services/product.yaml');
    const changedLines = after.split('\n').filter((line, index) => line !== before.split('\n')[index]);
    expect(changedLines).toEqual([
      '          tag: sha-1a2b3c4',
      `          digest: ${digestOf('product-1a2b3c4')}`,
      `    targetRevision: ${chart}`,
    ]);
    expect(run(remote.bare, 'diff', '--name-only', 'main~1', 'main').trim()).toBe('gitops-repo/environments/dev/services/product.yaml');
    const message = run(remote.bare, 'log', '-1', '--format=%B', 'main');
    expect(message).toMatch(/^promote dev: product sha-1a2b3c4\n/);
    expect(message).toContain(`Slipway-Release: ${manifest.id}\n`);
    expect(message).toContain('Source-Commit: abcdef0123456789abcdef0123456789abcdef01\n');
    expect(message).toContain(
      `Slipway-Image: product ${registry}/product:sha-1a2b3c4@${digestOf('product-1a2b3c4')} chart=${chart} source=abcdef0123456789abcdef0123456789abcdef01 created=2026-11-22T03:00:00.000Z release=${manifest.id}\n`,
    );
    expect(message).toContain('Approved-By: alice\n');
    // The runner's checkout is untouched: no working-tree or index change, no leftover scratch refs.
    expect(run(checkout, 'status', '--porcelain')).toBe('');
    expect(run(checkout, 'for-each-ref', 'refs/slipway')).toBe('');

    const count = commitCount(remote.bare);
    const again = await promote(options(checkout, 'dev', { kind: 'release', manifest }));
    expect(again.commit).toBeUndefined();
    expect(again.plan.unchanged).toEqual(['product']);
    expect(commitCount(remote.bare)).toBe(count);
  });

  it('lands 20 concurrent promotions of different services into one remote, none lost', async () => {
    const many = Array.from({ length: 20 }, (_, index) => `svc${String(index).padStart(2, '0')}`);
    const remote = createGitopsRemote(gitopsTree(many, ['dev']));
    const checkouts = many.map((service) => remote.clone(`runner-${service}`));
    const results = await Promise.all(
      many.map((service, index) =>
        promote(options(checkouts[index] ?? '', 'dev', { kind: 'release', manifest: release(service, 'c0ffee1', '2026-11-22T03:00:00Z') })),
      ),
    );
    expect(results.every((result) => result.commit !== undefined)).toBe(true);
    expect(results.some((result) => result.attempts > 1)).toBe(true);
    expect(commitCount(remote.bare)).toBe(21);
    for (const service of many) {
      expect(remote.show(`gitops-repo/environments/dev/services/${service}.yaml`)).toContain(`digest: ${digestOf(`${service}-c0ffee1`)}`);
    }
  }, 180_000);

  it('ends racing promotions of the same service with the later release, whichever lands first', async () => {
    const remote = createGitopsRemote(gitopsTree(services, ['dev']));
    for (let round = 0; round < 3; round += 1) {
      const older = release('cart', `0ld${round}aaa`, `2026-11-22T0${round + 1}:00:00Z`);
      const newer = release('cart', `0ew${round}bbb`, `2026-11-22T0${round + 1}:30:00Z`);
      const [a, b] = [remote.clone(`older-${round}`), remote.clone(`newer-${round}`)];
      // Start the newer one first in odd rounds so both orders of arrival are exercised.
      const runs =
        round % 2 === 0
          ? [
              promote(options(a, 'dev', { kind: 'release', manifest: older })),
              promote(options(b, 'dev', { kind: 'release', manifest: newer })),
            ]
          : [
              promote(options(b, 'dev', { kind: 'release', manifest: newer })),
              promote(options(a, 'dev', { kind: 'release', manifest: older })),
            ];
      await Promise.all(runs);
      expect(remote.show('gitops-repo/environments/dev/services/cart.yaml')).toContain(`digest: ${digestOf(`cart-0ew${round}bbb`)}`);
    }
    // An older release arriving late is skipped with a reason, and makes no commit.
    const count = commitCount(remote.bare);
    const late = await promote(
      options(remote.clone('late'), 'dev', { kind: 'release', manifest: release('cart', 'late000', '2026-11-22T00:00:00Z') }),
    );
    expect(late.commit).toBeUndefined();
    expect(late.plan.skipped[0]?.reason).toMatch(/already runs cart from release .* newer than release/);
    expect(commitCount(remote.bare)).toBe(count);
  });

  it('leaves the working tree and the remote unchanged when the push fails midway', async () => {
    const remote = createGitopsRemote(gitopsTree(services, ['dev']));
    const checkout = remote.clone('runner');
    const head = remote.head();
    const hook = join(remote.bare, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\necho "branch protection says no" >&2\nexit 1\n');
    chmodSync(hook, 0o755);
    await expect(
      promote(options(checkout, 'dev', { kind: 'release', manifest: release('order', 'f00d123', '2026-11-22T03:00:00Z') })),
    ).rejects.toThrow(/branch protection says no/);
    expect(remote.head()).toBe(head);
    expect(run(checkout, 'status', '--porcelain')).toBe('');
    expect(run(checkout, 'rev-parse', 'HEAD').trim()).toBe(head);
    expect(run(checkout, 'for-each-ref', 'refs/slipway')).toBe('');
    expect(readFileSync(join(checkout, 'gitops-repo/environments/dev/services/order.yaml'), 'utf8')).toBe(
      remote.show('gitops-repo/environments/dev/services/order.yaml'),
    );
  });

  it('rolls back to the previous release with one commit, and promotes prod from dev by exact digest', async () => {
    const remote = createGitopsRemote(gitopsTree(services));
    const checkout = remote.clone('runner');
    const first = release('frontend', '1111111', '2026-11-22T01:00:00Z', '1111111111111111111111111111111111111111', 'c1'.repeat(20));
    const second = release('frontend', '2222222', '2026-11-22T02:00:00Z', '2222222222222222222222222222222222222222', 'c2'.repeat(20));
    await promote(options(checkout, 'dev', { kind: 'release', manifest: first }));
    const bad = await promote(options(checkout, 'dev', { kind: 'release', manifest: second }));

    const prod = await promote(options(checkout, 'prod', { kind: 'environment', from: 'dev' }, { approver: 'release-managers' }));
    // prod gets dev's exact images: frontend with its recorded origin, the others as dev pins them.
    const frontend = prod.plan.changes.find((change) => change.service === 'frontend');
    expect([frontend?.image.digest, frontend?.chartRevision, frontend?.sourceCommit]).toEqual([
      digestOf('frontend-2222222'),
      'c2'.repeat(20),
      '2222222222222222222222222222222222222222',
    ]);
    expect(prod.plan.changes.map((change) => change.service).sort()).toEqual([...services].sort());
    for (const service of services) {
      const digestLine = (environment: string) =>
        remote
          .show(`gitops-repo/environments/${environment}/services/${service}.yaml`)
          .split('\n')
          .find((line) => line.includes('digest:'));
      expect(digestLine('prod')).toBe(digestLine('dev'));
    }
    expect(run(remote.bare, 'log', '-1', '--format=%B', 'main')).toContain('Approved-By: release-managers');

    const rollback = await promote(options(checkout, 'dev', { kind: 'rollback' }));
    expect(rollback.commit).toBe(remote.head());
    const dev = remote.show('gitops-repo/environments/dev/services/frontend.yaml');
    expect(dev).toContain(`digest: ${digestOf('frontend-1111111')}`);
    expect(dev).toContain(`targetRevision: ${'c1'.repeat(20)}`);
    expect(run(remote.bare, 'log', '-1', '--format=%B', 'main')).toContain(`Slipway-Rolls-Back: ${bad.commit}`);
    expect(run(remote.bare, 'diff', '--name-only', 'main~1', 'main').trim()).toBe('gitops-repo/environments/dev/services/frontend.yaml');

    // Re-running the pipeline of the rolled-back release does not bring it back; naming the image explicitly does.
    const rerun = await promote(options(checkout, 'dev', { kind: 'release', manifest: second }));
    expect(rerun.commit).toBeUndefined();
    expect(rerun.plan.skipped[0]?.reason).toMatch(/frontend sha-2222222 was rolled back in dev \(commit [0-9a-f]{12}\)/);
    const image = { repository: `${registry}/frontend`, tag: 'sha-2222222', digest: digestOf('frontend-2222222') };
    const explicit = await promote(options(checkout, 'dev', { kind: 'images', images: [{ service: 'frontend', image }] }));
    expect(explicit.plan.changes.map((change) => change.image.tag)).toEqual(['sha-2222222']);
  });

  it('gives up after the bounded number of attempts with a clear error, landing nothing of its own', async () => {
    const remote = createGitopsRemote(gitopsTree(services, ['dev']));
    const [a, b] = [remote.clone('a'), remote.clone('b')];
    const results = await Promise.allSettled([
      promote(options(a, 'dev', { kind: 'release', manifest: release('cart', '1000001', '2026-11-22T03:00:00Z') }, { maxAttempts: 1 })),
      promote(options(b, 'dev', { kind: 'release', manifest: release('order', '1000002', '2026-11-22T03:00:00Z') }, { maxAttempts: 1 })),
    ]);
    const failed = results.filter((result) => result.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(String((failed[0] as PromiseRejectedResult).reason)).toMatch(
      /push to main was rejected 1 times: other promotions kept landing first; re-run the promotion/,
    );
    expect(commitCount(remote.bare)).toBe(2);
  });

  it('reads the full promotion history from a shallow checkout, so order still holds', async () => {
    const remote = createGitopsRemote(gitopsTree(services, ['dev']));
    await promote(
      options(remote.clone('first'), 'dev', { kind: 'release', manifest: release('product', '2000002', '2026-11-22T05:00:00Z') }),
    );
    await promote(
      options(remote.clone('second'), 'dev', { kind: 'release', manifest: release('cart', '2000003', '2026-11-22T05:00:00Z') }),
    );
    const shallow = join(remote.root, 'shallow');
    run(remote.root, 'clone', '--quiet', '--depth', '1', `file://${remote.bare}`, shallow);
    const late = await promote(
      options(shallow, 'dev', { kind: 'release', manifest: release('product', '2000001', '2026-11-22T04:00:00Z') }),
    );
    expect(late.commit).toBeUndefined();
    expect(late.plan.skipped.map((skipped) => skipped.service)).toEqual(['product']);
  });

  it("starts from the checkout's remote-tracking branch and re-applies on the fresh head when that was stale", async () => {
    const remote = createGitopsRemote(gitopsTree(services, ['dev']));
    const [fresh, stale] = [remote.clone('fresh'), remote.clone('stale')];
    const first = await promote(options(fresh, 'dev', { kind: 'release', manifest: release('cart', '3000001', '2026-11-22T03:00:00Z') }));
    expect(first.attempts).toBe(1);
    const second = await promote(options(stale, 'dev', { kind: 'release', manifest: release('order', '3000002', '2026-11-22T03:00:00Z') }));
    expect(second.attempts).toBe(2);
    expect(run(remote.bare, 'rev-parse', 'main~1').trim()).toBe(first.commit);
    expect(remote.show('gitops-repo/environments/dev/services/cart.yaml')).toContain(`digest: ${digestOf('cart-3000001')}`);
    expect(remote.show('gitops-repo/environments/dev/services/order.yaml')).toContain(`digest: ${digestOf('order-3000002')}`);
  });

  it('lands concurrent promotions started from one and the same checkout', async () => {
    const remote = createGitopsRemote(gitopsTree(services, ['dev']));
    const checkout = remote.clone('shared');
    await Promise.all(
      services.map((service) =>
        promote(options(checkout, 'dev', { kind: 'release', manifest: release(service, '4000004', '2026-11-22T03:00:00Z') })),
      ),
    );
    expect(commitCount(remote.bare)).toBe(1 + services.length);
    for (const service of services)
      expect(remote.show(`gitops-repo/environments/dev/services/${service}.yaml`)).toContain(`digest: ${digestOf(`${service}-4000004`)}`);
    expect(run(checkout, 'for-each-ref', 'refs/slipway')).toBe('');
  });

  it('commits nothing at all when one service of a release cannot be promoted', async () => {
    const remote = createGitopsRemote(gitopsTree(services, ['dev']));
    const head = remote.head();
    const manifest = createReleaseManifest({
      createdAt: '2026-11-22T03:00:00Z',
      source: { repository: 'example/slipway', commit: 'abcdef0' },
      services: {
        cart: { image: { repository: `${registry}/cart`, tag: 'sha-5000005', digest: digestOf('cart-5') } },
        payments: { image: { repository: `${registry}/payments`, tag: 'sha-5000005', digest: digestOf('payments-5') } },
      },
    });
    await expect(promote(options(remote.clone('runner'), 'dev', { kind: 'release', manifest }))).rejects.toThrow(
      /payments \(.*\/payments\) is pinned nowhere in environment dev/,
    );
    expect(remote.head()).toBe(head);
  });

  it('promotes from an environment only what it pins by digest, leaving tag-only images alone', async () => {
    const files = gitopsTree(['product'], ['dev', 'prod']);
    const platform = (tag: string): string =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: grafana}\nspec:\n  source:\n    repoURL: https://grafana.github.io/helm-charts\n    chart: grafana\n    targetRevision: 8.0.0\n    helm:\n      valuesObject:\n        image: {repository: docker.io/grafana/grafana, tag: "${tag}"}\n`;
    files.set('gitops-repo/environments/dev/platform/grafana.yaml', platform('11.1.0'));
    files.set('gitops-repo/environments/prod/platform/grafana.yaml', platform('11.0.0'));
    const remote = createGitopsRemote(files);
    const result = await promote(options(remote.clone('runner'), 'prod', { kind: 'environment', from: 'dev' }));
    expect(result.plan.changes.map((change) => change.service)).toEqual(['product']);
    expect(remote.show('gitops-repo/environments/prod/platform/grafana.yaml')).toContain('tag: "11.0.0"');
    await expect(
      promote(options(remote.clone('named'), 'prod', { kind: 'environment', from: 'dev', services: ['grafana'] })),
    ).rejects.toThrow(/dev pins docker\.io\/grafana\/grafana without a digest/);
  });

  it('promotes from an environment only while it pins exactly the checked images: dev moved after the check is refused, nothing written', async () => {
    const remote = createGitopsRemote(gitopsTree(services));
    const checkout = remote.clone('runner');
    const first = release('frontend', '1111111', '2026-11-22T01:00:00Z', '1111111111111111111111111111111111111111');
    await promote(options(checkout, 'dev', { kind: 'release', manifest: first }));
    /** What a check reads from dev at the remote's head (as `slipway release-run --from dev` does at the plan's checkout). */
    const readDev = async (): Promise<CheckedImage[]> => {
      const head = await HeadSnapshot.open(remote.bare, 'main');
      if (!head) throw new Error('no main');
      try {
        return (await environmentImages(head, 'gitops-repo', 'dev', undefined, defaultYamlLimits)).map(({ service, image }) => ({
          service,
          image,
        }));
      } finally {
        head.close();
      }
    };
    const checked = await readDev();
    expect(checked.find((entry) => entry.service === 'frontend')?.image.digest).toBe(digestOf('frontend-1111111'));

    // While the promotion waits for its reviewer, dev gets another release.
    const second = release('frontend', '2222222', '2026-11-22T02:00:00Z', '2222222222222222222222222222222222222222');
    await promote(options(checkout, 'dev', { kind: 'release', manifest: second }));
    const head = remote.head();
    await expect(promote(options(checkout, 'prod', { kind: 'environment', from: 'dev', checked }))).rejects.toThrow(
      new RegExp(
        `^dev changed since its images were checked \\(frontend runs \\S+/frontend:sha-2222222@${digestOf('frontend-2222222')}, the check read \\S+/frontend:sha-1111111@${digestOf('frontend-1111111')}\\): nothing was written\\. Promote again`,
      ),
    );
    // A service the check never saw counts as a change too.
    const withoutOrder = checked.filter((entry) => entry.service !== 'order');
    await expect(
      promote(
        options(checkout, 'prod', {
          kind: 'environment',
          from: 'dev',
          checked: [
            ...withoutOrder.filter((entry) => entry.service !== 'frontend'),
            { service: 'frontend', image: second.services['frontend']!.image },
          ],
        }),
      ),
    ).rejects.toThrow(/\(order runs \S+\/order:\S+, the check read nothing\)/);
    expect(remote.head()).toBe(head);

    // Checked again, the promotion takes exactly what was checked.
    const prod = await promote(options(checkout, 'prod', { kind: 'environment', from: 'dev', checked: await readDev() }));
    expect(prod.commit).toBe(remote.head());
    expect(remote.show('gitops-repo/environments/prod/services/frontend.yaml')).toContain(`digest: ${digestOf('frontend-2222222')}`);
  });
});
