/**
 * Reads the observability pieces of gitops-repo as the cluster gets them: PrometheusRule objects and
 * dashboard ConfigMaps under apps/platform/observability, the Grafana sidecar and datasource settings
 * of kube-prometheus-stack, the labels Alloy gives log streams, and the shop's namespaces.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

export const gitopsRoot = fileURLToPath(new URL('../..', import.meta.url));
export const observabilityDir = join(gitopsRoot, 'apps/platform/observability');

type Json = Record<string, unknown>;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function documents(file: string): Json[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((document) => {
    if (document.errors.length > 0) throw new Error(`${relative(gitopsRoot, file)}: ${document.errors[0]?.message}`);
    return document.toJS() as Json;
  });
}

export interface RuleGroup {
  name: string;
  rules: Json[];
}

export interface PrometheusRuleFile {
  file: string;
  object: Json;
  groups: RuleGroup[];
}

export function prometheusRules(): PrometheusRuleFile[] {
  return yamlFiles(observabilityDir).flatMap((file) =>
    documents(file)
      .filter((object) => object['kind'] === 'PrometheusRule')
      .map((object) => ({ file: relative(gitopsRoot, file), object, groups: ((object['spec'] as Json)['groups'] as RuleGroup[]) ?? [] })),
  );
}

/** Every rule group of every PrometheusRule, as a Prometheus rule file (what the operator generates). */
export function ruleFileText(): string {
  return JSON.stringify({ groups: prometheusRules().flatMap((rule) => rule.groups) }, null, 2);
}

export interface DashboardFile {
  file: string;
  configMap: Json;
  key: string;
  dashboard: Json;
}

export function dashboards(): DashboardFile[] {
  return yamlFiles(observabilityDir).flatMap((file) =>
    documents(file)
      .filter(
        (object) =>
          object['kind'] === 'ConfigMap' &&
          ((object['metadata'] as Json)['labels'] as Json | undefined)?.['grafana_dashboard'] !== undefined,
      )
      .flatMap((configMap) =>
        Object.entries(configMap['data'] as Record<string, string>).map(([key, text]) => {
          let dashboard: Json;
          try {
            dashboard = JSON.parse(text) as Json;
          } catch (error) {
            throw new Error(`${relative(gitopsRoot, file)}: data.${key} is not JSON: ${(error as Error).message}`, { cause: error });
          }
          return { file: `${relative(gitopsRoot, file)} (data.${key})`, configMap, key, dashboard };
        }),
      ),
  );
}

const kubePrometheusStackValues = (): Json =>
  parse(readFileSync(join(gitopsRoot, 'apps/platform/kube-prometheus-stack/values.yaml'), 'utf8')) as Json;

export function grafanaValues(): Json {
  return kubePrometheusStackValues()['grafana'] as Json;
}

/** Datasources Grafana is provisioned with: the chart's default Prometheus and additionalDataSources. */
export function provisionedDatasources(): Map<string, string> {
  const grafana = grafanaValues();
  const sidecar = (grafana['sidecar'] as Json)['datasources'] as Json;
  const datasources = new Map<string, string>();
  if (sidecar['enabled'] === true && sidecar['defaultDatasourceEnabled'] !== false)
    datasources.set(String(sidecar['uid'] ?? 'prometheus'), 'prometheus');
  for (const extra of (grafana['additionalDataSources'] as Json[] | undefined) ?? [])
    datasources.set(String(extra['uid']), String(extra['type']));
  return datasources;
}

/** The label names Alloy puts on the log streams it ships to Loki. */
export function alloyStreamLabels(): Set<string> {
  const values = parse(readFileSync(join(gitopsRoot, 'apps/platform/alloy/values.yaml'), 'utf8')) as Json;
  const content = String(((values['alloy'] as Json)['configMap'] as Json)['content']);
  const labels = new Set([...content.matchAll(/target_label\s*=\s*"(\w+)"/g)].map((match) => match[1] as string));
  for (const block of content.matchAll(/stage\.labels\s*\{\s*values\s*=\s*\{([^}]*)\}/g)) {
    for (const match of (block[1] ?? '').matchAll(/(\w+)\s*=/g)) labels.add(match[1] as string);
  }
  return labels;
}

/** Destination namespaces of the shop's Applications in every environment. */
export function shopNamespaces(): Set<string> {
  const environments = join(gitopsRoot, 'environments');
  const namespaces = new Set<string>();
  for (const environment of readdirSync(environments)) {
    for (const file of yamlFiles(join(environments, environment, 'services'))) {
      for (const object of documents(file)) {
        const destination = (object['spec'] as Json | undefined)?.['destination'] as Json | undefined;
        if (object['kind'] === 'Application' && typeof destination?.['namespace'] === 'string') namespaces.add(destination['namespace']);
      }
    }
  }
  return namespaces;
}
