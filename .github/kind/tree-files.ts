/** Reads a folder's files into a map keyed by their path inside it (with `/`), for the kind scripts and the workflow tests. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export function filesUnder(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.set(relative(folder, path).split('\\').join('/'), readFileSync(path, 'utf8'));
    }
  };
  walk(folder);
  return files;
}
