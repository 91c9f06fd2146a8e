/**
 * One Argo CD Application source, checked and sorted: its path exists; a folder source deploys
 * Kubernetes manifests only (recording which files it syncs); a chart from a repository is pinned
 * to one exact version; its values files resolve; and it becomes a chart to render from this
 * checkout, a chart to pull (`validate --charts`) or a plain deployment.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { helmSettingsOf } from '../charts/helm-source.ts';
import type { RemoteChart } from '../charts/remote-chart.ts';
import { remoteChartOf } from '../charts/remote-chart.ts';
import { resolveValueFile } from '../charts/value-files.ts';
import { childPath } from '../finding.ts';
import { record, text } from '../json-values.ts';
import type { Json } from '../json-values.ts';
import { globMatches } from './app-project.ts';
import { isKubernetesObject, nameOf } from './tree-check.ts';
import type { TreeCheck } from './tree-check.ts';
import type { ChartToRender, ManifestDocument, PlainDeployment, RemoteChartSource, RemoteValueFile } from './tree-types.ts';

export interface SourceEntry {
  source: Json;
  field: string;
}

/** `spec.sources[]`, or else `spec.source`, each with its field path. */
export function sourcesOf(application: Json): SourceEntry[] {
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

/** What every source of one Application is checked with. */
export interface ApplicationContext {
  app: ManifestDocument;
  namespace: string;
  project: Json | undefined;
  /** The `ref` names of the Application's sources (for `$ref/…` values files). */
  refs: ReadonlySet<string>;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function matchesAny(patterns: string, name: string): boolean {
  return patterns.split(',').some((p) => globMatches(p.replace(/[{}]/g, ''), name));
}

/** The manifests a directory source syncs (recording which Application syncs each file). */
function directoryDeployment(check: TreeCheck, app: ManifestDocument, entry: SourceEntry, path: string, folder: string): PlainDeployment {
  const directory = record(entry.source.directory) ?? {};
  const recurse = directory.recurse === true;
  const include = text(directory.include);
  const exclude = text(directory.exclude);
  const manifests: ManifestDocument[] = [];
  for (const file of check.tree.yamlFiles) {
    const rel = relative(folder, file);
    if (rel.startsWith('..') || rel === '') continue;
    if (!recurse && rel.includes(sep)) continue;
    const name = basename(file);
    if (include && !matchesAny(include, name)) continue;
    if (exclude && matchesAny(exclude, name)) continue;
    check.syncedBy.set(file, [...(check.syncedBy.get(file) ?? []), app]);
    for (const doc of check.tree.documents.filter((d) => d.absolute === file)) {
      if (!isKubernetesObject(doc.object)) {
        if (doc.object !== null)
          check.add(
            doc,
            doc.file,
            '',
            'not-a-manifest',
            `Application ${nameOf(app)} (${app.file}) syncs this file, but the document is not a Kubernetes object (no apiVersion/kind)`,
            'move values and other data out of folders that Applications sync',
          );
        continue;
      }
      manifests.push(doc);
    }
  }
  if (manifests.length === 0) {
    check.add(
      app,
      app.file,
      `${entry.field}.path`,
      'empty-folder',
      `path ${path} holds no Kubernetes manifests${recurse ? '' : ' (directory.recurse is off)'}`,
      'point the path at the folder of the manifests, or remove the Application',
    );
  }
  const namespace = String(record(record(app.object.spec)?.destination)?.namespace ?? '');
  return { application: app, namespace, manifests };
}

/** A source's `path` in this checkout: a chart folder, or a folder of manifests (deployed here), or a finding. */
function checkSourcePath(check: TreeCheck, context: ApplicationContext, entry: SourceEntry, path: string): string | undefined {
  const { app, project } = context;
  const resolved = check.resolveRepoPath(path);
  if (!resolved || !isDirectory(resolved)) {
    check.add(
      app,
      app.file,
      `${entry.field}.path`,
      'path',
      `path ${path} does not exist in this checkout`,
      'point the path at an existing folder of the repository (paths are relative to the repository root)',
    );
    return undefined;
  }
  if (existsSync(join(resolved, 'Chart.yaml'))) return resolved;
  const deployment = directoryDeployment(check, app, entry, path, resolved);
  if (project) deployment.project = project;
  check.result.deployments.push(deployment);
  return undefined;
}

/** Values files: `$ref/path` from another source, or relative to the chart folder. */
function resolveValueFiles(
  check: TreeCheck,
  context: ApplicationContext,
  entry: SourceEntry,
  chart: { path?: string; remote: boolean },
): RemoteValueFile[] {
  const helm = record(entry.source.helm) ?? {};
  const valueFiles = Array.isArray(helm.valueFiles) ? helm.valueFiles.map(String) : [];
  const { app } = context;
  const resolving = {
    refs: new Set(context.refs),
    resolveRepoPath: check.resolveRepoPath,
    remoteChart: chart.remote,
    base: check.tree.base,
    ...(chart.path !== undefined ? { chartPath: chart.path } : {}),
  };
  const resolvedFiles: RemoteValueFile[] = [];
  valueFiles.forEach((valueFile, index) => {
    const valueField = `${entry.field}.helm.valueFiles[${index}]`;
    const target = resolveValueFile(valueFile, resolving);
    if (!target) return;
    if ('problem' in target) check.add(app, app.file, valueField, 'values-file', target.problem, target.fix);
    else {
      if ('inTree' in target) check.valueFilesUsed.add(target.inTree);
      resolvedFiles.push({ field: valueField, ...target });
    }
  });
  return resolvedFiles;
}

/** A chart source as what `validate` renders: from this checkout (`chartDir`) or pulled from a repository (`remote`). */
function addChart(
  check: TreeCheck,
  context: ApplicationContext,
  entry: SourceEntry,
  where: { chartDir?: string; remote?: RemoteChart },
  valueFiles: RemoteValueFile[],
): void {
  const { app, project } = context;
  const { source, field } = entry;
  const { inline, ignoredValues, ...settings } = helmSettingsOf(source, field, nameOf(app), context.namespace);
  if (ignoredValues)
    check.add(
      app,
      app.file,
      ignoredValues,
      'ignored-values',
      'helm.values is ignored: helm.valuesObject is set and takes precedence (Argo CD uses one of them, not both)',
      'move these values into valuesObject (or valuesObject into values)',
    );
  if (where.remote) {
    const chart: RemoteChartSource = { ...settings, application: app, sourceField: field, chart: where.remote, valueFiles };
    if (inline) chart.inline = inline;
    if (project) chart.project = project;
    check.result.remoteCharts.push(chart);
  } else if (where.chartDir) {
    const chart: ChartToRender = {
      ...settings,
      application: app,
      sourceField: field,
      chartDir: where.chartDir,
      valueFiles: valueFiles.flatMap((file) => (file.inTree ? [file.inTree] : [])),
      inlineValues: inline ? [inline.value] : [],
    };
    if (project) chart.project = project;
    check.result.charts.push(chart);
  }
}

export function checkSource(check: TreeCheck, context: ApplicationContext, entry: SourceEntry): void {
  const { app } = context;
  const { source, field } = entry;
  const remote = remoteChartOf(source);
  // oci:// sources name the chart in repoURL; their `path: .` is inside the artifact, not this checkout.
  const path = remote ? undefined : text(source.path);
  // A chart from a chart repository is pinned to one exact version.
  if (remote && !/^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(remote.version)) {
    check.add(
      app,
      app.file,
      `${field}.targetRevision`,
      'pinned-chart',
      `chart ${remote.chart} is not pinned to an exact version (${JSON.stringify(source.targetRevision ?? null)})`,
      'set targetRevision to one released chart version, e.g. 1.2.3',
    );
  }
  const chartDir = path === undefined ? undefined : checkSourcePath(check, context, entry, path);
  const valueFiles = resolveValueFiles(check, context, entry, { remote: remote !== undefined, ...(chartDir ? { path } : {}) });
  if (!chartDir && !remote) return;
  addChart(check, context, entry, { ...(chartDir ? { chartDir } : {}), ...(remote ? { remote } : {}) }, valueFiles);
}
