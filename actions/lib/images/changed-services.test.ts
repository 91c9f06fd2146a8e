import { renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitWorkspace } from '../../test-support/git-workspace.ts';
import { ChangeDetectionError, changedPathsSince, changedServices, defaultChangeRules, globPattern } from './changed-services.ts';

const services = ['cart', 'frontend', 'order', 'product'];

describe('changed services (rule table)', () => {
  it.each([
    { name: 'one service file', paths: ['app-repo/services/cart/src/cart.ts'], expected: ['cart'] },
    {
      name: 'two services',
      paths: ['app-repo/services/order/package.json', 'app-repo/services/product/Dockerfile'],
      expected: ['order', 'product'],
    },
    { name: 'the shared package affects all', paths: ['app-repo/packages/service-kit/src/http.ts'], expected: services },
    { name: 'the lockfile affects all', paths: ['package-lock.json'], expected: services },
    { name: 'a nested lockfile is not the root lockfile', paths: ['app-repo/services/cart/package-lock.json'], expected: ['cart'] },
    {
      name: 'docs, gitops and infra affect none',
      paths: ['README.md', 'gitops-repo/environments/dev/services/cart.yaml', 'infra-repo/modules/ecr/main.tf'],
      expected: [],
    },
    { name: 'a folder that is not a known service', paths: ['app-repo/services/legacy/main.go'], expected: [] },
    { name: 'a file directly in the services root', paths: ['app-repo/services/README.md'], expected: [] },
    { name: 'a service whose name prefixes another', paths: ['app-repo/services/cartography/x.ts'], expected: [] },
    { name: 'nothing changed', paths: [], expected: [] },
  ])('$name', ({ paths, expected }) => {
    expect(changedServices(paths, services).services).toEqual(expected);
  });

  it('says why each service is built', () => {
    const result = changedServices(['app-repo/services/cart/a.ts', 'package-lock.json'], ['cart', 'order']);
    expect(result.reasons).toEqual({
      cart: 'app-repo/services/cart/a.ts changed',
      order: 'package-lock.json changed (shared: package-lock.json)',
    });
  });

  it('takes other roots and shared patterns', () => {
    const rules = { servicesRoot: 'services/', sharedPatterns: ['libs/*/src/**', '*.lock'] };
    expect(changedServices(['libs/a/src/x/y.ts'], ['a', 'b'], rules).services).toEqual(['a', 'b']);
    expect(changedServices(['libs/a/README.md'], ['a', 'b'], rules).services).toEqual([]);
    expect(changedServices(['yarn.lock'], ['a'], rules).services).toEqual(['a']);
    expect(changedServices(['services/b/x'], ['a', 'b'], rules).services).toEqual(['b']);
  });

  it.each([
    ['app-repo/packages/**', 'app-repo/packages/kit/src/a.ts', true],
    ['app-repo/packages/**', 'app-repo/packages', false],
    ['**/Dockerfile', 'Dockerfile', true],
    ['**/Dockerfile', 'a/b/Dockerfile', true],
    ['*.json', 'a/b.json', false],
    ['file?.txt', 'file1.txt', true],
    ['a.b', 'axb', false],
  ])('glob %s against %s is %s', (glob, path, matches) => {
    expect(globPattern(glob).test(path)).toBe(matches);
  });
});

describe('changed paths since the last release (a real git repository)', () => {
  const { dir: repo, write, commit, remove } = createGitWorkspace('slipway-changes-');
  const commits: Record<string, string> = {};

  beforeAll(() => {
    for (const service of services) write(`app-repo/services/${service}/src/index.ts`, `export const name = '${service}';\n`);
    write('app-repo/packages/service-kit/src/index.ts', 'export {};\n');
    write('package-lock.json', '{}\n');
    write('README.md', '# shop\n');
    commits['release'] = commit('release');
    write('app-repo/services/cart/src/index.ts', "export const name = 'cart v2';\n");
    commits['cart'] = commit('cart change');
    write('README.md', '# shop, documented\n');
    commits['docs'] = commit('docs');
    write('app-repo/packages/service-kit/src/index.ts', 'export const kit = 1;\n');
    commits['kit'] = commit('shared kit');
    renameSync(join(repo, 'app-repo/services/order/src/index.ts'), join(repo, 'app-repo/services/product/src/moved.ts'));
    commits['move'] = commit('move a file from order to product');
    rmSync(join(repo, 'package-lock.json'));
    commits['lock'] = commit('remove the lockfile');
  });
  afterAll(remove);

  it.each([
    { since: 'release', head: 'cart', expected: ['cart'] },
    { since: 'cart', head: 'docs', expected: [] },
    { since: 'release', head: 'docs', expected: ['cart'] },
    { since: 'docs', head: 'kit', expected: services },
    { since: 'kit', head: 'move', expected: ['order', 'product'] },
    { since: 'move', head: 'lock', expected: services },
    { since: 'lock', head: 'lock', expected: [] },
  ])('$since → $head builds $expected', async ({ since, head, expected }) => {
    const paths = await changedPathsSince(repo, commits[since] ?? '', commits[head] ?? '');
    expect(changedServices(paths, services, defaultChangeRules).services).toEqual(expected);
  });

  it('names a commit the clone does not have and what to do', async () => {
    await expect(changedPathsSince(repo, 'f'.repeat(40))).rejects.toThrow(ChangeDetectionError);
    await expect(changedPathsSince(repo, 'f'.repeat(40))).rejects.toThrow(/'f{40}' is not in this clone: fetch more history/);
  });
});
