/**
 * Folder mode: which YAML files under a folder are GitOps files whose pins promotion may rewrite.
 * Read: Kubernetes objects (Argo CD, Flux and Kustomize objects included), kustomization files,
 * Argo CD write-back files, Helm values files named `values*.yaml`, and values files an Argo CD
 * Application in the tree names in `helm.valueFiles`. Everything else (a GitHub workflow, a
 * `skaffold.yaml`, a tool's settings) is skipped with the reason. Files named directly are always read.
 */
import { basename } from 'node:path';
import { isMap, isScalar, parseAllDocuments } from 'yaml';
import { valueFileLocation } from '../validate/charts/value-files.ts';
import { argoWriteBackApplication } from './pins/argocd-application.ts';

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface FolderSelection {
  read: Map<string, string>;
  skipped: SkippedFile[];
}

/**
 * A Kubernetes apiVersion: `v1` (the core group), a built-in group without a dot, or a group with
 * one — a CustomResourceDefinition's group must contain a dot (kubernetes/apiextensions-apiserver
 * `pkg/apis/apiextensions/validation/validation.go`: "should be a domain with at least one dot").
 */
const builtInGroups = new Set(['apps', 'batch', 'autoscaling', 'policy', 'extensions']);
function isKubernetesApiVersion(apiVersion: unknown): boolean {
  if (typeof apiVersion !== 'string') return false;
  const [group, version, ...rest] = apiVersion.split('/');
  if (rest.length > 0 || group === undefined) return false;
  if (version === undefined) return /^v\d+((alpha|beta)\d+)?$/.test(group);
  return /^v\d+((alpha|beta)\d+)?$/.test(version) && (builtInGroups.has(group) || group.includes('.'));
}

/** Why a file is not a Kubernetes object file, or undefined when every document is an object. */
function notKubernetesObjects(text: string): string | undefined {
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) return undefined;
  for (const document of documents) {
    if (document.errors.length > 0) return undefined; // the pin reader reports invalid YAML with its line
    const root = document.contents;
    if (root === null || (isScalar(root) && root.value === null)) continue; // empty or comment-only
    if (!isMap(root)) return 'not a Kubernetes object (the document is not a map)';
    const apiVersion = root.get('apiVersion');
    if (apiVersion === undefined) return 'not a Kubernetes object (no apiVersion)';
    if (!isKubernetesApiVersion(apiVersion)) return `not a Kubernetes object (apiVersion ${String(apiVersion)} is no Kubernetes API group)`;
    if (typeof root.get('kind') !== 'string') return 'not a Kubernetes object (no kind)';
  }
  return undefined;
}

interface ArgoSource {
  ref?: unknown;
  path?: unknown;
  chart?: unknown;
  helm?: { valueFiles?: unknown };
}

/**
 * The repository paths of the `helm.valueFiles` entries of every Argo CD Application source in the
 * files, resolved as the validator resolves them (`validate/charts/value-files.ts`).
 */
function namedValueFiles(files: ReadonlyMap<string, string>): string[] {
  const named: string[] = [];
  for (const text of files.values()) {
    if (!text.includes('valueFiles')) continue;
    for (const document of parseAllDocuments(text)) {
      const json: unknown = document.errors.length > 0 ? undefined : document.toJS({ maxAliasCount: 100 });
      const spec = (json as { spec?: { source?: unknown; sources?: unknown } } | undefined)?.spec;
      const sources = [spec?.source, ...(Array.isArray(spec?.sources) ? spec.sources : [])] as (ArgoSource | undefined)[];
      const refs = new Set(sources.flatMap((source) => (typeof source?.ref === 'string' ? [source.ref] : [])));
      for (const source of sources) {
        const valueFiles = source?.helm?.valueFiles;
        if (!Array.isArray(valueFiles)) continue;
        const chartPath = source?.chart === undefined && typeof source?.path === 'string' ? source.path : undefined;
        const where = { refs, remoteChart: source?.chart !== undefined, ...(chartPath === undefined ? {} : { chartPath }) };
        for (const entry of valueFiles) {
          const location = typeof entry === 'string' ? valueFileLocation(entry, where) : undefined;
          if (location && 'repoPath' in location) named.push(location.repoPath);
        }
      }
    }
  }
  return named;
}

/** Why folder mode skips a file, or undefined when it reads it. */
function skipReason(path: string, text: string, valueFiles: readonly string[]): string | undefined {
  const name = basename(path);
  if (/^kustomization\.ya?ml$/i.test(name) || argoWriteBackApplication(name) !== undefined) return undefined;
  if (/^values.*\.ya?ml$/i.test(name)) return undefined;
  if (valueFiles.some((entry) => path === entry || path.endsWith(`/${entry}`))) return undefined;
  return notKubernetesObjects(text);
}

/** Splits the files found under folders into those folder mode reads and those it skips, with why. Pure. */
export function selectFolderFiles(files: ReadonlyMap<string, string>): FolderSelection {
  const valueFiles = namedValueFiles(files);
  const read = new Map<string, string>();
  const skipped: SkippedFile[] = [];
  for (const [path, text] of files) {
    const reason = skipReason(path, text, valueFiles);
    if (reason === undefined) read.set(path, text);
    else skipped.push({ path, reason: `${reason}; name the file to rewrite it anyway` });
  }
  return { read, skipped };
}
