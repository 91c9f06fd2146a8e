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
 * manifests each Application deploys, for the policy checks. Project rules: argo/app-project.ts.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { allowedByList, destinationAllowed, globMatches } from './argo/app-project.ts';
import type { RenderRequest } from './chart-render.ts';
import type { HelmSettings } from './charts/helm-source.ts';
import { helmSettingsOf } from './charts/helm-source.ts';
import type { RemoteChart } from './charts/remote-chart.ts';
import { remoteChartOf } from './charts/remote-chart.ts';
import { cleanRelativePath, resolveValueFile } from './charts/value-files.ts';
import type { Finding } from './finding.ts';
import { childPath } from './finding.ts';

type Json = Record<string, unknown>;

export interface ManifestDocument {
  /** Absolute path of the file. */
  absolute: string;
  /** Display path (relative to the parent of the validated folder). */
  file: string;
  document: number;
  object: Json;
}

export interface GitopsTree {
  /** The validated folder (absolute), e.g. …/gitops-repo. */
  folder: string;
  /** The checkout that holds it: Application paths are relative to a repository root, tried here and at `folder`. */
  base: string;
  /** Every YAML file of the tree (absolute). */
  yamlFiles: string[];
  /** Every parsed document of every YAML file, objects or not. */
  documents: ManifestDocument[];
}

/** A chart an Application renders: what helm needs (inline values in the order Argo CD applies them), and where it came from. */
export interface ChartToRender extends RenderRequest {
  application: ManifestDocument;
  /** Field path of the source in the Application (spec.source or spec.sources[i]). */
  sourceField: string;
  project?: Json;
}

/** A values file a chart from a repository reads: a file of this checkout or a path inside the chart. */
export interface RemoteValueFile {
  /** Field of the entry in the Application (spec.sources[0].helm.valueFiles[1]). */
  field: string;
  inTree?: string;
  inChart?: string;
}

/** A chart an Application installs from a chart repository (HTTP or OCI): pulled and rendered by `validate --charts`. */
export interface RemoteChartSource extends HelmSettings {
  application: ManifestDocument;
  sourceField: string;
  project?: Json;
  chart: RemoteChart;
  valueFiles: RemoteValueFile[];
}

export interface PlainDeployment {
  application: ManifestDocument;
  project?: Json;
  namespace: string;
  manifests: ManifestDocument[];
}

export interface TreeResult {
  findings: Finding[];
  charts: ChartToRender[];
  remoteCharts: RemoteChartSource[];
  deployments: PlainDeployment[];
}

function record(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The environment a file belongs to: `environments/<env>` under the folder, else '' (shared). */
export function scopeOf(folder: string, absolute: string): string {
  const parts = relative(folder, absolute).split(sep);
  return parts[0] === 'environments' && parts.length > 2 ? `environments/${parts[1]}` : '';
}

function isKubernetesObject(value: unknown): value is Json {
  const object = record(value);
  return object !== undefined && typeof object.apiVersion === 'string' && typeof object.kind === 'string';
}

function isApplication(object: Json): boolean {
  return object.apiVersion === 'argoproj.io/v1alpha1' && object.kind === 'Application';
}

function isProject(object: Json): boolean {
  return object.apiVersion === 'argoproj.io/v1alpha1' && object.kind === 'AppProject';
}

interface SourceEntry {
  source: Json;
  field: string;
}

function sourcesOf(application: Json): SourceEntry[] {
  const spec = record(application.spec) ?? {};
  if (Array.isArray(spec.sources)) {
    return spec.sources.flatMap((source, index) => {
      const value = record(source);
      return value ? [{ source: value, field: childPath('spec.sources', index) }] : [];
    });
  }
  const single = record(spec.source);
  return single ? [{ source: single, field: 'spec.source' }] : [];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Folders whose YAML no Application needs to sync. */
const unsyncedFolders = new Set(['bootstrap', 'test', 'tests']);

export function checkTree(tree: GitopsTree): TreeResult {
  const findings: Finding[] = [];
  const charts: ChartToRender[] = [];
  const remoteCharts: RemoteChartSource[] = [];
  const deployments: PlainDeployment[] = [];
  const displayPath = (absolute: string) => relative(tree.base, absolute).split(sep).join('/');
  const add = (doc: ManifestDocument | undefined, file: string, field: string, rule: string, message: string, fix: string) => {
    const finding: Finding = { file, field, rule, message, fix };
    if (doc) finding.document = doc.document;
    findings.push(finding);
  };

  /** A repository path as a file or folder of this checkout: tried at `base`, then at `folder`. */
  const resolveRepoPath = (path: string): string | undefined => {
    const clean = cleanRelativePath(path);
    if (clean === undefined) return undefined;
    for (const root of [tree.base, tree.folder]) {
      const candidate = join(root, clean);
      if (existsSync(candidate)) return candidate;
    }
    return undefined;
  };

  const objects = tree.documents.filter((doc) => isKubernetesObject(doc.object));
  const applications = objects.filter((doc) => isApplication(doc.object));
  const projects = objects.filter((doc) => isProject(doc.object));

  const nameOf = (doc: ManifestDocument) => String(record(doc.object.metadata)?.name ?? '');

  // Unique names per environment.
  for (const [kind, docs] of [
    ['Application', applications],
    ['AppProject', projects],
  ] as const) {
    const seen = new Map<string, ManifestDocument>();
    for (const doc of docs) {
      const key = `${scopeOf(tree.folder, doc.absolute)} ${nameOf(doc)}`;
      const first = seen.get(key);
      if (first) add(doc, doc.file, 'metadata.name', 'duplicate-name', `${kind} ${nameOf(doc)} is also defined in ${first.file} (document ${first.document})`, `give each ${kind} of an environment its own name`);
      else seen.set(key, doc);
    }
  }

  // Sync waves are integers.
  for (const doc of objects) {
    const wave = record(record(doc.object.metadata)?.annotations)?.['argocd.argoproj.io/sync-wave'];
    if (wave !== undefined && !(typeof wave === 'string' && /^-?\d+$/.test(wave))) {
      add(doc, doc.file, 'metadata.annotations["argocd.argoproj.io/sync-wave"]', 'sync-wave', `sync wave ${JSON.stringify(wave)} is not an integer in quotes`, 'write the wave as a quoted integer, e.g. "-5"');
    }
  }

  const findProject = (doc: ManifestDocument, name: string): ManifestDocument | undefined => {
    const scope = scopeOf(tree.folder, doc.absolute);
    return projects.find((p) => nameOf(p) === name && scopeOf(tree.folder, p.absolute) === scope) ?? projects.find((p) => nameOf(p) === name && scopeOf(tree.folder, p.absolute) === '');
  };

  const syncedBy = new Map<string, ManifestDocument[]>();
  const valueFilesUsed = new Set<string>();

  /** The manifests a directory source syncs (recording which Application syncs each file). */
  const directoryDeployment = (app: ManifestDocument, source: Json, field: string, path: string, folder: string): PlainDeployment => {
    const directory = record(source.directory) ?? {};
    const recurse = directory.recurse === true;
    const include = text(directory.include);
    const exclude = text(directory.exclude);
    const manifests: ManifestDocument[] = [];
    for (const file of tree.yamlFiles) {
      const rel = relative(folder, file);
      if (rel.startsWith('..') || rel === '') continue;
      if (!recurse && rel.includes(sep)) continue;
      const name = basename(file);
      if (include && !include.split(',').some((p) => globMatches(p.replace(/[{}]/g, ''), name))) continue;
      if (exclude && exclude.split(',').some((p) => globMatches(p.replace(/[{}]/g, ''), name))) continue;
      syncedBy.set(file, [...(syncedBy.get(file) ?? []), app]);
      for (const doc of tree.documents.filter((d) => d.absolute === file)) {
        if (!isKubernetesObject(doc.object)) {
          if (doc.object !== null) add(doc, doc.file, '', 'not-a-manifest', `Application ${nameOf(app)} (${app.file}) syncs this file, but the document is not a Kubernetes object (no apiVersion/kind)`, 'move values and other data out of folders that Applications sync');
          continue;
        }
        manifests.push(doc);
      }
    }
    if (manifests.length === 0) {
      add(app, app.file, `${field}.path`, 'empty-folder', `path ${path} holds no Kubernetes manifests${recurse ? '' : ' (directory.recurse is off)'}`, 'point the path at the folder of the manifests, or remove the Application');
    }
    const namespace = String(record(record(app.object.spec)?.destination)?.namespace ?? '');
    return { application: app, namespace, manifests };
  };


  for (const app of applications) {
    const spec = record(app.object.spec) ?? {};
    const destination = record(spec.destination) ?? {};
    const namespace = String(destination.namespace ?? '');
    const projectName = text(spec.project);
    const projectDoc = projectName ? findProject(app, projectName) : undefined;
    if (projectName && !projectDoc) {
      add(app, app.file, 'spec.project', 'project', `project ${projectName} is not defined in this environment`, `add an AppProject named ${projectName} to ${scopeOf(tree.folder, app.absolute) || 'the tree'} or use an existing project`);
    }
    const project = projectDoc?.object;
    if (project) {
      const repos = record(project.spec)?.sourceRepos;
      const patterns = Array.isArray(repos) ? repos.map(String) : [];
      if (!destinationAllowed(project, destination)) {
        add(app, app.file, 'spec.destination', 'project', `project ${projectName} does not allow destination ${String(destination.server ?? destination.name ?? '')} namespace ${namespace}`, `deploy to a destination listed in project ${projectName}'s spec.destinations, or add it there`);
      }
      for (const { source, field } of sourcesOf(app.object)) {
        const repo = String(source.repoURL ?? '');
        if (!allowedByList(patterns, repo)) {
          add(app, app.file, `${field}.repoURL`, 'project', `project ${projectName} does not allow source ${repo}`, `use a repository listed in project ${projectName}'s spec.sourceRepos, or add it there`);
        }
      }
    }

    const sources = sourcesOf(app.object);
    const refs = new Map<string, SourceEntry>();
    for (const entry of sources) {
      const ref = text(entry.source.ref);
      if (ref) refs.set(ref, entry);
    }

    for (const entry of sources) {
      const { source, field } = entry;
      const remote = remoteChartOf(source);
      // oci:// sources name the chart in repoURL; their `path: .` is inside the artifact, not this checkout.
      const path = remote ? undefined : text(source.path);
      // A chart from a chart repository is pinned to one exact version.
      if (remote && !/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(remote.version)) {
        add(app, app.file, `${field}.targetRevision`, 'pinned-chart', `chart ${remote.chart} is not pinned to an exact version (${JSON.stringify(source.targetRevision ?? null)})`, 'set targetRevision to one released chart version, e.g. 1.2.3');
      }
      const helm = record(source.helm) ?? {};
      const valueFiles = Array.isArray(helm.valueFiles) ? helm.valueFiles.map(String) : [];
      let chartDir: string | undefined;

      if (path !== undefined) {
        const resolved = resolveRepoPath(path);
        if (!resolved || !isDirectory(resolved)) {
          add(app, app.file, `${field}.path`, 'path', `path ${path} does not exist in this checkout`, 'point the path at an existing folder of the repository (paths are relative to the repository root)');
        } else if (existsSync(join(resolved, 'Chart.yaml'))) {
          chartDir = resolved;
        } else {
          const deployment = directoryDeployment(app, source, field, path, resolved);
          if (project) deployment.project = project;
          deployments.push(deployment);
        }
      }

      // Values files: `$ref/path` from another source, or relative to the chart folder.
      const context = { refs: new Set(refs.keys()), resolveRepoPath, remoteChart: remote !== undefined, base: tree.base, ...(chartDir && path !== undefined ? { chartPath: path } : {}) };
      const resolvedFiles: RemoteValueFile[] = [];
      valueFiles.forEach((valueFile, index) => {
        const valueField = `${field}.helm.valueFiles[${index}]`;
        const target = resolveValueFile(valueFile, context);
        if (!target) return;
        if ('problem' in target) add(app, app.file, valueField, 'values-file', target.problem, target.fix);
        else {
          if ('inTree' in target) valueFilesUsed.add(target.inTree);
          resolvedFiles.push({ field: valueField, ...target });
        }
      });

      if (!chartDir && !remote) continue;
      const { inline, ignoredValues, ...settings } = helmSettingsOf(source, field, nameOf(app), namespace);
      if (ignoredValues) add(app, app.file, ignoredValues, 'ignored-values', 'helm.values is ignored: helm.valuesObject is set and takes precedence (Argo CD uses one of them, not both)', 'move these values into valuesObject (or valuesObject into values)');
      if (remote) {
        const chart: RemoteChartSource = { ...settings, application: app, sourceField: field, chart: remote, valueFiles: resolvedFiles };
        if (inline) chart.inline = inline;
        if (project) chart.project = project;
        remoteCharts.push(chart);
      } else if (chartDir) {
        const chart: ChartToRender = {
          ...settings,
          application: app,
          sourceField: field,
          chartDir,
          valueFiles: resolvedFiles.flatMap((file) => (file.inTree ? [file.inTree] : [])),
          inlineValues: inline ? [inline.value] : [],
        };
        if (project) chart.project = project;
        charts.push(chart);
      }
    }
  }

  // Every YAML file is used exactly once (or read as values, or kept under bootstrap/).
  for (const file of tree.yamlFiles) {
    const display = displayPath(file);
    const apps = syncedBy.get(file) ?? [];
    // Each environment is its own cluster: one Application per environment may sync a shared folder.
    const perScope = new Map<string, ManifestDocument[]>();
    for (const app of apps) {
      const scope = scopeOf(tree.folder, app.absolute);
      perScope.set(scope, [...(perScope.get(scope) ?? []), app]);
    }
    for (const sameScope of perScope.values()) {
      if (sameScope.length > 1) {
        add(undefined, display, '', 'coverage', `synced by more than one Application: ${sameScope.map((a) => `${nameOf(a)} (${a.file})`).join(', ')}`, 'let exactly one Application of an environment sync each folder');
      }
    }
    if (apps.length > 0 || valueFilesUsed.has(file)) continue;
    // bootstrap/: applied by hand (the root Applications); test/, tests/: fixtures of the tree's own tests.
    const folders = relative(tree.folder, dirname(file)).split(sep);
    if (folders.some((folder) => unsyncedFolders.has(folder))) continue;
    add(undefined, display, '', 'coverage', 'no Application syncs this file or reads it as values', 'put it in a folder an Application syncs, reference it from valueFiles, or delete it');
  }

  return { findings, charts, remoteCharts, deployments };
}
