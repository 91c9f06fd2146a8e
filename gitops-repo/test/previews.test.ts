// The preview environments of labelled pull requests (environments/dev/previews.yaml): the
// ApplicationSet's settings that make a preview appear and go away, the Application it renders for a
// sample pull request, the previews AppProject, and the namespace chart's guard rails — checked with
// the real helm and kubernetes-models. Upstream: argoproj/argo-cd v3.3.8 (the chart argo-cd 9.5.4
// that infra-repo pins), docs/operator-manual/applicationset/Generators-Pull-Request.md,
// Application-Deletion.md, Controlling-Resource-Modification.md and applicationset/utils/utils.go.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { destinationAllowed, projectRefusesObject } from '../../actions/lib/validate/argo/app-project.ts';
import { generateApplications, resourcesFinalizer } from '../../actions/lib/validate/argo/application-set.ts';
import { findHelm } from '../../actions/lib/validate/helm-binary.ts';
import { validateObject } from '../../actions/lib/validate/object-schema.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const repository = new URL('../../', import.meta.url).pathname;
const gitops = join(repository, 'gitops-repo');
const helm = findHelm();
const scratch = mkdtempSync(join(tmpdir(), 'slipway-previews-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const documents = (file: string): Json[] => parseAllDocuments(readFileSync(join(gitops, file), 'utf8')).map((d) => d.toJS() as Json);
const applicationSet = documents('environments/dev/previews.yaml').find((d) => d.kind === 'ApplicationSet') as Json;
const project = documents('environments/dev/projects.yaml').find((d) => d.kind === 'AppProject' && d.metadata.name === 'previews') as Json;
const rootRepo: string = documents('environments/dev/bootstrap/root.yaml')[0]?.spec.source.repoURL;
const devHost: string = documents('environments/dev/services/frontend.yaml')[0]?.spec.source.helm.valuesObject.ingress.host;
const services = ['frontend', 'product', 'cart', 'order'];

function generated(): Json {
  const { applications, problems } = generateApplications(applicationSet);
  expect(problems).toEqual([]);
  expect(applications).toHaveLength(1);
  return applications[0]?.application as Json;
}

function helmTemplate(chart: string, release: string, namespace: string, values: Json[]): Json[] {
  const files = values.map((value, index) => {
    const file = join(scratch, `${release}-${index}.yaml`);
    writeFileSync(file, stringify(value));
    return ['--values', file];
  });
  const output = execFileSync(helm, ['template', release, join(repository, chart), '--namespace', namespace, ...files.flat()], {
    encoding: 'utf8',
  });
  return parseAllDocuments(output)
    .map((d) => d.toJS() as Json)
    .filter((d) => d !== null);
}

describe('the previews ApplicationSet', () => {
  it('asks GitHub for this repository’s open pull requests labelled preview, with Go templates that fail on a missing parameter', () => {
    const [generator] = applicationSet.spec.generators;
    const github = generator.pullRequest.github;
    expect(`https://github.com/${github.owner}/${github.repo}.git`).toBe(rootRepo);
    expect(github.labels).toEqual(['preview']);
    expect(github.tokenRef).toEqual({ secretName: 'github-previews', key: 'token' });
    expect(generator.pullRequest.requeueAfterSeconds).toBeLessThanOrEqual(300);
    expect(applicationSet.spec.goTemplate).toBe(true);
    expect(applicationSet.spec.goTemplateOptions).toEqual(['missingkey=error']);
  });

  it('deletes a preview and everything in it when the pull request closes or loses the label', () => {
    // The generator drops the pull request; applicationsSync `sync` lets the controller delete its
    // Application (create-only / create-update would keep it: ApplicationsSyncPolicy.AllowDelete).
    expect(applicationSet.spec.syncPolicy.applicationsSync).toBe('sync');
    // preserveResourcesOnDeletion false: the Application keeps the resources finalizer, so Argo CD
    // deletes what it deployed before the Application goes (RenderTemplateParams; Application-Deletion.md).
    expect(applicationSet.spec.syncPolicy.preserveResourcesOnDeletion).toBe(false);
    const app = generated();
    expect(app.metadata.finalizers).toEqual([resourcesFinalizer]);
    // The namespace is one of those resources (not CreateNamespace=true, which Argo CD never deletes).
    expect(app.spec.syncPolicy.syncOptions ?? []).not.toContain('CreateNamespace=true');
    const namespaceChart = app.spec.sources.find((s: Json) => s.path === 'gitops-repo/apps/preview/namespace');
    const objects = helmTemplate(namespaceChart.path, 'preview', app.spec.destination.namespace, [namespaceChart.helm.valuesObject]);
    expect(objects.find((o) => o.kind === 'Namespace')?.metadata.name).toBe(app.spec.destination.namespace);
    // While it lives, every push is applied and what a push removes is pruned.
    expect(app.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  it('renders, for a pull request, the shop at its head commit with its pr-<number>-<sha> images from the preview repositories at pr-<number>.<dev domain>', () => {
    const app = generated();
    expect(app.metadata.name).toBe('preview-pr-1234');
    expect(app.spec.project).toBe('previews');
    expect(app.spec.destination.namespace).toBe('preview-pr-1234');
    const head = '0123456789abcdef0123456789abcdef01234567';
    const shop = app.spec.sources.filter((s: Json) => s.path === 'app-repo/charts/shop');
    expect(shop.map((s: Json) => s.helm.releaseName)).toEqual(services);
    for (const source of shop) {
      expect(source.repoURL).toBe(rootRepo);
      expect(source.targetRevision).toBe(head);
      expect(source.helm.valuesObject.service).toBe(source.helm.releaseName);
      expect(source.helm.valuesObject.image).toEqual({ tag: `pr-1234-${head}` });
      // The service's preview repository (infra-repo/modules/ecr: <prefix>/preview/<service>, where
      // the pull-request workflow pushes), in dev's registry beside its release repository.
      const release: string = documents(`environments/dev/services/${source.helm.releaseName}.yaml`)[0]?.spec.source.helm.valuesObject.image
        .repository;
      expect(release).toMatch(new RegExp(`/slipway/${source.helm.releaseName}$`));
      expect(source.helm.parameters).toEqual([
        {
          name: 'image.repository',
          value: release.replace(new RegExp(`/${source.helm.releaseName}$`), `/preview/${source.helm.releaseName}`),
        },
      ]);
      expect(source.helm.valuesObject.ingress.host).toBe(`pr-1234.${devHost}`);
      expect(source.helm.valueFiles).toEqual(['$values/gitops-repo/apps/preview/shop-values.yaml']);
    }
    // What limits a preview comes from main, never from the pull request.
    for (const source of app.spec.sources.filter((s: Json) => !shop.includes(s))) expect(source.targetRevision).toBe('main');
  });
});

describe('the previews AppProject', () => {
  const allows = (namespace: string) => destinationAllowed(project, { server: 'https://kubernetes.default.svc', namespace });
  const namespace = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

  it('deploys only into preview-pr-* namespaces, only from this repository', () => {
    expect(project.spec.sourceRepos).toEqual([rootRepo]);
    expect(allows('preview-pr-12')).toBe(true);
    for (const other of ['shop', 'argocd', 'kube-system', 'monitoring']) expect(allows(other)).toBe(false);
  });

  it('creates no cluster-scoped object but the preview namespaces themselves', () => {
    const destination = { server: 'https://kubernetes.default.svc', namespace: 'preview-pr-12' };
    expect(projectRefusesObject(project, namespace('preview-pr-12'), '', destination)).toBeUndefined();
    expect(projectRefusesObject(project, namespace('shop'), '', destination)).toContain('clusterResourceWhitelist');
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'preview-pr-12' } };
    expect(projectRefusesObject(project, role, '', destination)).toContain('clusterResourceWhitelist');
  });
});

describe('the preview namespace chart', () => {
  const app = generated();
  const namespaceSource = app.spec.sources.find((s: Json) => s.path === 'gitops-repo/apps/preview/namespace');
  const objects = helmTemplate(namespaceSource.path, 'preview', 'preview-pr-1234', [namespaceSource.helm.valuesObject]);
  const one = (kind: string) => objects.find((o) => o.kind === kind) as Json;

  it('renders a restricted namespace, a quota, limits and a default-deny policy, each valid for Kubernetes', async () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['LimitRange', 'Namespace', 'NetworkPolicy', 'ResourceQuota']);
    for (const object of objects) expect(await validateObject(object)).toEqual([]);
    expect(one('Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(one('NetworkPolicy').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(one('ResourceQuota').spec.hard).toMatchObject({ persistentvolumeclaims: '0', 'services.loadbalancers': '0' });
    for (const object of objects.filter((o) => o.kind !== 'Namespace')) expect(object.metadata.namespace).toBe('preview-pr-1234');
  });

  it('gives the four services room for a rolling update (two pods each) within the quota', () => {
    const quantity = (value: string): number => {
      const match = /^([0-9.]+)(m|Ki|Mi|Gi)?$/.exec(String(value));
      if (!match) throw new Error(`unreadable quantity ${value}`);
      const scale: Record<string, number> = { m: 0.001, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };
      return Number(match[1]) * (match[2] ? (scale[match[2]] as number) : 1);
    };
    const values = parse(readFileSync(join(gitops, 'apps/preview/shop-values.yaml'), 'utf8')) as Json;
    const totals: Record<string, number> = { 'requests.cpu': 0, 'requests.memory': 0, 'limits.cpu': 0, 'limits.memory': 0, pods: 0 };
    for (const source of app.spec.sources.filter((s: Json) => s.path === 'app-repo/charts/shop')) {
      const image = { repository: source.helm.parameters[0].value, tag: source.helm.valuesObject.image.tag };
      const rendered = helmTemplate(source.path, source.helm.releaseName, 'preview-pr-1234', [
        values,
        { ...source.helm.valuesObject, image },
      ]);
      const deployment = rendered.find((o) => o.kind === 'Deployment') as Json;
      expect(deployment.spec.replicas).toBe(1);
      expect(rendered.some((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ServiceMonitor')).toBe(false);
      const surge = 2; // maxSurge 1: the old pod and the new one during a rollout
      for (const container of deployment.spec.template.spec.containers) {
        for (const [kind, resources] of Object.entries(container.resources as Json))
          for (const [resource, amount] of Object.entries(resources as Json))
            totals[`${kind}.${resource}`] = (totals[`${kind}.${resource}`] ?? 0) + surge * quantity(String(amount));
      }
      totals.pods = (totals.pods as number) + surge;
    }
    const hard = one('ResourceQuota').spec.hard as Json;
    for (const [resource, used] of Object.entries(totals)) expect(used, resource).toBeLessThanOrEqual(quantity(hard[resource]));
  });
});
