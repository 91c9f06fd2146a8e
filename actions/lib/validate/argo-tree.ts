/**
 * Checks how the Argo CD Applications and AppProjects of a GitOps tree fit together:
 * - every Application's project exists (in its environment) and allows its sources, its
 *   destination and namespace;
 * - every path an Application names exists in the checkout, and so does every values file;
 * - every YAML file is used: synced by exactly one Application's folder (per environment),
 *   read as a values file, or kept under a `bootstrap/` folder (applied by hand: the root
 *   Applications) or a `test/` folder (fixtures of the tree's own tests);
 * - every file a folder source syncs holds Kubernetes objects only;
 * - sync waves are integers, Application names are unique per environment, charts from Helm
 *   repositories are pinned to an exact version.
 * It also lists the charts to render (sources whose folder holds a Chart.yaml), the charts
 * Applications install from chart repositories (for `validate --charts`) and the plain
 * manifests each Application deploys, for the policy checks. The steps live in `argo/`:
 * sources (`application-sources.ts`), coverage (`tree-coverage.ts`), project rules (`app-project.ts`),
 * ApplicationSets (`application-set.ts`: each one's Applications, rendered with sample parameters,
 * are checked like the others).
 */
import { allowedByList, destinationAllowed } from './argo/app-project.ts';
import { generateApplications } from './argo/application-set.ts';
import { checkSource, sourcesOf } from './argo/application-sources.ts';
import type { SourceEntry } from './argo/application-sources.ts';
import { TreeCheck, isKubernetesObject, nameOf } from './argo/tree-check.ts';
import { checkCoverage } from './argo/tree-coverage.ts';
import type { GitopsTree, ManifestDocument, TreeResult } from './argo/tree-types.ts';
import { record, text } from './json-values.ts';
import type { Json } from './json-values.ts';

export { scopeOf } from './argo/tree-check.ts';
export type {
  ChartToRender,
  GitopsTree,
  ManifestDocument,
  PlainDeployment,
  RemoteChartSource,
  RemoteValueFile,
  TreeResult,
} from './argo/tree-types.ts';

function isArgoObject(object: Json, kind: string): boolean {
  return object.apiVersion === 'argoproj.io/v1alpha1' && object.kind === kind;
}

/** Application and AppProject names are unique per environment. */
function checkUniqueNames(check: TreeCheck, kind: 'Application' | 'AppProject', docs: ManifestDocument[]): void {
  const seen = new Map<string, ManifestDocument>();
  for (const doc of docs) {
    const key = `${check.scope(doc)} ${nameOf(doc)}`;
    const first = seen.get(key);
    if (first)
      check.add(
        doc,
        doc.file,
        'metadata.name',
        'duplicate-name',
        `${kind} ${nameOf(doc)} is also defined in ${first.file} (document ${first.document})`,
        `give each ${kind} of an environment its own name`,
      );
    else seen.set(key, doc);
  }
}

function checkSyncWaves(check: TreeCheck, objects: ManifestDocument[]): void {
  for (const doc of objects) {
    const wave = record(record(doc.object.metadata)?.annotations)?.['argocd.argoproj.io/sync-wave'];
    if (wave !== undefined && !(typeof wave === 'string' && /^-?\d+$/.test(wave))) {
      check.add(
        doc,
        doc.file,
        'metadata.annotations["argocd.argoproj.io/sync-wave"]',
        'sync-wave',
        `sync wave ${JSON.stringify(wave)} is not an integer in quotes`,
        'write the wave as a quoted integer, e.g. "-5"',
      );
    }
  }
}

/** The Application's project: it exists, and allows the destination and every source. Returns the project object. */
function checkProject(check: TreeCheck, app: ManifestDocument, sources: SourceEntry[]): Json | undefined {
  const spec = record(app.object.spec) ?? {};
  const destination = record(spec.destination) ?? {};
  const projectName = text(spec.project);
  const projectDoc = projectName ? check.findProject(app, projectName) : undefined;
  if (projectName && !projectDoc) {
    check.add(
      app,
      app.file,
      'spec.project',
      'project',
      `project ${projectName} is not defined in this environment`,
      `add an AppProject named ${projectName} to ${check.scope(app) || 'the tree'} or use an existing project`,
    );
  }
  const project = projectDoc?.object;
  if (!project) return undefined;
  const repos = record(project.spec)?.sourceRepos;
  const patterns = Array.isArray(repos) ? repos.map(String) : [];
  if (!destinationAllowed(project, destination)) {
    check.add(
      app,
      app.file,
      'spec.destination',
      'project',
      `project ${projectName} does not allow destination ${String(destination.server ?? destination.name ?? '')} namespace ${String(destination.namespace ?? '')}`,
      `deploy to a destination listed in project ${projectName}'s spec.destinations, or add it there`,
    );
  }
  for (const { source, field } of sources) {
    const repo = String(source.repoURL ?? '');
    if (!allowedByList(patterns, repo)) {
      check.add(
        app,
        app.file,
        `${field}.repoURL`,
        'project',
        `project ${projectName} does not allow source ${repo}`,
        `use a repository listed in project ${projectName}'s spec.sourceRepos, or add it there`,
      );
    }
  }
  return project;
}

function checkApplication(check: TreeCheck, app: ManifestDocument): void {
  const sources = sourcesOf(app.object);
  const project = checkProject(check, app, sources);
  const refs = new Set(sources.flatMap((entry) => text(entry.source.ref) ?? []));
  const namespace = String(record(record(app.object.spec)?.destination)?.namespace ?? '');
  for (const entry of sources) checkSource(check, { app, namespace, project, refs }, entry);
}

/**
 * An Application an ApplicationSet makes, checked like any other; its findings name the field of
 * the ApplicationSet's template and the parameters that made it.
 */
function checkGeneratedApplication(check: TreeCheck, app: ManifestDocument, madeFrom: string, setName: string): void {
  const { findings, charts } = check.result;
  const [firstFinding, firstChart] = [findings.length, charts.length];
  checkApplication(check, app);
  const where = `(Application ${nameOf(app)} of ApplicationSet ${setName}, rendered with ${madeFrom})`;
  for (const finding of findings.slice(firstFinding)) {
    if (finding.file !== app.file || finding.document !== app.document) continue;
    finding.field = templateField(finding.field);
    finding.message = `${finding.message} ${where}`;
  }
  for (const chart of charts.slice(firstChart)) Object.assign(chart, { sourceField: templateField(chart.sourceField), generated: true });
}

function templateField(field: string): string {
  return field === '' ? 'spec.template' : `spec.template.${field}`;
}

/** The ApplicationSets' Applications, rendered with sample parameters (argo/application-set.ts). */
function generatedApplications(check: TreeCheck, sets: ManifestDocument[]): { app: ManifestDocument; madeFrom: string; setName: string }[] {
  return sets.flatMap((set) => {
    const { applications, problems } = generateApplications(set.object);
    for (const problem of problems) check.add(set, set.file, problem.field, 'application-set', problem.message, problem.fix);
    return applications.map(({ application, madeFrom }) => {
      const app = { ...set, object: application };
      check.result.generatedApplications.push(app);
      return { app, madeFrom, setName: nameOf(set) };
    });
  });
}

export function checkTree(tree: GitopsTree): TreeResult {
  const objects = tree.documents.filter((doc) => isKubernetesObject(doc.object));
  const applications = objects.filter((doc) => isArgoObject(doc.object, 'Application'));
  const projects = objects.filter((doc) => isArgoObject(doc.object, 'AppProject'));
  const check = new TreeCheck(tree, projects);
  const generated = generatedApplications(
    check,
    objects.filter((doc) => isArgoObject(doc.object, 'ApplicationSet')),
  );
  checkUniqueNames(check, 'Application', [...applications, ...generated.map(({ app }) => app)]);
  checkUniqueNames(check, 'AppProject', projects);
  checkSyncWaves(check, objects);
  for (const app of applications) checkApplication(check, app);
  for (const { app, madeFrom, setName } of generated) checkGeneratedApplication(check, app, madeFrom, setName);
  checkCoverage(check);
  return check.result;
}
