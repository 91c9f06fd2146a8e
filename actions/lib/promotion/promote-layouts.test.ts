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

const search = 'registry.example.com/shop/search';

/** An Argo CD Application of search in one environment taking its values from `valueFiles`, by one of two source layouts. */
function searchApplication(environment: string, layout: 'ref' | 'chart-in-git', valueFiles: readonly string[]): string {
  const files = valueFiles.map((file) => `\n          - ${file}`).join('');
  const sources =
    layout === 'ref'
      ? `  sources:\n    - repoURL: https://charts.example.com/shop\n      chart: search\n      targetRevision: 0.4.0\n      helm:\n        valueFiles:${files}\n    - repoURL: https://github.com/example/slipway.git\n      targetRevision: main\n      ref: values\n`
      : `  sources:\n    - repoURL: https://github.com/example/slipway.git\n      path: gitops-repo/apps/search/chart\n      targetRevision: main\n      helm:\n        valueFiles:${files}\n`;
  return `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: search\n  namespace: argocd\nspec:\n  project: shop\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: shop-${environment}\n${sources}`;
}

/** A values file pinning search, CRLF line ends and a quoted tag (kept byte for byte). */
function searchValues(tag: string): string {
  return `# search values\r\nreplicaCount: 2\r\nimage:\r\n  repository: ${search}\r\n  tag: "${tag}"\r\n  digest: ${digestOf(`search-${tag}`)}\r\n`;
}

function searchRelease(tag: string): PromoteOptions['source'] {
  return { kind: 'images', images: [{ service: 'search', image: { repository: search, tag, digest: digestOf(`search-${tag}`) } }] };
}

describe('promote edits values files outside the environment folder that its Applications name (valueFiles, $values)', () => {
  it('edits the values file of dev named through $values and of prod named relative to a chart in Git, then promotes prod from dev', async () => {
    const files = gitopsTree([], ['dev', 'prod']);
    files.set(
      'gitops-repo/environments/dev/services/search.yaml',
      searchApplication('dev', 'ref', ['$values/gitops-repo/apps/search/values-dev.yaml']),
    );
    files.set('gitops-repo/environments/prod/services/search.yaml', searchApplication('prod', 'chart-in-git', ['../values-prod.yaml']));
    files.set('gitops-repo/apps/search/values-dev.yaml', searchValues('1.2.0'));
    files.set('gitops-repo/apps/search/values-prod.yaml', searchValues('1.1.0'));
    const remote = createGitopsRemote(files);
    const devBefore = remote.show('gitops-repo/apps/search/values-dev.yaml');

    const dev = await promote(options(remote.clone('runner'), 'dev', searchRelease('1.3.0')));
    expect(dev.plan.changes.map((change) => change.files)).toEqual([['gitops-repo/apps/search/values-dev.yaml']]);
    expect(run(remote.bare, 'diff', '--name-only', 'main~1', 'main').trim()).toBe('gitops-repo/apps/search/values-dev.yaml');
    expect(remote.show('gitops-repo/apps/search/values-dev.yaml')).toBe(
      devBefore.replace('tag: "1.2.0"', 'tag: "1.3.0"').replace(digestOf('search-1.2.0'), digestOf('search-1.3.0')),
    );
    expect(remote.show('gitops-repo/apps/search/values-prod.yaml')).toBe(searchValues('1.1.0'));

    const prod = await promote(options(remote.clone('prod'), 'prod', { kind: 'environment', from: 'dev' }));
    expect(prod.plan.changes.map((change) => ({ service: change.service, files: change.files }))).toEqual([
      { service: 'search', files: ['gitops-repo/apps/search/values-prod.yaml'] },
    ]);
    expect(remote.show('gitops-repo/apps/search/values-prod.yaml')).toBe(searchValues('1.3.0'));
  });

  it('refuses to edit a values file that another environment uses too, naming file, line and the other Application; nothing committed', async () => {
    const files = gitopsTree([], ['dev', 'prod']);
    const shared = '$values/gitops-repo/apps/search/values.yaml';
    files.set('gitops-repo/environments/dev/services/search.yaml', searchApplication('dev', 'ref', [shared]));
    files.set('gitops-repo/environments/prod/services/search.yaml', searchApplication('prod', 'ref', [shared]));
    files.set('gitops-repo/apps/search/values.yaml', searchValues('1.2.0'));
    const remote = createGitopsRemote(files);
    const count = commitCount(remote.bare);
    await expect(promote(options(remote.clone('runner'), 'dev', searchRelease('1.3.0')))).rejects.toThrow(
      /^gitops-repo\/apps\/search\/values\.yaml:4: dev takes registry\.example\.com\/shop\/search from this values file, and so does Application search \(gitops-repo\/environments\/prod\/services\/search\.yaml:17, environment prod\); editing it would promote that Application too\. Give each environment its own values file/,
    );
    expect(commitCount(remote.bare)).toBe(count);
    expect(remote.show('gitops-repo/apps/search/values.yaml')).toBe(searchValues('1.2.0'));
  });

  it.each([
    [
      'a URL',
      'https://config.example.com/search/values.yaml',
      /values file https:\/\/config\.example\.com\/search\/values\.yaml is outside the tree \(fetched from a URL\)/,
    ],
    ['a path leaving the repository', '../../../../../outside/values.yaml', /is outside the tree \(the path leaves the repository\)/],
    [
      'a file that is not in this repository',
      '$values/other-repository/values.yaml',
      /values file other-repository\/values\.yaml does not exist in this checkout/,
    ],
  ])(
    'refuses when the Application of the service takes values from %s, naming file and line; nothing committed',
    async (_what, valueFile, problem) => {
      const files = gitopsTree([], ['dev']);
      const layout = valueFile.startsWith('../') ? 'chart-in-git' : 'ref';
      files.set('gitops-repo/environments/dev/services/search.yaml', searchApplication('dev', layout, [valueFile]));
      const remote = createGitopsRemote(files);
      const count = commitCount(remote.bare);
      const refusal = promote(options(remote.clone('runner'), 'dev', searchRelease('1.3.0')));
      await expect(refusal).rejects.toThrow(
        /^gitops-repo\/environments\/dev\/services\/search\.yaml:\d+: Application search takes values from .*, which promotion cannot read or edit/,
      );
      await expect(refusal).rejects.toThrow(problem);
      expect(commitCount(remote.bare)).toBe(count);
    },
  );
});
