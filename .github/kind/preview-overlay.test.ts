import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { generateApplications } from '../../actions/lib/validate/argo/application-set.ts';
import { samplePullRequestParameters } from '../../actions/lib/validate/argo/application-set.ts';
import { declaredApplications } from './application-readiness.ts';
import { applyKindOverlay, parseKindOverlay } from './kind-overlay.ts';
import { applySyntheticPreview, previewsFile, previewValuesFile, pullRequestParameters } from './preview-overlay.ts';
import { filesUnder } from './tree-files.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const root = fileURLToPath(new URL('../../', import.meta.url));
const overlay = parseKindOverlay(readFileSync(fileURLToPath(new URL('./overlay.yaml', import.meta.url)), 'utf8'), 'overlay.yaml');
const services = ['frontend', 'product', 'cart', 'order'];
const images = Object.fromEntries(
  services.map((service, i) => [service, `kind-registry:5000/slipway/${service}:e2e-1@sha256:${String(i + 1).repeat(64)}`]),
);
const repoUrl = 'git://172.18.0.1/slipway.git';
const prepared = applyKindOverlay(filesUnder(join(root, 'gitops-repo')), overlay, { repoUrl, images });
const head = 'fedcba9876543210fedcba9876543210fedcba98';
const previewed = applySyntheticPreview(prepared, overlay, { number: '1', head, images });

function previewApplication(): Json {
  const set = parseAllDocuments(previewed.get(previewsFile) ?? '')[0]?.toJS() as Json;
  const { applications, problems } = generateApplications(set);
  expect(problems).toEqual([]);
  expect(applications).toHaveLength(1);
  return applications[0]?.application as Json;
}

describe('the synthetic pull request the kind run previews', () => {
  it('gives every parameter the pull-request generator gives, with real values', () => {
    expect(Object.keys(pullRequestParameters({ number: '1', head, images })).sort()).toEqual(
      Object.keys(samplePullRequestParameters({}, true)).sort(),
    );
  });

  it('renders the same template into preview-pr-1 at the served commit, images from the preview repositories of the kind registry', () => {
    const app = previewApplication();
    expect(app.metadata.name).toBe('preview-pr-1');
    expect(app.spec.destination.namespace).toBe('preview-pr-1');
    const shop = app.spec.sources.filter((s: Json) => s.path === 'app-repo/charts/shop');
    expect(shop.map((s: Json) => s.helm.releaseName)).toEqual(services);
    for (const source of shop) {
      expect(source.repoURL).toBe(repoUrl);
      expect(source.targetRevision).toBe(head);
      expect(source.helm.valuesObject.image).toEqual({ tag: `pr-1-${head}` });
      expect(source.helm.parameters).toEqual([
        { name: 'image.repository', value: `kind-registry:5000/slipway/preview/${source.helm.releaseName}` },
      ]);
      expect(source.helm.valuesObject.ingress.host).toBe('pr-1.dev.shop.example.com');
    }
    // Everything else of the template is as committed: the same project, sync policy and finalizer.
    const committed = parse(readFileSync(join(root, 'gitops-repo', previewsFile), 'utf8')) as Json;
    expect(app.spec.project).toBe(committed.spec.template.spec.project);
    expect(app.spec.syncPolicy).toEqual(committed.spec.template.spec.syncPolicy);
  });

  it('cluster-e2e.yml pushes the pr-1 images to exactly those repositories', () => {
    const workflow = parse(readFileSync(join(root, '.github/workflows/cluster-e2e.yml'), 'utf8')) as Json;
    const scripts = (Object.values(workflow.jobs) as Json[]).flatMap((job) => (job.steps as Json[]).map((step) => String(step.run ?? '')));
    const pushes = scripts.flatMap((script) => [...script.matchAll(/docker push "\$REGISTRY\/([^"]+):pr-1-\$head"/g)].map((m) => m[1]));
    expect(pushes).toHaveLength(1);
    const host = 'kind-registry:5000';
    const deployed = previewApplication()
      .spec.sources.filter((s: Json) => s.path === 'app-repo/charts/shop')
      .map((s: Json) => [s.helm.releaseName, s.helm.parameters[0].value]);
    expect(deployed).toEqual(services.map((service) => [service, `${host}/${String(pushes[0]).replace('$service', service)}`]));
  });

  it('serves the preview through ingress-nginx from kind’s pod network', () => {
    const values = parse(previewed.get(previewValuesFile) ?? '') as Json;
    expect(values.ingress.className).toBe('nginx');
    expect(values.networkPolicy.loadBalancerCidrs).toEqual(['10.244.0.0/16']);
    expect(values.database.embedded).toBe(true);
  });

  it('is one of the Applications the wait step waits for; a pull-request generator’s sample is not', () => {
    expect(declaredApplications(previewed, 'dev')).toContain('preview-pr-1');
    expect(declaredApplications(prepared, 'dev').some((name) => name.startsWith('preview-pr-'))).toBe(false);
  });

  it('refuses a head that is not a full commit, and a service without an image', () => {
    expect(() => applySyntheticPreview(prepared, overlay, { number: '1', head: 'main', images })).toThrow(/full commit SHA/);
    const { cart: _cart, ...missing } = images;
    expect(() => applySyntheticPreview(prepared, overlay, { number: '1', head, images: missing })).toThrow(
      /no image for the preview's cart/,
    );
  });
});
