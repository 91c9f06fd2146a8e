/**
 * The state one run of the Argo CD tree check shares between its steps: the tree, what it has found,
 * which Application syncs each file, which files are read as values, and the lookups every step needs.
 */
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { cleanRelativePath } from '../charts/value-files.ts';
import type { Finding } from '../finding.ts';
import { record } from '../json-values.ts';
import type { Json } from '../json-values.ts';
import type { GitopsTree, ManifestDocument, TreeResult } from './tree-types.ts';

/** The environment a file belongs to: `environments/<env>` under the folder, else '' (shared). */
export function scopeOf(folder: string, absolute: string): string {
  const parts = relative(folder, absolute).split(sep);
  return parts[0] === 'environments' && parts.length > 2 ? `environments/${parts[1]}` : '';
}

export function isKubernetesObject(value: unknown): value is Json {
  const object = record(value);
  return object !== undefined && typeof object.apiVersion === 'string' && typeof object.kind === 'string';
}

export function nameOf(doc: ManifestDocument): string {
  return String(record(doc.object.metadata)?.name ?? '');
}

export class TreeCheck {
  readonly result: TreeResult = { findings: [], generatedApplications: [], charts: [], remoteCharts: [], deployments: [] };
  /** The Applications that sync each file (absolute path). */
  readonly syncedBy = new Map<string, ManifestDocument[]>();
  /** Files of the tree some Application reads as a values file. */
  readonly valueFilesUsed = new Set<string>();

  constructor(
    readonly tree: GitopsTree,
    readonly projects: ManifestDocument[],
  ) {}

  add(doc: ManifestDocument | undefined, file: string, field: string, rule: string, message: string, fix: string): void {
    const finding: Finding = { file, field, rule, message, fix };
    if (doc) finding.document = doc.document;
    this.result.findings.push(finding);
  }

  scope(doc: ManifestDocument): string {
    return scopeOf(this.tree.folder, doc.absolute);
  }

  /** A path relative to the checkout, with `/` separators, for findings about whole files. */
  displayPath(absolute: string): string {
    return relative(this.tree.base, absolute).split(sep).join('/');
  }

  /** A repository path as a file or folder of this checkout: tried at `base`, then at `folder`. */
  readonly resolveRepoPath = (path: string): string | undefined => {
    const clean = cleanRelativePath(path);
    if (clean === undefined) return undefined;
    for (const root of [this.tree.base, this.tree.folder]) {
      const candidate = join(root, clean);
      if (existsSync(candidate)) return candidate;
    }
    return undefined;
  };

  /** The AppProject an Application names: its environment's, else a shared one. */
  findProject(doc: ManifestDocument, name: string): ManifestDocument | undefined {
    const scope = this.scope(doc);
    return (
      this.projects.find((p) => nameOf(p) === name && this.scope(p) === scope) ??
      this.projects.find((p) => nameOf(p) === name && this.scope(p) === '')
    );
  }
}
