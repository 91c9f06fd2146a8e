// The two environments as gitops-repo/README.md describes them: the same Applications in dev and
// prod, differing only where the README says (sync policy, sizes, hosts, network ranges), synced
// in waves (projects, then the platform, then the services).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const gitops = new URL('../', import.meta.url).pathname;
const environments = ['dev', 'prod'] as const;
type Environment = (typeof environments)[number];

/** Every Application of an environment (root, groups, children), by path inside environments/<env>/. */
function applications(environment: Environment): Map<string, Json> {
  const folder = join(gitops, 'environments', environment);
  const found = new Map<string, Json>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.yaml')) {
        const objects = parseAllDocuments(readFileSync(path, 'utf8')).map((doc) => doc.toJS() as Json);
        const application = objects.find((object) => object?.kind === 'Application');
        if (application) found.set(relative(folder, path), application);
      }
    }
  };
  walk(folder);
  return found;
}

const byEnvironment = { dev: applications('dev'), prod: applications('prod') };

/** The Application with the differences the README documents taken out and the environment's name replaced. */
function withoutDocumentedDifferences(application: Json, environment: Environment): Json {
  // The environment's name as a word (environments/dev, values-dev.yaml, dev-root), not inside the
  // repository's owner slipway-dev.
  const copy = JSON.parse(JSON.stringify(application).replace(new RegExp(`(?<!slipway-)\\b${environment}\\b`, 'g'), 'ENV')) as Json;
  delete copy.spec.syncPolicy.automated.prune;
  const values = copy.spec.source?.helm?.valuesObject as Json | undefined;
  if (values) {
    delete values.ingress.host;
    delete values.networkPolicy.loadBalancerCidrs;
    delete values.services;
  }
  return copy;
}

const wave = (application: Json) => Number(application.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

describe('dev and prod', () => {
  it('hold the same Applications', () => {
    expect([...byEnvironment.prod.keys()].sort()).toEqual([...byEnvironment.dev.keys()].sort());
    expect(byEnvironment.dev.size).toBeGreaterThan(10);
  });

  it.each([...byEnvironment.dev.keys()])('%s differs only in the documented places', (file) => {
    const dev = byEnvironment.dev.get(file) as Json;
    const prod = byEnvironment.prod.get(file) as Json;
    expect(withoutDocumentedDifferences(prod, 'prod')).toEqual(withoutDocumentedDifferences(dev, 'dev'));
  });

  it.each(environments)('%s: every Application syncs automatically with self-heal; only dev prunes', (environment) => {
    for (const [file, application] of byEnvironment[environment]) {
      expect(application.spec.syncPolicy.automated, file).toEqual({ prune: environment === 'dev', selfHeal: true });
    }
  });

  it('prod runs the services with more replicas than dev', () => {
    for (const service of ['frontend', 'product', 'cart', 'order']) {
      const scaling = (environment: Environment) =>
        byEnvironment[environment].get(`services/${service}.yaml`)?.spec.source.helm.valuesObject.services[service].autoscaling as Json;
      expect(scaling('prod').minReplicas).toBeGreaterThan(scaling('dev').minReplicas);
      expect(scaling('prod').minReplicas).toBeGreaterThanOrEqual(3);
    }
  });

  it.each(environments)('%s: the database Cluster is never pruned or deleted by Argo CD', (environment) => {
    const cluster = parse(readFileSync(join(gitops, `apps/platform/database/${environment}/cluster.yaml`), 'utf8')) as Json;
    expect(cluster.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
  });
});

describe.each(environments)('%s sync waves', (environment) => {
  const apps = byEnvironment[environment];
  const waveOf = (file: string) => wave(apps.get(file) as Json);

  it('projects, then the platform group, then the services group', () => {
    const projects = parseAllDocuments(readFileSync(join(gitops, `environments/${environment}/projects.yaml`), 'utf8')).map(
      (doc) => doc.toJS() as Json,
    );
    // dev also has the previews project (environments/dev/previews.yaml and its ApplicationSet).
    expect(projects.map((project) => `${project.kind} ${project.metadata.name}`)).toEqual(
      ['default', 'platform', 'shop', ...(environment === 'dev' ? ['previews'] : [])].map((name) => `AppProject ${name}`),
    );
    for (const project of projects) expect(wave(project)).toBeLessThan(waveOf('platform.yaml'));
    expect(waveOf('platform.yaml')).toBeLessThan(waveOf('services.yaml'));
  });

  it('previews (dev only) come after the services', () => {
    const file = join(gitops, `environments/${environment}/previews.yaml`);
    if (environment !== 'dev') {
      expect(existsSync(file)).toBe(false);
      return;
    }
    const [previews] = parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => doc.toJS() as Json);
    expect(previews?.kind).toBe('ApplicationSet');
    expect(wave(previews as Json)).toBeGreaterThan(waveOf('services.yaml'));
  });

  it('inside the platform: namespaces and the default StorageClass, the prometheus-operator CRDs, the other operators, the add-ons, then the database and dashboards', () => {
    // kube-prometheus-stack comes before cloudnative-pg, whose chart renders a PodMonitor.
    const order = [
      ['namespaces', 'storage'],
      ['kube-prometheus-stack'],
      ['cloudnative-pg', 'aws-load-balancer-controller', 'kyverno'],
      ['loki', 'alloy', 'external-dns', 'cluster-autoscaler', 'admission-policy'],
      ['shop-database', 'observability'],
    ];
    const waves = order.map((step) => step.map((name) => waveOf(`platform/${name}.yaml`)));
    for (let i = 1; i < waves.length; i++) {
      expect(Math.min(...(waves[i] ?? [])), order[i]?.join(', ')).toBeGreaterThan(Math.max(...(waves[i - 1] ?? [])));
    }
    expect(waves.flat()).toHaveLength([...apps.keys()].filter((file) => file.startsWith('platform/')).length);
  });
});
