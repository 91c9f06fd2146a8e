/**
 * Reads an environment of gitops-repo the way Argo CD syncs it: from the root Application down
 * through every folder source of this repository, each Application with its sync position (the
 * waves from the root to it), the objects its folder sources deploy, its chart sources and the Helm
 * values Argo CD gives them (valueFiles, then values, then valuesObject). The tree's own checks
 * (gitops-repo/test/*.test.ts) run over what this returns.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const gitopsRoot = fileURLToPath(new URL('..', import.meta.url));
export const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
export const environments = ['dev', 'prod'] as const;
export type Environment = (typeof environments)[number];

export interface TreeObject {
  /** Path relative to the repository root. */
  file: string;
  object: Json;
}

export interface ChartSource {
  /** Chart name in a Helm repository, or the chart folder of this repository. */
  chart: string;
  repoURL: string;
  targetRevision: string;
  values: Json;
}

export interface TreeApplication extends TreeObject {
  name: string;
  /** Sync waves from the root's children down to this Application: compared element by element. */
  position: number[];
  /** Objects deployed by the Application's folder sources of this repository. */
  manifests: TreeObject[];
  charts: ChartSource[];
  syncOptions: string[];
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function objectsIn(file: string): Json[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((document) => {
      if (document.errors.length > 0) throw new Error(`${relative(repositoryRoot, file)}: ${document.errors[0]?.message}`);
      return document.toJS() as unknown;
    })
    .filter((object): object is Json => isRecord(object) && typeof object.kind === 'string');
}

export function waveOf(object: Json): number {
  return Number(object.metadata?.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);
}

/** Sync options of an object's annotation (argocd.argoproj.io/sync-options, comma-separated). */
export function annotatedSyncOptions(object: Json): string[] {
  const value = object.metadata?.annotations?.['argocd.argoproj.io/sync-options'];
  return typeof value === 'string' ? value.split(',').map((option) => option.trim()) : [];
}

/** Helm's merge of values: maps merge key by key, anything else is replaced. */
export function mergeValues(base: Json, over: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(over))
    merged[key] = isRecord(value) && isRecord(merged[key]) ? mergeValues(merged[key], value) : value;
  return merged;
}

function sourcesOf(application: Json): Json[] {
  return Array.isArray(application.spec?.sources) ? application.spec.sources : application.spec?.source ? [application.spec.source] : [];
}

function yamlFilesUnder(folder: string, recurse: boolean): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: recurse })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * The values an Application gives its chart. A `$values/…` file is read from the repository root (the
 * tree's own `ref` source); any other value file from the source's path, as Argo CD resolves it.
 */
function helmValues(helm: Json | undefined, where: string, sourceFolder = repositoryRoot): Json {
  let values: Json = {};
  for (const file of (helm?.valueFiles ?? []) as string[]) {
    const path = file.startsWith('$values/') ? join(repositoryRoot, file.slice('$values/'.length)) : join(sourceFolder, file);
    if (!existsSync(path)) throw new Error(`${where}: values file ${file} is not in the repository`);
    values = mergeValues(values, (parse(readFileSync(path, 'utf8')) ?? {}) as Json);
  }
  if (typeof helm?.values === 'string') values = mergeValues(values, (parse(helm.values) ?? {}) as Json);
  if (isRecord(helm?.valuesObject)) values = mergeValues(values, helm.valuesObject);
  return values;
}

function readApplication(file: string, object: Json, parentPosition: number[], ownRepository: string): TreeApplication {
  const manifests: TreeObject[] = [];
  const charts: ChartSource[] = [];
  for (const source of sourcesOf(object)) {
    if (source.ref) continue;
    if (source.chart) {
      charts.push({
        chart: source.chart,
        repoURL: source.repoURL,
        targetRevision: String(source.targetRevision),
        values: helmValues(source.helm, file),
      });
      continue;
    }
    if (source.repoURL !== ownRepository || typeof source.path !== 'string') continue;
    const folder = join(repositoryRoot, source.path);
    if (!existsSync(folder) || !statSync(folder).isDirectory())
      throw new Error(`${file}: source path ${source.path} is not a folder of this repository`);
    if (existsSync(join(folder, 'Chart.yaml'))) {
      // The chart's own values.yaml first, as helm does.
      const defaults = existsSync(join(folder, 'values.yaml'))
        ? ((parse(readFileSync(join(folder, 'values.yaml'), 'utf8')) ?? {}) as Json)
        : {};
      charts.push({
        chart: source.path,
        repoURL: source.repoURL,
        targetRevision: String(source.targetRevision),
        values: mergeValues(defaults, helmValues(source.helm, file, folder)),
      });
      continue;
    }
    for (const path of yamlFilesUnder(folder, source.directory?.recurse === true)) {
      for (const manifest of objectsIn(path)) manifests.push({ file: relative(repositoryRoot, path), object: manifest });
    }
  }
  const syncOptions = (object.spec?.syncPolicy?.syncOptions ?? []) as string[];
  return {
    file,
    object,
    name: String(object.metadata?.name),
    position: [...parentPosition, waveOf(object)],
    manifests,
    charts,
    syncOptions,
  };
}

/** Every Application of an environment, from its root (bootstrap/root.yaml) down. */
export function environmentApplications(environment: Environment): TreeApplication[] {
  const rootFile = join(gitopsRoot, 'environments', environment, 'bootstrap', 'root.yaml');
  const rootObject = objectsIn(rootFile).find((object) => object.kind === 'Application');
  if (!rootObject) throw new Error(`${relative(repositoryRoot, rootFile)}: no root Application`);
  const ownRepository = String(sourcesOf(rootObject)[0]?.repoURL);
  const root = { ...readApplication(relative(repositoryRoot, rootFile), rootObject, [], ownRepository), position: [] };
  const found: TreeApplication[] = [root];
  const descend = (parent: TreeApplication): void => {
    for (const manifest of parent.manifests) {
      if (manifest.object.kind !== 'Application') continue;
      const child = readApplication(manifest.file, manifest.object, parent.position, ownRepository);
      found.push(child);
      descend(child);
    }
  };
  descend(root);
  return found;
}

/** True when position a syncs strictly before position b (waves compared from the root down). */
export function syncsBefore(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  }
  // One is an ancestor of the other: the parent's wave finishes only when its children are synced.
  return false;
}

/** The value at a dotted path of a values object, or undefined. */
export function valueAt(values: Json, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (isRecord(value) ? value[key] : undefined), values);
}

/** Every leaf path of a values object (lists are leaves), e.g. serviceAccount.name. */
export function leafPaths(values: Json, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isRecord(value) && Object.keys(value).length > 0 ? leafPaths(value, path) : [path];
  });
}
