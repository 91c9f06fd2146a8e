import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { dashboardQueries, lintDashboard } from './dashboard-lint.ts';
import { annotationBody } from '../../../actions/lib/verify/grafana-annotation.ts';
import { alloyStreamLabels, dashboards, gitopsRoot, grafanaValues, provisionedDatasources } from './observability-tree.ts';

type Json = Record<string, unknown>;

describe('the shop dashboards as Grafana provisions them', () => {
  const files = dashboards();
  const datasources = provisionedDatasources();

  it('the provisioned datasources are the chart Prometheus and Loki', () => {
    expect(Object.fromEntries(datasources)).toEqual({ prometheus: 'prometheus', loki: 'loki' });
  });

  it.each(files.map((file) => [file.file, file] as const))('%s has the structure Grafana expects', (_name, file) => {
    expect(lintDashboard(file.dashboard, file.file, datasources)).toEqual([]);
  });

  it('dashboard uids are unique and each ConfigMap carries the sidecar label and folder annotation', () => {
    const uids = files.map((file) => file.dashboard['uid']);
    expect(new Set(uids).size).toBe(uids.length);
    const sidecar = (grafanaValues()['sidecar'] as Json)['dashboards'] as Json;
    for (const { configMap, file } of files) {
      const metadata = configMap['metadata'] as { labels: Record<string, string>; annotations?: Record<string, string> };
      expect(metadata.labels[String(sidecar['label'])], file).toBe(String(sidecar['labelValue']));
      expect(metadata.annotations?.[String(sidecar['folderAnnotation'])], file).toBeTruthy();
    }
  });

  it('each dashboard ConfigMap stays under the 256 KiB annotation limit of client-side apply', () => {
    for (const { configMap, file } of files) expect(JSON.stringify(configMap).length, file).toBeLessThan(262_144);
  });

  it('the overview shows request rate, error ratio, p50/p95/p99, orders per minute and conversion per service', () => {
    const overview = files.find((file) => file.dashboard['uid'] === 'shop-overview');
    const titles = ((overview?.dashboard['panels'] as Json[]) ?? []).map((panel) => panel['title']);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Request rate per service',
        'Error ratio per service',
        'Latency p50 per service',
        'Latency p95 per service',
        'Latency p99 per service',
        'Orders per minute',
        'Cart-to-order conversion',
      ]),
    );
  });

  it('the service dashboard splits by version, marks deployments and shows the service logs from Loki', () => {
    const service = files.find((file) => file.dashboard['uid'] === 'shop-service')?.dashboard ?? {};
    const queries = dashboardQueries(service);
    expect(queries.filter((q) => q.datasourceType === 'prometheus' && /by \(version/.test(q.expr)).length).toBeGreaterThanOrEqual(3);
    expect(queries.some((q) => q.datasourceUid === 'loki' && q.expr.includes('service="$service"'))).toBe(true);
    const variables = ((service['templating'] as Json)['list'] as Json[]).map((variable) => variable['name']);
    expect(variables).toEqual(['environment', 'service', 'version']);
    const annotations = (service['annotations'] as Json)['list'] as Json[];
    expect(annotations.find((annotation) => annotation['name'] === 'Deployments')?.['target']).toMatchObject({
      type: 'tags',
      tags: ['deploy', '$service'],
    });
  });

  it('the Deployments annotation query matches every tag set the verify action posts (passed and failed)', () => {
    const service = files.find((file) => file.dashboard['uid'] === 'shop-service')?.dashboard ?? {};
    const query = ((service['annotations'] as Json)['list'] as Json[]).find((annotation) => annotation['name'] === 'Deployments');
    const target = query?.['target'] as { tags: string[]; matchAny?: boolean };
    for (const outcome of ['passed', 'failed'] as const) {
      const posted = annotationBody({
        environment: 'prod',
        service: 'cart',
        version: 'sha-1234567',
        commit: 'c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe',
        outcome,
        time: 0,
      }).tags;
      const wanted = target.tags.map((tag) => tag.replace('$service', 'cart'));
      // Grafana shows an annotation when it has every tag of the query (any one with matchAny).
      expect(target.matchAny ? wanted.some((tag) => posted.includes(tag)) : wanted.every((tag) => posted.includes(tag)), outcome).toBe(
        true,
      );
    }
  });

  it('log queries select only labels Alloy puts on the streams', () => {
    const labels = alloyStreamLabels();
    expect([...labels].sort()).toEqual(expect.arrayContaining(['level', 'namespace', 'pod', 'service']));
    for (const { dashboard, file } of files) {
      for (const query of dashboardQueries(dashboard).filter((q) => q.datasourceType === 'loki')) {
        const selector = /\{([^}]*)\}/.exec(query.expr)?.[1] ?? '';
        const used = [...selector.matchAll(/(\w+)\s*(?:=~|!=|!~|=)/g)].map((m) => m[1]);
        expect(used.length, `${file} panel ${query.panelId}`).toBeGreaterThan(0);
        for (const label of used)
          expect(labels.has(label as string), `${file} panel ${query.panelId} selects ${label}, which Alloy does not set`).toBe(true);
      }
    }
  });

  it.each(['dev', 'prod'])('every series in %s carries the environment label the dashboards filter on', (environment) => {
    const application = parse(
      readFileSync(join(gitopsRoot, `environments/${environment}/platform/kube-prometheus-stack.yaml`), 'utf8'),
    ) as { spec: { sources: { helm?: { valueFiles: string[] } }[] } };
    const valueFiles = application.spec.sources.flatMap((source) => source.helm?.valueFiles ?? []);
    expect(valueFiles).toContain(`$values/gitops-repo/apps/platform/kube-prometheus-stack/values-${environment}.yaml`);
    const values = parse(readFileSync(join(gitopsRoot, `apps/platform/kube-prometheus-stack/values-${environment}.yaml`), 'utf8')) as {
      prometheus: {
        prometheusSpec: { scrapeClasses: { default?: boolean; relabelings: { targetLabel: string; replacement: string }[] }[] };
      };
    };
    const defaults = values.prometheus.prometheusSpec.scrapeClasses.filter((scrapeClass) => scrapeClass.default === true);
    expect(defaults).toHaveLength(1);
    expect(defaults[0]?.relabelings).toContainEqual(expect.objectContaining({ targetLabel: 'environment', replacement: environment }));
  });
});
