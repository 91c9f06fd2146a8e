import { describe, expect, it } from 'vitest';
import { extraApiVersions, helmTemplateArguments } from './chart-render.ts';

const request = {
  chartDir: 'chart',
  releaseName: 'shop',
  namespace: 'shop',
  valueFiles: ['values.yaml'],
  inlineValues: [],
  parameters: [{ name: 'a.b', value: '1', forceString: true }],
};

// The arguments Argo CD v3.3.8 gives helm template (argoproj/argo-cd v3.3.8 util/helm/cmd.go template).
describe('helmTemplateArguments', () => {
  it('passes the platform API versions when the source names none', () => {
    const args = helmTemplateArguments({ ...request, apiVersions: [] }, ['inline.yaml']);
    expect(args.filter((_arg, index) => args[index - 1] === '--api-versions')).toEqual(extraApiVersions);
    expect(args).toEqual(expect.arrayContaining(['--values', 'values.yaml', '--values', 'inline.yaml', '--set-string', 'a.b=1']));
    expect(args).not.toContain('--include-crds');
  });

  it('passes the given API versions, CRDs, skip-tests and the Kubernetes version', () => {
    const args = helmTemplateArguments(
      { ...request, apiVersions: ['example.com/v1'], includeCrds: true, skipTests: true, kubeVersion: '1.34.0' },
      [],
    );
    expect(args.filter((_arg, index) => args[index - 1] === '--api-versions')).toEqual(['example.com/v1']);
    expect(args).toEqual(expect.arrayContaining(['--include-crds', '--skip-tests', '--kube-version', '1.34.0']));
  });
});
