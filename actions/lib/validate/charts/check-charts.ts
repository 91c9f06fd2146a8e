/**
 * `slipway validate --charts`: every chart an Application installs from a chart repository is
 * pulled at its pinned version, its values keys are checked against the chart's own
 * definitions, it is rendered as Argo CD renders it (helm-source.ts), and what comes out goes
 * through the schema checks (the CRDs the tree installs included), the project, and the
 * workload policy for third-party charts: the Pod Security level its namespace enforces,
 * resources and probes. Then, per environment, the checks across Applications
 * (cluster-checks.ts) run on everything the Applications sync.
 *
 * API versions given to helm (`--api-versions`, what `.Capabilities.APIVersions` answers): the
 * Application's `helm.apiVersions` when set, else the cluster once the platform is installed —
 * the built-in groups, those of chart-render.ts extraApiVersions, and every version served by
 * a CRD of the environment (manifests, the charts of this checkout, the `crds/` folders of the
 * pulled charts).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ChartToRender, ManifestDocument, RemoteChartSource, TreeResult } from '../argo-tree.ts';
import { scopeOf } from '../argo-tree.ts';
import { extraApiVersions, renderChart } from '../chart-render.ts';
import type { Finding } from '../finding.ts';
import { hasBundledSchema, schemaProblemFindings, validateObject } from '../object-schema.ts';
import { parseYaml } from '../yaml-documents.ts';
import type { PulledChart } from './chart-cache.ts';
import { ChartCache } from './chart-cache.ts';
import type { ApplicationObjects } from './cluster-checks.ts';
import { crdOrderFindings, namespaceLevels, storageClassFindings } from './cluster-checks.ts';
import { crdKey, kindKey, servedApiVersions, validateCustomResource } from './crd-schema.ts';
import type { RenderWhere } from './rendered-objects.ts';
import { projectFindings, renderedObjects, renderedPrefix, renderedWorkloadFindings } from './rendered-objects.ts';
import { valueKeyFindings } from './value-key-findings.ts';

type Json = Record<string, unknown>;

export interface ChartCheckInput {
  /** The validated folder (absolute) and the checkout holding it. */
  folder: string;
  base: string;
  tree: TreeResult;
  /** The charts of this checkout, already rendered (and checked) by validateFolder. */
  localRenders: { chart: ChartToRender; objects: Json[] }[];
}

export interface ChartCheckOptions {
  helm: string;
  /** Bound of each network step (index, tags, helm pull). */
  timeoutMs: number;
}

interface RemoteRender {
  chart: RemoteChartSource;
  where: RenderWhere;
  objects: Json[];
}

function nameOf(doc: ManifestDocument): string {
  return String((doc.object.metadata as Json | undefined)?.name ?? '');
}

/** Runs `work` over `items`, at most `limit` at a time, results in order. */
async function mapLimited<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as T, index);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The CRDs a chart ships in its `crds/` folders (its own and its subcharts'), as objects. */
function shippedCrds(chartDir: string, depth = 0): Json[] {
  const found: Json[] = [];
  const crdsDir = join(chartDir, 'crds');
  if (existsSync(crdsDir)) {
    for (const file of readdirFiles(crdsDir)) {
      for (const doc of parseYaml(file, readFileSync(file, 'utf8'), { maxAliasCount: 100, maxBytes: 16 * 1024 * 1024 }).documents) {
        if (doc.value && typeof doc.value === 'object' && crdKey(doc.value as Json)) found.push(doc.value as Json);
      }
    }
  }
  const charts = join(chartDir, 'charts');
  if (depth < 10 && existsSync(charts)) for (const sub of readdirFiles(charts, true)) found.push(...shippedCrds(sub, depth + 1));
  return found;
}

function readdirFiles(dir: string, folders = false): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => (folders ? entry.isDirectory() : entry.isFile() && /\.(ya?ml|json)$/i.test(entry.name)))
    .map((entry) => join(dir, entry.name))
    .sort();
}

function pullFinding(chart: RemoteChartSource, pulled: Exclude<PulledChart, { ok: true }>): Finding {
  const field = pulled.rule === 'chart-version' ? 'targetRevision' : 'repoURL';
  return {
    file: chart.application.file,
    document: chart.application.document,
    field: `${chart.sourceField}.${field}`,
    rule: pulled.rule,
    message: `Application ${nameOf(chart.application)}: ${pulled.message}`,
    fix: pulled.fix,
  };
}

/** The chart's value files as helm reads them, or the finding about one missing from the chart. */
function chartValueFiles(chart: RemoteChartSource, chartDir: string): { files: string[] } | { finding: Finding } {
  const files: string[] = [];
  for (const file of chart.valueFiles) {
    if (file.inTree) files.push(file.inTree);
    else if (file.inChart) {
      const path = join(chartDir, file.inChart);
      const isFile = existsSync(path) && statSync(path).isFile();
      if (!isFile) {
        const message = `Application ${nameOf(chart.application)}: values file ${file.inChart} is not in chart ${chart.chart.chart} ${chart.chart.version}`;
        return {
          finding: {
            file: chart.application.file,
            document: chart.application.document,
            field: file.field,
            rule: 'values-file',
            message,
            fix: 'name a values file the chart ships, or keep the values in the tree as $values/<path>',
          },
        };
      }
      files.push(path);
    }
  }
  return { files };
}

async function checkRemoteChart(
  chart: RemoteChartSource,
  pulled: PulledChart,
  apiVersions: string[],
  input: ChartCheckInput,
  helm: string,
): Promise<{ findings: Finding[]; render?: RemoteRender }> {
  if (!pulled.ok) return { findings: [pullFinding(chart, pulled)] };
  const where: RenderWhere = { file: chart.application.file, document: chart.application.document, sourceField: chart.sourceField };
  const valueFiles = chartValueFiles(chart, pulled.chartDir);
  if ('finding' in valueFiles) return { findings: [valueFiles.finding] };
  const display = (absolute: string) => relative(input.base, absolute).split(sep).join('/');
  const findings = valueKeyFindings(chart, pulled.chartDir, display);
  const request = {
    ...chart,
    chartDir: pulled.chartDir,
    valueFiles: valueFiles.files,
    inlineValues: chart.inline ? [chart.inline.value] : [],
    apiVersions: chart.apiVersions.length > 0 ? chart.apiVersions : apiVersions,
  };
  const result = await renderChart(helm, request);
  if (!result.ok) {
    const message = `Application ${nameOf(chart.application)}: chart ${chart.chart.chart} ${chart.chart.version} does not render with these values: ${result.error}`;
    return {
      findings: [
        ...findings,
        {
          file: where.file,
          document: where.document,
          field: `${chart.sourceField}.helm`,
          rule: 'render',
          message,
          fix: "fix the values the Application gives the chart (see the chart's values.yaml at this version)",
        },
      ],
    };
  }
  const rendered = renderedObjects(result.manifest, chart.namespace, where);
  findings.push(...rendered.findings, ...projectFindings(chart.project, chart.application.object, rendered.objects, where));
  return { findings, render: { chart, where, objects: rendered.objects } };
}

/** Every Application's objects: plain manifests and the charts of this checkout. */
function knownObjects(input: ChartCheckInput): ApplicationObjects[] {
  const plain = input.tree.deployments.map((deployment) => ({
    application: deployment.application,
    objects: deployment.manifests.map((doc) => {
      const metadata = (doc.object.metadata as Json | undefined) ?? {};
      const object =
        typeof metadata.namespace === 'string' ? doc.object : { ...doc.object, metadata: { ...metadata, namespace: deployment.namespace } };
      return { object, file: doc.file, document: doc.document, prefix: '' };
    }),
  }));
  const local = input.localRenders.map(({ chart, objects }) => ({
    application: chart.application,
    objects: objects.map((object) => ({
      object,
      file: chart.application.file,
      document: chart.application.document,
      prefix: renderedPrefix(object),
    })),
  }));
  return [...plain, ...local];
}

/** Each Application synced by a folder another Application syncs → that parent. */
function parentsOf(tree: TreeResult): Map<ManifestDocument, ManifestDocument> {
  const parents = new Map<ManifestDocument, ManifestDocument>();
  for (const deployment of tree.deployments) {
    for (const doc of deployment.manifests) if (doc.object.kind === 'Application') parents.set(doc, deployment.application);
  }
  return parents;
}

async function environmentFindings(
  group: ApplicationObjects[],
  remote: ReadonlySet<ApplicationObjects>,
  renders: RemoteRender[],
  parents: Map<ManifestDocument, ManifestDocument>,
): Promise<Finding[]> {
  const findings = [...crdOrderFindings(group, parents), ...storageClassFindings(group)];
  const crds = new Map<string, Json>();
  for (const { object } of group.flatMap((set) => set.objects)) {
    const key = crdKey(object);
    if (key && !crds.has(key)) crds.set(key, object);
  }
  for (const set of group) {
    for (const placed of set.objects) {
      const crd = crds.get(kindKey(placed.object));
      const isRemote = remote.has(set);
      let problems;
      if (crd && (isRemote || !hasBundledSchema(String(placed.object.apiVersion)))) problems = validateCustomResource(placed.object, crd);
      else if (isRemote) problems = (await validateObject(placed.object)) ?? [];
      if (problems) findings.push(...schemaProblemFindings(problems, placed, placed.prefix));
    }
  }
  const levels = namespaceLevels(group);
  const thirdParty = { podSecurity: (namespace: string) => levels.get(namespace), rules: new Set(['resources', 'probes'] as const) };
  for (const render of renders) findings.push(...renderedWorkloadFindings(render.objects, render.where, thirdParty));
  return findings;
}

export async function checkCharts(input: ChartCheckInput, options: ChartCheckOptions): Promise<Finding[]> {
  const { remoteCharts } = input.tree;
  const cache = await ChartCache.create(options.helm, options.timeoutMs);
  try {
    const known = knownObjects(input);
    const scope = (application: ManifestDocument) => scopeOf(input.folder, application.absolute);
    const pulled = await Promise.all(remoteCharts.map((chart) => cache.pull(chart.chart)));
    const crdObjects = new Map<string, Json[]>();
    const addCrds = (key: string, objects: Json[]) =>
      crdObjects.set(key, [...(crdObjects.get(key) ?? []), ...objects.filter((object) => crdKey(object))]);
    for (const set of known)
      addCrds(
        scope(set.application),
        set.objects.map((placed) => placed.object),
      );
    remoteCharts.forEach((chart, index) => {
      const result = pulled[index];
      if (result?.ok) addCrds(scope(chart.application), shippedCrds(result.chartDir));
    });
    const apiVersionsOf = (key: string) => [...new Set([...extraApiVersions, ...servedApiVersions(crdObjects.get(key) ?? [])])].sort();
    const checked = await mapLimited(remoteCharts, 2, (chart, index) =>
      checkRemoteChart(chart, pulled[index] as PulledChart, apiVersionsOf(scope(chart.application)), input, options.helm),
    );
    const findings = checked.flatMap((result) => result.findings);
    const renders = checked.flatMap((result) => (result.render ? [result.render] : []));
    const remoteSets = renders.map((render) => ({
      application: render.chart.application,
      objects: render.objects.map((object) => ({
        object,
        file: render.where.file,
        document: render.where.document,
        prefix: renderedPrefix(object),
      })),
    }));
    const parents = parentsOf(input.tree);
    const scopes = new Set([...known, ...remoteSets].map((set) => scope(set.application)));
    for (const key of scopes) {
      const group = [...known, ...remoteSets].filter((set) => scope(set.application) === key);
      const groupRenders = renders.filter((render) => scope(render.chart.application) === key);
      findings.push(...(await environmentFindings(group, new Set(remoteSets), groupRenders, parents)));
    }
    return findings;
  } finally {
    await cache.close();
  }
}
