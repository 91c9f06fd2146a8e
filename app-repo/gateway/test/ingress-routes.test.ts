// The local gateway routes like the cluster: its API prefixes are exactly the Ingress paths the shop
// chart renders (with the chart's own values, and with each environment's Argo CD Application
// values), and a request path reaches the same service through either.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { findHelm } from '../../../actions/lib/validate/helm-binary.ts';
import { apiRoutes, backendFor } from '../src/routes.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const repository = new URL('../../../', import.meta.url).pathname;
const chartFolder = 'app-repo/charts/shop';
const helm = findHelm();
const scratch = mkdtempSync(join(tmpdir(), 'slipway-ingress-routes-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** One Ingress path as the AWS Load Balancer Controller turns it into a listener rule. */
interface IngressRoute {
  ingress: string;
  groupOrder: number;
  path: string;
  pathType: string;
  service: string;
}

const chartServices = Object.keys((parse(readFileSync(join(repository, chartFolder, 'values.yaml'), 'utf8')) as Json).services as Json);

/** The values each Argo CD Application of the shop chart gives it, by environment (found anywhere in gitops-repo). */
function applicationValues(): Map<string, Json[]> {
  const byEnvironment = new Map<string, Json[]>();
  const files = readdirSync(join(repository, 'gitops-repo'), { recursive: true, encoding: 'utf8' }).filter((file) => /\.ya?ml$/.test(file));
  for (const file of files) {
    for (const document of parseAllDocuments(readFileSync(join(repository, 'gitops-repo', file), 'utf8'))) {
      if (document.errors.length > 0) continue;
      const object = document.toJS() as Json | null;
      if (object?.kind !== 'Application') continue;
      for (const source of [object.spec?.source, ...(object.spec?.sources ?? [])] as (Json | undefined)[]) {
        if (source?.path !== chartFolder) continue;
        const values = (source.helm?.valuesObject ?? {}) as Json;
        const environment = String(values.environment ?? `gitops-repo/${file}`);
        byEnvironment.set(environment, [...(byEnvironment.get(environment) ?? []), values]);
      }
    }
  }
  return byEnvironment;
}

/** The Ingress paths of one release of the chart, rendered by helm. */
function renderRoutes(values: Json): IngressRoute[] {
  const file = join(scratch, `values-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(values));
  const output = execFileSync(
    helm,
    ['template', String(values.service), join(repository, chartFolder), '--namespace', 'shop', '--values', file],
    { encoding: 'utf8' },
  );
  const ingresses = parseAllDocuments(output)
    .map((document) => document.toJS() as Json | null)
    .filter((object): object is Json => object?.kind === 'Ingress');
  return ingresses.flatMap((ingress) =>
    (ingress.spec.rules as Json[]).flatMap((rule) =>
      (rule.http.paths as Json[]).map((path) => ({
        ingress: `${ingress.metadata.namespace ?? 'shop'}/${ingress.metadata.name}`,
        groupOrder: Number(ingress.metadata.annotations?.['alb.ingress.kubernetes.io/group.order'] ?? 0),
        path: String(path.path),
        pathType: String(path.pathType),
        service: String(path.backend.service.name),
      })),
    ),
  );
}

/**
 * The ALB path patterns of a `Prefix` path: upstream kubernetes-sigs/aws-load-balancer-controller
 * v3.4.0 (the controller our chart 3.4.0 installs), pkg/ingress/model_build_listener_rules.go,
 * buildPathPatternsForPrefixPathType: `/` → `/*`; `/p` (or `/p/`) → `/p` and `/p/*`.
 */
function albPatterns(path: string): string[] {
  if (path === '/') return ['/*'];
  const normalized = path.replace(/\/$/, '');
  return [normalized, `${normalized}/*`];
}

/** ALB path pattern matching: case-sensitive, `*` any run of characters, `?` one character. */
function albMatches(pattern: string, path: string): boolean {
  const expression = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${expression}$`).test(path);
}

/**
 * The service the ALB sends `path` to. Rule order, from the same controller version's docs
 * (docs/guide/ingress/annotations.md `group.order`, docs/guide/ingress/spec.md): the smaller
 * group.order first, equal orders by the Ingress's namespace/name; within an Ingress, Prefix paths
 * longest first.
 */
function albServiceFor(routes: IngressRoute[], path: string): string | undefined {
  const ordered = [...routes].sort(
    (a, b) => a.groupOrder - b.groupOrder || a.ingress.localeCompare(b.ingress) || b.path.length - a.path.length,
  );
  return ordered.find((route) => albPatterns(route.path).some((pattern) => albMatches(pattern, path)))?.service;
}

/** Where the gateway sends `path`: an API backend by prefix, anything else to the frontend. */
const gatewayServiceFor = (path: string): string => backendFor(path) ?? 'frontend';

const layouts: [string, Json[]][] = [
  ['the chart values', chartServices.map((service) => ({ service, image: { repository: `registry.test/${service}`, tag: '1.0.0' } }))],
  ...[...applicationValues()].map(([environment, values]): [string, Json[]] => [`the ${environment} Applications`, values]),
];

describe('the gateway and the chart Ingress route the same prefixes to the same services', () => {
  it('finds the chart and every environment that deploys it', () => {
    expect(chartServices.length).toBeGreaterThan(0);
    expect(layouts.map(([name]) => name)).toEqual(
      expect.arrayContaining(['the chart values', 'the dev Applications', 'the prod Applications']),
    );
  });

  describe.each(layouts)('with %s', (_name, releases) => {
    const routes = releases.flatMap(renderRoutes);

    it('renders Prefix paths only (the gateway matches by prefix)', () => {
      expect(routes.length).toBeGreaterThan(0);
      for (const route of routes) expect(route.pathType, `${route.ingress} ${route.path}`).toBe('Prefix');
    });

    it('has exactly the gateway’s API prefixes, plus `/` for the frontend', () => {
      const fromIngress = routes.map((route) => `${route.path} → ${route.service}`).sort();
      const fromGateway = [...apiRoutes.map((route) => `${route.prefix} → ${route.backend}`), '/ → frontend'].sort();
      expect(fromIngress).toEqual(fromGateway);
    });

    it('sends every request path to the same service as the ALB would', () => {
      const samples = ['/', '/cart', '/checkout', '/api', '/api/unknown', '/internal/reservations'];
      for (const route of routes.filter((item) => item.path !== '/')) {
        samples.push(route.path, `${route.path}/`, `${route.path}/7`, `${route.path}/7/stock`, `${route.path}x`);
      }
      for (const path of samples) expect(gatewayServiceFor(path), path).toBe(albServiceFor(routes, path));
    });
  });
});
