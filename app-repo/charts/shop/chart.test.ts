// The shop chart rendered with the real helm for every service in dev and prod, with the
// values each Argo CD Application gives it (gitops-repo/environments/<env>/services/<service>.yaml).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { findHelm } from '../../../actions/lib/validate/helm-binary.ts';
import { selectorMatches } from '../../../actions/lib/validate/workload-policy.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const repository = new URL('../../../', import.meta.url).pathname;
const chart = join(repository, 'app-repo/charts/shop');
const helm = findHelm();
const scratch = mkdtempSync(join(tmpdir(), 'slipway-chart-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const environments = ['dev', 'prod'] as const;
const services = ['frontend', 'product', 'cart', 'order'] as const;
type Service = (typeof services)[number];

function applicationValues(environment: string, service: string): Json {
  const application = parse(
    readFileSync(join(repository, `gitops-repo/environments/${environment}/services/${service}.yaml`), 'utf8'),
  ) as Json;
  return application.spec.source.helm.valuesObject as Json;
}

function valuesFile(values: Json): string {
  const file = join(scratch, `values-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, stringify(values));
  return file;
}

function render(environment: string, service: string, override: Json = {}): Json[] {
  const values = { ...applicationValues(environment, service), ...override };
  const output = execFileSync(helm, ['template', service, chart, '--namespace', 'shop', '--values', valuesFile(values)], {
    encoding: 'utf8',
  });
  return parseAllDocuments(output)
    .map((doc) => doc.toJS() as Json)
    .filter((doc) => doc !== null);
}

function one(objects: Json[], kind: string, hook = false): Json {
  const found = objects.filter((o) => o.kind === kind && Boolean(o.metadata?.annotations?.['helm.sh/hook']) === hook);
  expect(found, `exactly one ${kind}`).toHaveLength(1);
  return found[0] as Json;
}

const ports: Record<Service, number> = { frontend: 8080, product: 3001, cart: 3002, order: 3003 };
// app-repo/README.md, "Who calls whom".
const callers: Record<Service, Service[]> = { frontend: [], product: ['cart', 'order'], cart: ['order'], order: [] };
const calls: Record<Service, Service[]> = { frontend: [], product: [], cart: ['product'], order: ['product', 'cart'] };
const paths: Record<Service, string> = { frontend: '/', product: '/api/products', cart: '/api/cart', order: '/api/orders' };
// infra-repo's VPCs (10.10.0.0/16 over two AZs, 10.20.0.0/16 over three): the public subnets.
const loadBalancerCidrs: Record<(typeof environments)[number], string[]> = {
  dev: ['10.10.0.0/24', '10.10.1.0/24'],
  prod: ['10.20.0.0/24', '10.20.1.0/24', '10.20.2.0/24'],
};

describe('helm lint', () => {
  it.each(environments.flatMap((environment) => services.map((service) => [environment, service] as const)))(
    '%s %s lints clean (--strict)',
    (environment, service) => {
      const result = spawnSync(helm, ['lint', chart, '--strict', '--values', valuesFile(applicationValues(environment, service))], {
        encoding: 'utf8',
      });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
      expect(result.stdout).not.toMatch(/\[(WARNING|ERROR)\]/);
    },
  );
});

describe.each(environments)('rendered for %s', (environment) => {
  describe.each(services)('%s', (service) => {
    const objects = render(environment, service);
    const values = applicationValues(environment, service);

    it('renders exactly the kinds the shop AppProject allows', () => {
      const kinds = new Set(objects.map((o) => o.kind));
      const expected = [
        'ConfigMap',
        'Deployment',
        'HorizontalPodAutoscaler',
        'Ingress',
        'NetworkPolicy',
        'Pod',
        'PodDisruptionBudget',
        'Service',
        'ServiceAccount',
      ];
      if (service !== 'frontend') expected.push('ServiceMonitor');
      expect([...kinds].sort()).toEqual(expected.sort());
    });

    it('deploys the pinned image with zero-downtime rollouts, probes and the restricted securityContext', () => {
      const deployment = one(objects, 'Deployment');
      expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers;
      expect(container.image).toBe(`${values.image.repository}:${values.image.tag}@${values.image.digest}`);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/health', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
      expect(container.ports).toEqual([{ name: 'http', containerPort: ports[service], protocol: 'TCP' }]);
      expect(container.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(container.resources.requests).toHaveProperty('cpu');
      expect(container.resources.limits).toHaveProperty('memory');
      expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(pod.topologySpreadConstraints.map((c: Json) => c.topologyKey)).toEqual([
        'topology.kubernetes.io/zone',
        'kubernetes.io/hostname',
      ]);
      expect(pod.automountServiceAccountToken).toBe(false);
    });

    it('reads configuration from its ConfigMap and the database URL from the CloudNativePG secret', () => {
      const deployment = one(objects, 'Deployment');
      const [container] = deployment.spec.template.spec.containers;
      expect(container.envFrom).toEqual([{ configMapRef: { name: service } }]);
      const databaseUrl = (container.env ?? []).find((e: Json) => e.name === 'DATABASE_URL');
      if (service === 'frontend') expect(databaseUrl).toBeUndefined();
      else expect(databaseUrl.valueFrom).toEqual({ secretKeyRef: { name: 'shop-db-app', key: 'uri' } });
      const config = one(objects, 'ConfigMap').data;
      expect(config.PORT).toBe(String(ports[service]));
      for (const callee of calls[service]) expect(config[`${callee.toUpperCase()}_SERVICE_URL`]).toBe(`http://${callee}:${ports[callee]}`);
    });

    it('scales with an HPA within the environment bounds and keeps a PodDisruptionBudget', () => {
      const hpa = one(objects, 'HorizontalPodAutoscaler');
      expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual(environment === 'dev' ? [1, 3] : [3, 10]);
      expect(one(objects, 'Deployment').spec.replicas).toBeUndefined();
      expect(one(objects, 'PodDisruptionBudget').spec).toEqual({
        maxUnavailable: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': service, 'app.kubernetes.io/part-of': 'shop' } },
      });
    });

    it('lets in exactly its documented callers and lets out exactly DNS, the database and its callees', () => {
      const policy = one(objects, 'NetworkPolicy');
      // Peers in the shop namespace (no namespaceSelector) named by service.
      const fromServices = policy.spec.ingress
        .flatMap((rule: Json) =>
          rule.from
            .filter((peer: Json) => !peer.namespaceSelector)
            .map((peer: Json) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name']),
        )
        .filter(Boolean);
      expect(fromServices.sort()).toEqual([...callers[service]].sort());
      const fromCidrs = policy.spec.ingress.flatMap((rule: Json) => rule.from.map((peer: Json) => peer.ipBlock?.cidr)).filter(Boolean);
      // The ALB's public subnets only: pods take addresses from the rest of the VPC.
      expect(fromCidrs).toEqual(loadBalancerCidrs[environment]);
      const fromMonitoring = policy.spec.ingress.some((rule: Json) =>
        rule.from.some((peer: Json) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'monitoring'),
      );
      expect(fromMonitoring).toBe(service !== 'frontend');
      const toServices = policy.spec.egress
        .flatMap((rule: Json) => (rule.to ?? []).map((peer: Json) => peer.podSelector?.matchLabels?.['app.kubernetes.io/name']))
        .filter(Boolean);
      expect(toServices.sort()).toEqual([...calls[service]].sort());
      const toDatabase = policy.spec.egress.some((rule: Json) =>
        rule.to?.some((peer: Json) => peer.podSelector?.matchLabels?.['cnpg.io/cluster'] === 'shop-db'),
      );
      expect(toDatabase).toBe(service !== 'frontend');
      for (const rule of policy.spec.ingress) expect(rule.ports).toEqual([{ port: ports[service], protocol: 'TCP' }]);
    });

    it('routes its path from the ALB Ingress', () => {
      const ingress = one(objects, 'Ingress');
      expect(ingress.spec.ingressClassName).toBe('alb');
      expect(ingress.spec.rules).toEqual([
        {
          host: environment === 'dev' ? 'dev.shop.example.com' : 'shop.example.com',
          http: { paths: [{ path: paths[service], pathType: 'Prefix', backend: { service: { name: service, port: { name: 'http' } } } }] },
        },
      ]);
      expect(ingress.metadata.annotations).toMatchObject({
        'alb.ingress.kubernetes.io/target-type': 'ip',
        'alb.ingress.kubernetes.io/group.name': 'shop',
        'alb.ingress.kubernetes.io/group.order': service === 'frontend' ? '1000' : '10',
      });
    });

    it('has a helm test hook that calls /ready in the service image', () => {
      const pod = one(objects, 'Pod', true);
      expect(pod.metadata.annotations['helm.sh/hook']).toBe('test');
      const [container] = pod.spec.containers;
      expect(container.image).toBe(one(objects, 'Deployment').spec.template.spec.containers[0].image);
      expect(container.command.join(' ')).toContain(`http://${service}:${ports[service]}/ready`);
      expect(pod.metadata.labels['slipway.dev/test-of']).toBe(service);
      expect(one(objects, 'NetworkPolicy', true).spec.podSelector.matchLabels).toEqual({ 'slipway.dev/test-of': service });
      // The test pod is no replica: the Service must not send it traffic (or its own call to itself).
      for (const selector of [
        one(objects, 'Service').spec.selector,
        one(objects, 'PodDisruptionBudget').spec.selector,
        one(objects, 'NetworkPolicy').spec.podSelector,
      ]) {
        expect(selectorMatches(selector.matchLabels ? selector : { matchLabels: selector }, pod.metadata.labels)).toBe(false);
      }
    });
  });
});

describe('agreement with the platform', () => {
  it('labels ServiceMonitors the way kube-prometheus-stack selects them', () => {
    const kps = parse(readFileSync(join(repository, 'gitops-repo/apps/platform/kube-prometheus-stack/values.yaml'), 'utf8')) as Json;
    const selector = kps.prometheus.prometheusSpec.serviceMonitorSelector.matchLabels as Record<string, string>;
    const monitor = one(render('dev', 'product'), 'ServiceMonitor');
    expect(monitor.metadata.labels).toMatchObject(selector);
    expect(monitor.spec.endpoints).toEqual([{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
  });

  it('the database admits exactly the services that keep data (not the frontend, not test pods)', () => {
    for (const environment of environments) {
      const policy = parse(
        readFileSync(join(repository, `gitops-repo/apps/platform/database/${environment}/network-policy.yaml`), 'utf8'),
      ) as Json;
      const postgres = (policy.spec.ingress as Json[]).find((rule) => rule.ports.some((port: Json) => port.port === 5432)) as Json;
      const admitted = (labels: Record<string, string>) =>
        (postgres.from as Json[]).some((peer) => !peer.namespaceSelector && selectorMatches(peer.podSelector, labels));
      for (const service of services) {
        const objects = render(environment, service);
        expect(admitted(one(objects, 'Deployment').spec.template.metadata.labels), `${environment} ${service}`).toBe(
          service !== 'frontend',
        );
        expect(admitted(one(objects, 'Pod', true).metadata.labels), `${environment} ${service} test pod`).toBe(false);
      }
    }
  });

  it('reads the secret the database Cluster generates', () => {
    for (const environment of environments) {
      const cluster = parse(
        readFileSync(join(repository, `gitops-repo/apps/platform/database/${environment}/cluster.yaml`), 'utf8'),
      ) as Json;
      const env = one(render(environment, 'order'), 'Deployment').spec.template.spec.containers[0].env as Json[];
      expect(env.find((e) => e.name === 'DATABASE_URL')?.valueFrom.secretKeyRef.name).toBe(`${cluster.metadata.name}-app`);
    }
  });
});

describe('the embedded database of a preview (database.embedded)', () => {
  it('keeps each service’s data in its own emptyDir instead of the CloudNativePG cluster', () => {
    const database = (service: string) => ({
      ...(applicationValues('dev', service).database ?? {}),
      embedded: true,
      embeddedSizeLimit: '256Mi',
    });
    for (const service of services) {
      const objects = render('dev', service, { database: database(service) });
      const pod = one(objects, 'Deployment').spec.template.spec;
      const [container] = pod.containers;
      const env = (container.env ?? []) as Json[];
      expect(env.find((e) => e.name === 'DATABASE_URL')).toBeUndefined();
      const egress = JSON.stringify(one(objects, 'NetworkPolicy').spec.egress);
      expect(egress).not.toContain('cnpg.io/cluster');
      if (service === 'frontend') {
        expect(pod.volumes.map((v: Json) => v.name)).toEqual(['tmp']);
        continue;
      }
      expect(env.find((e) => e.name === 'DATA_DIR')?.value).toBe('/data');
      expect(pod.volumes.find((v: Json) => v.name === 'data')).toEqual({ name: 'data', emptyDir: { sizeLimit: '256Mi' } });
      expect(container.volumeMounts).toContainEqual({ name: 'data', mountPath: '/data' });
    }
  });
});

describe('values mistakes fail the render with a clear message', () => {
  it.each([
    [{ service: 'catalog' }, 'service "catalog" has no block under `services`'],
    [{ service: '' }, 'set `service` to one of the keys of `services`'],
    [{ image: { repository: 'r', tag: '1', digest: 'sha256:abc' } }, "image.digest: Does not match pattern '^(sha256:[a-f0-9]{64})?$'"],
    [{ imagee: { tag: '1' } }, 'Additional property imagee is not allowed'],
    [{ services: { product: { replicas: 'two' } } }, 'services.product.replicas: Invalid type. Expected: integer, given: string'],
    [{ image: { repository: '', tag: '1' } }, 'image.repository is required'],
  ])('%j', (override, message) => {
    expect(() => render('dev', 'product', override)).toThrow(message);
  });

  it('renders repository:tag without a digest only when none is given', () => {
    const objects = render('dev', 'cart', { image: { repository: 'registry/cart', tag: '1.2.3', digest: '' } });
    expect(one(objects, 'Deployment').spec.template.spec.containers[0].image).toBe('registry/cart:1.2.3');
  });
});
