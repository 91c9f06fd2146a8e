/**
 * Bundles are immutable once signed, so they are fetched once per digest: kept in memory for the
 * process (concurrent asks for one digest share one request) and, when a folder is given, on disk
 * for later runs (e.g. a runner's tool cache). Only bundles are cached, never a verdict: every use
 * verifies again. A digest without attestations is not cached, so one attested later is found.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type BundleSource = (digest: string) => Promise<unknown[]>;

export interface BundleCacheOptions {
  /** Folder for the disk cache; absent: memory only. */
  directory?: string;
  /** Scopes the cache (the repository the bundles were asked of). */
  scope: string;
}

const digestFile = (digest: string): string => `${digest.replace(':', '-')}.json`;
const scopeFolder = (scope: string): string => scope.toLowerCase().replace(/[^a-z0-9._-]+/g, '_');

function readDisk(folder: string, digest: string): unknown[] | undefined {
  try {
    const stored = JSON.parse(readFileSync(join(folder, digestFile(digest)), 'utf8')) as unknown;
    return Array.isArray(stored) && stored.length > 0 ? stored : undefined;
  } catch {
    // Missing or unreadable: fetch again (a broken entry is overwritten below).
    return undefined;
  }
}

function writeDisk(folder: string, digest: string, bundles: unknown[]): void {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, digestFile(digest));
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(bundles));
  renameSync(partial, file);
}

/** Wraps a bundle source with the memory (and disk) cache. */
export function cachedBundleSource(fetchBundles: BundleSource, options: BundleCacheOptions): BundleSource {
  const memory = new Map<string, Promise<unknown[]>>();
  const folder = options.directory ? join(options.directory, scopeFolder(options.scope)) : undefined;
  return (digest) => {
    const known = memory.get(digest);
    if (known) return known;
    const pending = (async () => {
      const stored = folder ? readDisk(folder, digest) : undefined;
      if (stored) return stored;
      const bundles = await fetchBundles(digest);
      if (bundles.length === 0) memory.delete(digest);
      else if (folder) writeDisk(folder, digest, bundles);
      return bundles;
    })();
    memory.set(digest, pending);
    pending.catch(() => memory.delete(digest));
    return pending;
  };
}
