/**
 * `slipway validate`: every check of a GitOps tree, in one pass. Returns the findings; the CLI
 * prints them and exits 1 when there is any.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { findHelm } from '../helm-binary.ts';
import type { ChartToRender, ManifestDocument } from './argo-tree.ts';
import { checkTree, projectRefusesObject } from './argo-tree.ts';
import { lintChart, renderChart } from './chart-render.ts';
import type { Finding } from './finding.ts';
import { sortFindings } from './finding.ts';
import { validateObject } from './object-schema.ts';
import { findPlaintextSecrets } from './plaintext-secrets.ts';
import { checkWorkloads } from './workload-policy.ts';
import { parseYaml } from './yaml-documents.ts';

type Json = Record<string, unknown>;

export interface ValidateOptions {
  /** The helm binary; found with findHelm() when not given. */
  helm?: string;
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

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof (value as Json).apiVersion === 'string' && typeof (value as Json).kind === 'string';
}

function label(object: Json): string {
  const name = (object.metadata as Json | undefined)?.name;
  return `${String(object.kind)}/${typeof name === 'string' ? name : '?'}`;
}

async function schemaFindings(object: Json, where: { file: string; document?: number }, prefix = ''): Promise<Finding[]> {
  const problems = (await validateObject(object)) ?? [];
  return problems.map((problem) => {
    const fix =
      problem.kind === 'unknown-field'
        ? 'remove the field or fix its spelling (the API server rejects unknown fields with strict validation)'
        : problem.kind === 'unknown-kind'
          ? 'use a kind this apiVersion serves'
          : 'give the field a value of the type the schema asks for';
    const finding: Finding = { file: where.file, field: `${prefix}${problem.field}`, rule: problem.kind, message: problem.message, fix };
    if (where.document !== undefined) finding.document = where.document;
    return finding;
  });
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

async function renderedFindings(chart: ChartToRender, helm: string): Promise<Finding[]> {
  const where = { file: chart.application.file, document: chart.application.document };
  const [result, lint] = await Promise.all([renderChart(helm, chart), lintChart(helm, chart)]);
  if (!result.ok) {
    return [{ ...where, field: `${chart.sourceField}.helm`, rule: 'render', message: `helm template fails: ${result.error}`, fix: 'fix the values this Application gives the chart (or the chart)' }];
  }
  const parsed = parseYaml(`${chart.application.file} (rendered)`, result.manifest);
  const findings: Finding[] = parsed.findings.map((finding) => ({ ...finding, file: where.file, document: where.document, field: `${chart.sourceField}.helm` }));
  for (const line of lint) {
    findings.push({ ...where, field: `${chart.sourceField}.helm`, rule: 'helm-lint', message: `helm lint --strict: ${line}`, fix: 'fix the chart or the values this Application gives it' });
  }
  const objects = parsed.documents.map((doc) => doc.value).filter(isObject);
  const destination = ((chart.application.object.spec as Json | undefined)?.destination as Json | undefined) ?? {};
  for (const object of objects) {
    const metadata = (object.metadata as Json | undefined) ?? {};
    if (typeof metadata.namespace !== 'string') object.metadata = { ...metadata, namespace: chart.namespace };
  }
  for (const object of objects) {
    const prefix = `rendered ${label(object)} `;
    findings.push(...(await schemaFindings(object, where, prefix)));
    findings.push(...secretFindings(object, where, prefix));
    if (chart.project) {
      const refusal = projectRefusesObject(chart.project, object, String((object.metadata as Json).namespace ?? ''), destination);
      if (refusal) findings.push({ ...where, field: `${prefix}kind`, rule: 'project', message: refusal, fix: 'allow the kind in the project or stop rendering it' });
    }
  }
  for (const problem of checkWorkloads(objects)) {
    const object = objects[problem.object] ?? {};
    findings.push({ ...where, field: `rendered ${label(object)} ${problem.field}`, rule: problem.rule, message: problem.message, fix: problem.fix });
  }
  return findings;
}

export async function validateFolder(folderArgument: string, options: ValidateOptions = {}): Promise<Finding[]> {
  const folder = resolve(folderArgument);
  let isDir: boolean;
  try {
    isDir = statSync(folder).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new ValidateInputError(`${folderArgument} is not a folder: give the GitOps folder to validate (e.g. gitops-repo)`);
  const base = dirname(folder);
  const display = (absolute: string) => relative(base, absolute).split(sep).join('/');

  const { yamlFiles, chartFolders } = listTree(folder);
  const findings: Finding[] = [];
  const documents: ManifestDocument[] = [];
  for (const absolute of yamlFiles) {
    const file = display(absolute);
    const parsed = parseYaml(file, readFileSync(absolute, 'utf8'));
    findings.push(...parsed.findings);
    for (const doc of parsed.documents) documents.push({ absolute, file, document: doc.index, object: doc.value as Json });
  }

  for (const doc of documents) {
    const where = { file: doc.file, document: doc.document };
    if (isObject(doc.object)) findings.push(...(await schemaFindings(doc.object, where)));
    findings.push(...secretFindings(doc.object, where));
  }

  const tree = checkTree({ folder, base, yamlFiles, documents });
  findings.push(...tree.findings);
  for (const chartFolder of chartFolders) {
    if (tree.charts.some((chart) => resolve(chart.chartDir) === chartFolder)) continue;
    findings.push({
      file: display(join(chartFolder, 'Chart.yaml')),
      field: '',
      rule: 'coverage',
      message: 'no Application renders this chart, so nothing checks or deploys it',
      fix: 'point an Application source path at the chart folder, or delete it',
    });
  }

  for (const deployment of tree.deployments) {
    const objects = deployment.manifests.map((doc) => {
      const metadata = (doc.object.metadata as Json | undefined) ?? {};
      return typeof metadata.namespace === 'string' ? doc.object : { ...doc.object, metadata: { ...metadata, namespace: deployment.namespace } };
    });
    const destination = ((deployment.application.object.spec as Json | undefined)?.destination as Json | undefined) ?? {};
    objects.forEach((object, index) => {
      const doc = deployment.manifests[index];
      if (!doc || !deployment.project) return;
      const refusal = projectRefusesObject(deployment.project, object, String((object.metadata as Json).namespace ?? ''), destination);
      if (refusal) findings.push({ file: doc.file, document: doc.document, field: 'kind', rule: 'project', message: `${refusal} (synced by ${deployment.application.file})`, fix: 'allow it in the project or move it to an Application of a project that allows it' });
    });
    for (const problem of checkWorkloads(objects)) {
      const doc = deployment.manifests[problem.object];
      if (doc) findings.push({ file: doc.file, document: doc.document, field: problem.field, rule: problem.rule, message: problem.message, fix: problem.fix });
    }
  }

  if (tree.charts.length > 0) {
    const helm = options.helm ?? findHelm();
    const rendered = await Promise.all(tree.charts.map((chart) => renderedFindings(chart, helm)));
    for (const list of rendered) findings.push(...list);
  }
  return sortFindings(findings);
}
