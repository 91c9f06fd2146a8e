/** Reading and writing GitOps manifest files on disk, all-or-nothing. */
import { chmodSync, lstatSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isManifestFile } from './environments.ts';

const skippedFolders = new Set(['.git', 'node_modules']);

/** YAML files named directly or found under the given folders (symlinks are never followed). */
export function collectManifestFiles(paths: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (path: string, named: boolean): void => {
    let stat;
    try {
      stat = lstatSync(path);
    } catch {
      throw new Error(`${path}: no such file or folder`);
    }
    if (stat.isSymbolicLink()) {
      if (named) throw new Error(`${path}: is a symbolic link; name the file it points to`);
      return;
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path).sort()) {
        if (!skippedFolders.has(entry)) visit(join(path, entry), false);
      }
    } else if (stat.isFile() && (named || isManifestFile(path))) found.add(path);
  };
  for (const path of paths) visit(path, true);
  return [...found];
}

/** Reads files into a map keyed by path relative to `root` (posix separators). */
export function readManifestFiles(root: string, files: readonly string[]): Map<string, string> {
  return new Map(files.map((file) => [relative(root, file).split('\\').join('/'), readFileSync(file, 'utf8')]));
}

/**
 * Writes every file through a temporary sibling and a rename, so no file is ever half-written.
 * A rewritten file keeps its permission bits (an executable file stays executable).
 */
export function writeManifestFiles(root: string, files: ReadonlyMap<string, string>): void {
  const staged: [string, string][] = [];
  for (const [path, text] of files) {
    const target = join(root, path);
    const temporary = `${target}.slipway-${process.pid}.tmp`;
    const mode = existingMode(target);
    writeFileSync(temporary, text, mode === undefined ? {} : { mode });
    // The mode given to writeFileSync passes through the umask; chmod sets it exactly.
    if (mode !== undefined) chmodSync(temporary, mode);
    staged.push([temporary, target]);
  }
  for (const [temporary, target] of staged) renameSync(temporary, target);
}

function existingMode(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}
