/**
 * Every YAML file of the tree is used: synced by exactly one Application's folder per environment
 * (each environment is its own cluster), read as a values file, or kept under a folder no
 * Application needs to sync.
 */
import { dirname, relative, sep } from 'node:path';
import { nameOf } from './tree-check.ts';
import type { TreeCheck } from './tree-check.ts';
import type { ManifestDocument } from './tree-types.ts';

/** Folders whose YAML no Application needs to sync: bootstrap/ is applied by hand (the root Applications); test/, tests/ hold fixtures of the tree's own tests. */
const unsyncedFolders = new Set(['bootstrap', 'test', 'tests']);

function checkSyncedOncePerEnvironment(check: TreeCheck, display: string, apps: ManifestDocument[]): void {
  const perScope = new Map<string, ManifestDocument[]>();
  for (const app of apps) {
    const scope = check.scope(app);
    perScope.set(scope, [...(perScope.get(scope) ?? []), app]);
  }
  for (const sameScope of perScope.values()) {
    if (sameScope.length > 1) {
      check.add(
        undefined,
        display,
        '',
        'coverage',
        `synced by more than one Application: ${sameScope.map((a) => `${nameOf(a)} (${a.file})`).join(', ')}`,
        'let exactly one Application of an environment sync each folder',
      );
    }
  }
}

export function checkCoverage(check: TreeCheck): void {
  const { tree } = check;
  for (const file of tree.yamlFiles) {
    const display = check.displayPath(file);
    const apps = check.syncedBy.get(file) ?? [];
    checkSyncedOncePerEnvironment(check, display, apps);
    if (apps.length > 0 || check.valueFilesUsed.has(file)) continue;
    const folders = relative(tree.folder, dirname(file)).split(sep);
    if (folders.some((folder) => unsyncedFolders.has(folder))) continue;
    check.add(
      undefined,
      display,
      '',
      'coverage',
      'no Application syncs this file or reads it as values',
      'put it in a folder an Application syncs, reference it from valueFiles, or delete it',
    );
  }
}
