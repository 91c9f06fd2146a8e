/**
 * `promote` on other teams' layouts (issue 15), against real git repositories and bare remotes:
 * one repository however it is spelled (Docker Hub names).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { promote } from './promote.ts';
import type { PromoteOptions } from './promote.ts';
import { createGitopsRemote, digestOf, gitopsTree, removeGitopsRemotes, run } from '../../test-support/gitops-repository.ts';

afterAll(removeGitopsRemotes);

function options(checkout: string, environment: string, source: PromoteOptions['source']): PromoteOptions {
  return { remote: { repoDir: checkout, remote: 'origin', branch: 'main' }, gitopsPath: 'gitops-repo', environment, source };
}

const commitCount = (bare: string): number => Number(run(bare, 'rev-list', '--count', 'main').trim());

/** A Deployment pinning one container image, spelled as given. */
function deployment(image: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: proxy\nspec:\n  template:\n    spec:\n      containers:\n        - name: proxy\n          image: ${image}   # the edge proxy\n`;
}

describe('promote matches repositories as set-image does (Docker Hub spellings are one repository)', () => {
  const oldDigest = digestOf('nginx-1.27.0');
  const newDigest = digestOf('nginx-1.27.3');

  it('promotes docker.io/library/nginx into a file that pins nginx, changing only that scalar', async () => {
    const files = gitopsTree([], ['dev', 'prod']);
    files.set('gitops-repo/environments/dev/edge/proxy.yaml', deployment(`nginx:1.27.0@${oldDigest}`));
    const remote = createGitopsRemote(files);
    const before = remote.show('gitops-repo/environments/dev/edge/proxy.yaml');
    const result = await promote(
      options(remote.clone('runner'), 'dev', {
        kind: 'images',
        images: [{ service: 'proxy', image: { repository: 'docker.io/library/nginx', tag: '1.27.3', digest: newDigest } }],
      }),
    );
    expect(result.plan.changes.map((change) => ({ service: change.service, files: change.files, from: change.from?.tag }))).toEqual([
      { service: 'proxy', files: ['gitops-repo/environments/dev/edge/proxy.yaml'], from: '1.27.0' },
    ]);
    expect(remote.show('gitops-repo/environments/dev/edge/proxy.yaml')).toBe(
      before.replace(`nginx:1.27.0@${oldDigest}`, `nginx:1.27.3@${newDigest}`),
    );
    const count = commitCount(remote.bare);
    const again = await promote(
      options(remote.clone('again'), 'dev', {
        kind: 'images',
        images: [{ service: 'proxy', image: { repository: 'index.docker.io/library/nginx', tag: '1.27.3', digest: newDigest } }],
      }),
    );
    expect(again.plan.unchanged).toEqual(['proxy']);
    expect(commitCount(remote.bare)).toBe(count);
  });

  it('promotes prod from dev when the two environments spell the repository differently', async () => {
    const files = gitopsTree([], ['dev', 'prod']);
    files.set('gitops-repo/environments/dev/edge/proxy.yaml', deployment(`library/nginx:1.27.3@${newDigest}`));
    files.set('gitops-repo/environments/prod/edge/proxy.yaml', deployment(`docker.io/library/nginx:1.27.0@${oldDigest}`));
    const remote = createGitopsRemote(files);
    const result = await promote(options(remote.clone('runner'), 'prod', { kind: 'environment', from: 'dev' }));
    expect(result.plan.changes.map((change) => change.service)).toEqual(['nginx']);
    expect(remote.show('gitops-repo/environments/prod/edge/proxy.yaml')).toContain(
      `image: docker.io/library/nginx:1.27.3@${newDigest}   # the edge proxy`,
    );
  });

  it('refuses two services naming one repository in two spellings, and commits nothing', async () => {
    const files = gitopsTree([], ['dev']);
    files.set('gitops-repo/environments/dev/edge/proxy.yaml', deployment(`nginx:1.27.0@${oldDigest}`));
    const remote = createGitopsRemote(files);
    const count = commitCount(remote.bare);
    await expect(
      promote(
        options(remote.clone('runner'), 'dev', {
          kind: 'images',
          images: [
            { service: 'proxy', image: { repository: 'nginx', tag: '1.27.3', digest: newDigest } },
            { service: 'edge', image: { repository: 'docker.io/library/nginx', tag: '1.27.0', digest: oldDigest } },
          ],
        }),
      ),
    ).rejects.toThrow(/services 'proxy' and 'edge' both name image repository docker\.io\/library\/nginx; give each repository once/);
    expect(commitCount(remote.bare)).toBe(count);
  });
});
