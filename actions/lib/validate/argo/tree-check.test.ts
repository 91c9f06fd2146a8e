import { describe, expect, it } from 'vitest';
import { TreeCheck, scopeOf } from './tree-check.ts';
import type { ManifestDocument } from './tree-types.ts';

const folder = '/checkout/gitops-repo';
const project = (path: string, name: string): ManifestDocument => ({
  absolute: `${folder}/${path}`,
  file: `gitops-repo/${path}`,
  document: 0,
  object: { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name } },
});

describe('the tree check state', () => {
  it('scopes a file to its environment folder, else to the shared tree', () => {
    expect(scopeOf(folder, `${folder}/environments/dev/apps/shop.yaml`)).toBe('environments/dev');
    expect(scopeOf(folder, `${folder}/environments/dev`)).toBe('');
    expect(scopeOf(folder, `${folder}/apps/platform/projects.yaml`)).toBe('');
  });

  it("finds an Application's project in its own environment before a shared one, never another environment's", () => {
    const shared = project('apps/projects.yaml', 'shop');
    const dev = project('environments/dev/projects.yaml', 'shop');
    const prodOnly = project('environments/prod/projects.yaml', 'platform');
    const check = new TreeCheck({ folder, base: '/checkout', yamlFiles: [], documents: [] }, [shared, dev, prodOnly]);
    const app = (env: string): ManifestDocument => ({ ...project(`environments/${env}/apps/shop.yaml`, 'shop'), object: {} });
    expect(check.findProject(app('dev'), 'shop')).toBe(dev);
    expect(check.findProject(app('prod'), 'shop')).toBe(shared);
    expect(check.findProject(app('dev'), 'platform')).toBeUndefined();
  });

  it('files a finding with its document when it is about one', () => {
    const check = new TreeCheck({ folder, base: '/checkout', yamlFiles: [], documents: [] }, []);
    check.add(project('a.yaml', 'x'), 'gitops-repo/a.yaml', 'spec', 'rule', 'what', 'fix');
    check.add(undefined, 'gitops-repo/b.yaml', '', 'coverage', 'what', 'fix');
    expect(check.result.findings).toEqual([
      { file: 'gitops-repo/a.yaml', document: 0, field: 'spec', rule: 'rule', message: 'what', fix: 'fix' },
      { file: 'gitops-repo/b.yaml', field: '', rule: 'coverage', message: 'what', fix: 'fix' },
    ]);
  });
});
