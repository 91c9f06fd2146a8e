import { describe, expect, it } from 'vitest';
import { generateApplications, resourcesFinalizer, samplePullRequestParameters } from './application-set.ts';
import type { Json } from '../json-values.ts';

function applicationSet(spec: Json): Json {
  return { apiVersion: 'argoproj.io/v1alpha1', kind: 'ApplicationSet', metadata: { name: 'set', namespace: 'argocd' }, spec };
}

const pullRequestGenerator = {
  pullRequest: { github: { owner: 'o', repo: 'r', labels: ['preview'] }, values: { host: 'pr-{{ .number }}.example.com' } },
};

describe('the Applications an ApplicationSet makes, rendered with sample parameters', () => {
  it('renders a goTemplate pullRequest template with the documented sample pull request (values included)', () => {
    const { applications, problems } = generateApplications(
      applicationSet({
        goTemplate: true,
        goTemplateOptions: ['missingkey=error'],
        generators: [pullRequestGenerator],
        template: {
          metadata: { name: 'preview-pr-{{ .number }}' },
          spec: {
            project: 'previews',
            destination: { namespace: 'preview-pr-{{.number}}' },
            source: {
              targetRevision: '{{ .head_sha }}',
              helm: { valuesObject: { tag: 'pr-{{ .number }}-{{ .head_sha }}', host: '{{ .values.host }}', labels: '{{ .labels }}' } },
            },
          },
        },
      }),
    );
    expect(problems).toEqual([]);
    expect(applications).toHaveLength(1);
    const [app] = applications;
    expect(app?.madeFrom).toContain('pullRequest');
    expect(app?.application).toEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'preview-pr-1234', namespace: 'argocd', finalizers: [resourcesFinalizer] },
      spec: {
        project: 'previews',
        destination: { namespace: 'preview-pr-1234' },
        source: {
          targetRevision: '0123456789abcdef0123456789abcdef01234567',
          helm: {
            valuesObject: { tag: 'pr-1234-0123456789abcdef0123456789abcdef01234567', host: 'pr-1234.example.com', labels: '[preview]' },
          },
        },
      },
    });
  });

  it('gives every parameter key the v3.3.8 pull-request generator sets, labels only with goTemplate', () => {
    const keys = [
      'author',
      'branch',
      'branch_slug',
      'head_sha',
      'head_short_sha',
      'head_short_sha_7',
      'number',
      'target_branch',
      'target_branch_slug',
      'title',
    ];
    expect(Object.keys(samplePullRequestParameters({}, false)).sort()).toEqual(keys);
    expect(Object.keys(samplePullRequestParameters({}, true)).sort()).toEqual([...keys, 'labels'].sort());
    expect(samplePullRequestParameters({}, true).head_short_sha).toHaveLength(8);
  });

  it('makes one Application per list element, fasttemplate replacing string parameters and leaving the rest', () => {
    const { applications, problems } = generateApplications(
      applicationSet({
        generators: [
          {
            list: {
              elements: [
                { service: 'cart', count: 2 },
                { service: 'order', count: 3 },
              ],
            },
          },
        ],
        template: { metadata: { name: '{{service}}-{{ count }}-{{missing}}' }, spec: { project: 'shop' } },
      }),
    );
    expect(problems).toEqual([]);
    expect(applications.map((a) => (a.application.metadata as Json).name)).toEqual([
      'cart-{{ count }}-{{missing}}',
      'order-{{ count }}-{{missing}}',
    ]);
    expect(applications.map((a) => a.madeFrom)).toEqual(['list element 0', 'list element 1']);
  });

  it('reads elementsYaml', () => {
    const { applications } = generateApplications(
      applicationSet({
        goTemplate: true,
        generators: [{ list: { elementsYaml: '- name: a\n- name: b\n' } }],
        template: { metadata: { name: '{{ .name }}' }, spec: {} },
      }),
    );
    expect(applications.map((a) => (a.application.metadata as Json).name)).toEqual(['a', 'b']);
  });

  it('keeps the template’s own finalizers, and adds none when preserveResourcesOnDeletion is true', () => {
    const made = (spec: Json) =>
      (
        generateApplications(applicationSet({ generators: [{ list: { elements: [{}] } }], ...spec })).applications[0]?.application
          .metadata as Json
      ).finalizers;
    expect(made({ template: { metadata: { name: 'a' }, spec: {} } })).toEqual([resourcesFinalizer]);
    expect(made({ template: { metadata: { name: 'a', finalizers: ['x'] }, spec: {} } })).toEqual(['x']);
    expect(made({ syncPolicy: { preserveResourcesOnDeletion: true }, template: { metadata: { name: 'a' }, spec: {} } })).toBeUndefined();
  });

  it('reports a missing parameter under missingkey=error, and renders <no value> without it, as Go does', () => {
    const spec = (options: string[]) =>
      applicationSet({
        goTemplate: true,
        goTemplateOptions: options,
        generators: [pullRequestGenerator],
        template: { metadata: { name: 'pr-{{ .nubmer }}' }, spec: {} },
      });
    const strict = generateApplications(spec(['missingkey=error']));
    expect(strict.applications).toEqual([]);
    expect(strict.problems).toEqual([
      expect.objectContaining({ field: 'spec.template', message: expect.stringContaining('map has no entry for key "nubmer"') }),
    ]);
    expect((generateApplications(spec([])).applications[0]?.application.metadata as Json).name).toBe('pr-<no value>');
  });

  it('says which template actions and generators it cannot render', () => {
    const { problems } = generateApplications(
      applicationSet({
        goTemplate: true,
        templatePatch: 'spec: {}',
        generators: [{ git: { repoURL: 'x' } }, { list: { elements: [{ name: 'A' }] } }],
        template: { metadata: { name: '{{ .name | lower }}' }, spec: {} },
      }),
    );
    expect(problems.map((p) => p.field)).toEqual(['spec.templatePatch', 'spec.generators[0]', 'spec.template']);
    expect(problems[1]?.message).toContain('no sample parameters for the git generator');
    expect(problems[2]?.message).toContain('not a field reference');
  });
});
