// The third-party charts gitops-repo pins, checked against what their own repositories publish
// (test/upstream/charts.yaml, each fact with its source): every pin is a version the chart
// repository's index lists, every external-dns value is a key of that chart's values.yaml at the
// pinned version, and external-dns can find the hosted zone of the domain it is given.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Environment, Json, TreeApplication } from './platform-tree.ts';
import { environmentApplications, environments, gitopsRoot, leafPaths, repositoryRoot, valueAt } from './platform-tree.ts';

interface ChartFacts {
  chart: string;
  repoURL: string;
  source: string;
  published: string[];
  values?: { source: string; keys: string[]; freeForm: string[] };
}

const catalogue = (parse(readFileSync(join(gitopsRoot, 'test/upstream/charts.yaml'), 'utf8')) as { charts: ChartFacts[] }).charts;
const byEnvironment = Object.fromEntries(environments.map((environment) => [environment, environmentApplications(environment)])) as Record<
  Environment,
  TreeApplication[]
>;

function versionParts(version: string): number[] {
  return version.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [versionParts(a), versionParts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** The published versions just below and just above a version. */
function nearest(version: string, published: string[]): string[] {
  const sorted = [...published].sort(compareVersions);
  const below = sorted.filter((candidate) => compareVersions(candidate, version) < 0).at(-1);
  const above = sorted.find((candidate) => compareVersions(candidate, version) > 0);
  return [below, above].filter((candidate): candidate is string => candidate !== undefined);
}

/** Chart pins that no chart repository's index lists, one sentence each. */
function chartPinFindings(applications: TreeApplication[]): string[] {
  const findings: string[] = [];
  for (const application of applications) {
    for (const source of application.charts) {
      if (source.repoURL.endsWith('.git')) continue; // a chart folder of this repository, pinned by commit
      const facts = catalogue.find((entry) => entry.chart === source.chart && entry.repoURL === source.repoURL);
      if (!facts)
        findings.push(
          `${application.file}: chart ${source.chart} from ${source.repoURL} is not in test/upstream/charts.yaml; add its published versions from the repository's index.yaml`,
        );
      else if (!facts.published.includes(source.targetRevision)) {
        findings.push(
          `${application.file}: Application ${application.name} pins ${source.chart} ${source.targetRevision}, which ${source.repoURL} does not publish (nearest: ${nearest(source.targetRevision, facts.published).join(', ')}; ${facts.source})`,
        );
      }
    }
  }
  return findings;
}

/** Values an Application gives a chart that the chart's values.yaml does not define. */
function unknownValueKeys(application: TreeApplication, chart: string): string[] {
  const facts = catalogue.find((entry) => entry.chart === chart)?.values;
  if (!facts) throw new Error(`test/upstream/charts.yaml has no values keys for ${chart}`);
  const source = application.charts.find((candidate) => candidate.chart === chart);
  if (!source) throw new Error(`${application.file} installs no chart ${chart}`);
  const known = (path: string) => facts.keys.includes(path) || facts.freeForm.some((map) => path === map || path.startsWith(`${map}.`));
  return leafPaths(source.values)
    .filter((path) => !known(path))
    .map((path) => `${application.file}: ${chart} has no value ${path} (${facts.source})`);
}

function application(environment: Environment, name: string): TreeApplication {
  const found = byEnvironment[environment].find((candidate) => candidate.name === name);
  if (!found) throw new Error(`${environment} has no Application ${name}`);
  return found;
}

function withChartValues(app: TreeApplication, change: (values: Json) => Json, revision?: string): TreeApplication {
  return {
    ...app,
    charts: app.charts.map((source) => ({ ...source, targetRevision: revision ?? source.targetRevision, values: change(source.values) })),
  };
}

describe('chart pins against the chart repositories’ indexes', () => {
  it.each(environments)('%s: every chart from a Helm repository is pinned to a published version', (environment) => {
    expect(byEnvironment[environment].some((app) => app.charts.length > 0)).toBe(true);
    expect(chartPinFindings(byEnvironment[environment])).toEqual([]);
  });

  it('reports a version the index does not list, naming the Application and the nearest published ones', () => {
    const unpublished = withChartValues(application('dev', 'external-dns'), (values) => values, '1.21.0');
    expect(chartPinFindings([unpublished])).toEqual([
      expect.stringMatching(
        /^gitops-repo\/environments\/dev\/platform\/external-dns\.yaml: Application external-dns pins external-dns 1\.21\.0, which https:\/\/kubernetes-sigs\.github\.io\/external-dns\/ does not publish \(nearest: 1\.20\.0, 1\.21\.1; kubernetes-sigs\/external-dns, branch gh-pages/,
      ),
    ]);
  });
});

describe('external-dns values against the pinned chart', () => {
  it.each(environments)('%s: every value is a key of the chart’s values.yaml', (environment) => {
    expect(unknownValueKeys(application(environment, 'external-dns'), 'external-dns')).toEqual([]);
  });

  it('reports a misspelt key', () => {
    const misspelt = withChartValues(application('dev', 'external-dns'), ({ domainFilters, ...rest }) => ({
      ...rest,
      domainFilter: domainFilters,
    }));
    expect(unknownValueKeys(misspelt, 'external-dns')).toEqual([
      expect.stringContaining(
        'external-dns has no value domainFilter (kubernetes-sigs/external-dns, charts/external-dns/values.yaml, tag external-dns-helm-chart-1.21.1)',
      ),
    ]);
  });

  /** The hosted zone infra-repo's example settings give the environment (hosted_zone_name). */
  function hostedZone(environment: Environment): string {
    const file = join(repositoryRoot, 'infra-repo/environments', environment, 'terraform.tfvars.example');
    const zone = /^hosted_zone_name\s*=\s*"([^"]+)"/m.exec(readFileSync(file, 'utf8'))?.[1];
    if (!zone) throw new Error(`infra-repo/environments/${environment}/terraform.tfvars.example sets no hosted_zone_name`);
    return zone;
  }

  /** Why external-dns would find no zone for its domain filters, or undefined. */
  function zoneMatchProblem(app: TreeApplication, zone: string): string | undefined {
    const values = app.charts[0]?.values ?? {};
    const filters = (valueAt(values, 'domainFilters') ?? []) as string[];
    const outside = filters.filter((domain) => domain !== zone && !domain.endsWith(`.${zone}`));
    if (outside.length > 0) return `${app.file}: domainFilters ${outside.join(', ')} are not in the hosted zone ${zone}`;
    const inside = filters.filter((domain) => domain !== zone);
    if (inside.length > 0 && valueAt(values, 'extraArgs.aws-zone-match-parent') !== true) {
      return `${app.file}: domainFilters ${inside.join(', ')} name a domain inside the hosted zone ${zone}: without extraArgs aws-zone-match-parent: true external-dns finds no zone`;
    }
    return undefined;
  }

  it.each(environments)('%s: external-dns finds the hosted zone of its domain filters', (environment) => {
    expect(zoneMatchProblem(application(environment, 'external-dns'), hostedZone(environment))).toBeUndefined();
  });

  it('reports a domain inside the zone without --aws-zone-match-parent', () => {
    const without = withChartValues(application('dev', 'external-dns'), ({ extraArgs: _dropped, ...rest }) => rest);
    expect(zoneMatchProblem(without, 'shop.example.com')).toMatch(
      /domainFilters dev\.shop\.example\.com name a domain inside the hosted zone shop\.example\.com/,
    );
  });
});
