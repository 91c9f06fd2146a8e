/**
 * `slipway validate`: every check of a GitOps tree, in one pass. Returns the findings; the CLI
 * prints them and exits 1 when there is any.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { findHelm } from './helm-binary.ts';
import type { ChartToRender, ManifestDocument, PlainDeployment, TreeResult } from './argo-tree.ts';
import { projectRefusesObject } from './argo/app-project.ts';
import { checkTree } from './argo-tree.ts';
import { lintChart, renderChart } from './chart-render.ts';
import { checkCharts } from './charts/check-charts.ts';
import {
  isKubernetesObject,
  projectFindings,
  renderedObjects,
  renderedPrefix,
  renderedWorkloadFindings,
} from './charts/rendered-objects.ts';
import type { Finding } from './finding.ts';
import { sortFindings } from './finding.ts';
import { schemaProblemFindings, validateObject } from './object-schema.ts';
import { findPlaintextSecrets } from './plaintext-secrets.ts';
import { checkWorkloads, generatedWorkloadPolicy } from './workload-policy.ts';
import { parseYaml } from './yaml-documents.ts';

type Json = Record<string, unknown>;

export interface ValidateOptions {
  /** The helm binary; found with findHelm() when not given. */
  helm?: string;
  /** Also pull, render and check the charts Applications install from chart repositories (network). */
  charts?: boolean;
  /** Bound of each network step (index, tags, helm pull) with `charts`; default 60 s. */
  chartTimeoutMs?: number;
}

export class ValidateInputError extends Error {
  override name = 'ValidateInputError';
}

/**
 * The YAML files of a GitOps tree, and its chart folders (those holding a Chart.yaml). A chart's
 * files are Helm templates and values, not manifests: they are checked by rendering the chart
 * for each Application that uses it (helm template + helm lint), so they are not listed here.
 */
function listTree(folder: string): { yamlFiles: string[]; chartFolders: string[] } {
  const yamlFiles: string[] = [];
  const chartFolders: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    if (entries.some((entry) => entry.isFile() && entry.name === 'Chart.yaml')) {
      chartFolders.push(dir);
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) yamlFiles.push(path);
    }
  };
  walk(folder);
  return { yamlFiles, chartFolders };
}

async function schemaFindings(object: Json, where: { file: string; document?: number }, prefix = ''): Promise<Finding[]> {
  return schemaProblemFindings((await validateObject(object)) ?? [], where, prefix);
}

function secretFindings(value: unknown, where: { file: string; document?: number }, prefix = ''): Finding[] {
  return findPlaintextSecrets(value).map((problem) => {
    const finding: Finding = {
      file: where.file,
      field: `${prefix}${problem.field}`,
      rule: 'plaintext-secret',
      message: problem.message,
      fix: 'keep secret values out of Git: reference a Secret made outside Git (existingSecret, secretKeyRef) or use a sealed/external secret',
    };
    if (where.document !== undefined) finding.document = where.document;
    return finding;
  });
}

/** A chart of this checkout rendered (and linted) for one Application: its findings and objects. */
async function renderLocalChart(chart: ChartToRender, helm: string): Promise<{ findings: Finding[]; objects: Json[] }> {
  const where = { file: chart.application.file, document: chart.application.document, sourceField: chart.sourceField };
  const [result, lint] = await Promise.all([renderChart(helm, chart), lintChart(helm, chart)]);
  if (!result.ok) {
    return {
      findings: [
        {
          file: where.file,
          document: where.document,
          field: `${chart.sourceField}.helm`,
          rule: 'render',
          message: `helm template fails: ${result.error}`,
          fix: 'fix the values this Application gives the chart (or the chart)',
        },
      ],
      objects: [],
    };
  }
  const { objects, findings } = renderedObjects(result.manifest, chart.namespace, where);
  for (const line of lint) {
    findings.push({
      file: where.file,
      document: where.document,
      field: `${chart.sourceField}.helm`,
      rule: 'helm-lint',
      message: `helm lint --strict: ${line}`,
      fix: 'fix the chart or the values this Application gives it',
    });
  }
  for (const object of objects) {
    findings.push(...(await schemaFindings(object, where, renderedPrefix(object))));
    findings.push(...secretFindings(object, where, renderedPrefix(object)));
  }
  findings.push(...projectFindings(chart.project, chart.application.object, objects, where));
  findings.push(...renderedWorkloadFindings(objects, where, chart.generated ? generatedWorkloadPolicy : undefined));
  return { findings, objects };
}

function assertFolder(folder: string, folderArgument: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(folder).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new ValidateInputError(`${folderArgument} is not a folder: give the GitOps folder to validate (e.g. gitops-repo)`);
}

/** Every YAML file parsed into its documents, with the parse findings. */
function readDocuments(yamlFiles: string[], display: (absolute: string) => string): { findings: Finding[]; documents: ManifestDocument[] } {
  const findings: Finding[] = [];
  const documents: ManifestDocument[] = [];
  for (const absolute of yamlFiles) {
    const file = display(absolute);
    const parsed = parseYaml(file, readFileSync(absolute, 'utf8'));
    findings.push(...parsed.findings);
    for (const doc of parsed.documents) documents.push({ absolute, file, document: doc.index, object: doc.value as Json });
  }
  return { findings, documents };
}

/** Each document on its own: its schema (when it is a Kubernetes object) and plaintext secrets. */
async function documentFindings(documents: ManifestDocument[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const doc of documents) {
    const where = { file: doc.file, document: doc.document };
    if (isKubernetesObject(doc.object)) findings.push(...(await schemaFindings(doc.object, where)));
    findings.push(...secretFindings(doc.object, where));
  }
  return findings;
}

/** Chart folders no Application renders. */
function uncoveredChartFindings(chartFolders: string[], tree: TreeResult, display: (absolute: string) => string): Finding[] {
  return chartFolders
    .filter((chartFolder) => !tree.charts.some((chart) => resolve(chart.chartDir) === chartFolder))
    .map((chartFolder) => ({
      file: display(join(chartFolder, 'Chart.yaml')),
      field: '',
      rule: 'coverage',
      message: 'no Application renders this chart, so nothing checks or deploys it',
      fix: 'point an Application source path at the chart folder, or delete it',
    }));
}

/** The plain manifests of one Application: what its project refuses, and the workload policy. */
function deploymentFindings(deployment: PlainDeployment): Finding[] {
  const findings: Finding[] = [];
  const objects = deployment.manifests.map((doc) => {
    const metadata = (doc.object.metadata as Json | undefined) ?? {};
    return typeof metadata.namespace === 'string'
      ? doc.object
      : { ...doc.object, metadata: { ...metadata, namespace: deployment.namespace } };
  });
  const destination = ((deployment.application.object.spec as Json | undefined)?.destination as Json | undefined) ?? {};
  objects.forEach((object, index) => {
    const doc = deployment.manifests[index];
    if (!doc || !deployment.project) return;
    const refusal = projectRefusesObject(deployment.project, object, String((object.metadata as Json).namespace ?? ''), destination);
    if (refusal)
      findings.push({
        file: doc.file,
        document: doc.document,
        field: 'kind',
        rule: 'project',
        message: `${refusal} (synced by ${deployment.application.file})`,
        fix: 'allow it in the project or move it to an Application of a project that allows it',
      });
  });
  for (const problem of checkWorkloads(objects)) {
    const doc = deployment.manifests[problem.object];
    if (doc)
      findings.push({
        file: doc.file,
        document: doc.document,
        field: problem.field,
        rule: problem.rule,
        message: problem.message,
        fix: problem.fix,
      });
  }
  return findings;
}

/** The charts: this checkout's rendered for each Application, and (with `charts`) those from chart repositories. */
async function chartFindings(folder: string, base: string, tree: TreeResult, options: ValidateOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (tree.charts.length > 0 || (options.charts && tree.remoteCharts.length > 0)) {
    const helm = options.helm ?? findHelm();
    const rendered = await Promise.all(tree.charts.map((chart) => renderLocalChart(chart, helm)));
    for (const { findings: list } of rendered) findings.push(...list);
    if (options.charts) {
      const localRenders = tree.charts.map((chart, index) => ({ chart, objects: rendered[index]?.objects ?? [] }));
      findings.push(...(await checkCharts({ folder, base, tree, localRenders }, { helm, timeoutMs: options.chartTimeoutMs ?? 60_000 })));
    }
  }
  return findings;
}

export async function validateFolder(folderArgument: string, options: ValidateOptions = {}): Promise<Finding[]> {
  const folder = resolve(folderArgument);
  assertFolder(folder, folderArgument);
  const base = dirname(folder);
  const display = (absolute: string) => relative(base, absolute).split(sep).join('/');

  const { yamlFiles, chartFolders } = listTree(folder);
  const { findings, documents } = readDocuments(yamlFiles, display);
  findings.push(...(await documentFindings(documents)));
  const tree = checkTree({ folder, base, yamlFiles, documents });
  findings.push(...tree.findings);
  // The Applications ApplicationSets make: their schema, as fields of the ApplicationSet's template.
  for (const app of tree.generatedApplications)
    findings.push(...(await schemaFindings(app.object, { file: app.file, document: app.document }, 'spec.template.')));
  findings.push(...uncoveredChartFindings(chartFolders, tree, display));
  for (const deployment of tree.deployments) findings.push(...deploymentFindings(deployment));
  findings.push(...(await chartFindings(folder, base, tree, options)));
  return sortFindings(findings);
}
