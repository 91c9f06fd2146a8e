import { describe, expect, it } from 'vitest';
import { selectFolderFiles } from './folder-selection.ts';

const application = (source: string): string =>
  `apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: search\nspec:\n  sources:\n${source}`;
const settings = 'image:\n  repository: registry.example.com/shop/search\n  tag: 1.2.0\n';

describe('folder mode reads the values files Applications name, resolved as the validator resolves them', () => {
  it('reads a values file named relative to a chart in Git (../) and one named through $ref, and skips an unnamed one', () => {
    const files = new Map([
      [
        'gitops/apps/search.yaml',
        application(
          '    - repoURL: https://git.example.com/shop.git\n      path: gitops/charts/search\n      helm:\n        valueFiles:\n          - ../../settings/search-prod.yaml\n' +
            '    - repoURL: https://charts.example.com\n      chart: indexer\n      helm:\n        valueFiles:\n          - $config/gitops/settings/indexer.yaml\n' +
            '    - repoURL: https://git.example.com/shop.git\n      ref: config\n',
        ),
      ],
      ['gitops/settings/search-prod.yaml', settings],
      ['gitops/settings/indexer.yaml', settings],
      ['gitops/settings/unnamed.yaml', settings],
    ]);
    const selection = selectFolderFiles(files);
    expect([...selection.read.keys()]).toEqual([
      'gitops/apps/search.yaml',
      'gitops/settings/search-prod.yaml',
      'gitops/settings/indexer.yaml',
    ]);
    expect(selection.skipped.map((file) => file.path)).toEqual(['gitops/settings/unnamed.yaml']);
  });
});
