/**
 * Where a `helm.valueFiles` entry of an Argo CD source points, as Argo CD v3.3.8 resolves it
 * (argoproj/argo-cd v3.3.8 `reposerver/repository/repository.go` getResolvedValueFiles and
 * `docs/user-guide/multiple_sources.md`): `$<ref>/<path>` is a file of the source with that
 * `ref` (a repository path); any other entry is relative to the chart's folder — in this
 * checkout for a chart in Git, inside the pulled chart for a chart from a repository. Values
 * the tree cannot show (a URL, a path climbing out of the repository, a link leading outside
 * the checkout) are findings: nobody can review or check them here.
 */
import { realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';

export type ValueFileTarget =
  /** A file of this checkout (absolute path). */
  | { inTree: string }
  /** A path inside a chart pulled from a repository. */
  | { inChart: string }
  | { problem: string; fix: string };

export interface ValueFileContext {
  /** The `ref` names of the Application's sources. */
  refs: ReadonlySet<string>;
  /** A repository path → the file or folder in this checkout (undefined when missing or climbing out). */
  resolveRepoPath(path: string): string | undefined;
  /** The repository path of the source's chart folder when the chart is in Git. */
  chartPath?: string;
  /** True when the source installs a chart from a chart repository. */
  remoteChart: boolean;
  /** The checkout root: files must stay inside it. */
  base: string;
}

/** A relative path normalised; undefined when it is absolute or climbs out with `..`. */
export function cleanRelativePath(path: string): string | undefined {
  if (path.startsWith('/') || path.includes('\0')) return undefined;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

export interface ValueFileProblem {
  problem: string;
  fix: string;
}

const outside = (valueFile: string, why: string): ValueFileProblem => ({
  problem: `values file ${valueFile} is outside the tree (${why}): nobody can review or check what it sets`,
  fix: 'keep the values in this repository and reference them as $values/<path> from a source with ref: values',
});

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function insideCheckout(file: string, base: string): boolean {
  try {
    const root = realpathSync(base);
    const real = realpathSync(file);
    return real === root || real.startsWith(root + sep);
  } catch {
    return false;
  }
}

/** What decides where an entry points, without looking at any file (shared with promotion, which reads a git tree). */
export type ValueFileSource = Pick<ValueFileContext, 'refs' | 'chartPath' | 'remoteChart'>;

export type ValueFileLocation =
  /** A repository path: `via` says whether a `$ref/` named it or it sits next to the chart. */
  | { repoPath: string; via: 'ref' | 'chart' }
  /** A path inside a chart pulled from a repository. */
  | { inChart: string }
  | { problem: string; fix: string };

/** Where one valueFiles entry points, read from the entry alone; undefined when nothing here can hold it. Pure. */
export function valueFileLocation(valueFile: string, source: ValueFileSource): ValueFileLocation | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(valueFile)) return outside(valueFile, 'fetched from a URL');
  const reference = /^\$([^/]+)\/(.*)$/.exec(valueFile);
  if (reference) {
    const [, ref = '', rest = ''] = reference;
    if (!source.refs.has(ref))
      return { problem: `no source of this Application has ref: ${ref}`, fix: `add a source with ref: ${ref}, or fix the $${ref} prefix` };
    const clean = cleanRelativePath(rest);
    return clean === undefined ? outside(valueFile, 'the path leaves the repository') : { repoPath: clean, via: 'ref' };
  }
  if (source.chartPath !== undefined) {
    const clean = cleanRelativePath(`${cleanRelativePath(source.chartPath) ?? source.chartPath}/${valueFile}`);
    return clean === undefined ? outside(valueFile, 'the path leaves the repository') : { repoPath: clean, via: 'chart' };
  }
  if (source.remoteChart) {
    const clean = cleanRelativePath(valueFile);
    if (clean === undefined || clean === '') return outside(valueFile, 'the path leaves the chart');
    return { inChart: clean };
  }
  return undefined;
}

/** The problem of a valueFiles entry whose repository path is not a file here. */
export function missingValueFile(
  valueFile: string,
  location: { repoPath: string; via: 'ref' | 'chart' },
  chartPath?: string,
): ValueFileProblem {
  return location.via === 'ref'
    ? {
        problem: `values file ${location.repoPath} does not exist in this checkout`,
        fix: 'point valueFiles at an existing file of the referenced repository',
      }
    : {
        problem: `values file ${valueFile} does not exist next to the chart ${chartPath ?? ''}`,
        fix: 'point valueFiles at an existing file (relative to the chart folder)',
      };
}

/** Where one valueFiles entry points in this checkout, or what is wrong with it; undefined when nothing here can hold it. */
export function resolveValueFile(valueFile: string, context: ValueFileContext): ValueFileTarget | undefined {
  const location = valueFileLocation(valueFile, context);
  if (location === undefined || !('repoPath' in location)) return location;
  const resolved = context.resolveRepoPath(location.repoPath);
  if (!resolved || !isFile(resolved)) return missingValueFile(valueFile, location, context.chartPath);
  if (!insideCheckout(resolved, context.base)) return outside(valueFile, 'a link leads out of the checkout');
  return { inTree: resolved };
}
