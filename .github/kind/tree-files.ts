/** The kind scripts' file helpers: a folder's files as a map keyed by their path inside it (with `/`), the images file, writing back what changed. */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

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

/** The images file: one `service=repository:tag@sha256:…` line per service. */
export function readImagesFile(file: string): Record<string, string> {
  const images: Record<string, string> = {};
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      if (line.trim() === '') return;
      const equals = line.indexOf('=');
      if (equals <= 0) throw new Error(`${file} line ${index + 1}: '${line}' is not service=repository:tag@sha256:…`);
      images[line.slice(0, equals).trim()] = line.slice(equals + 1).trim();
    });
  return images;
}

/** Writes into `folder` the files of `after` that differ from `before`, and removes those `after` dropped. */
export function writeChanges(folder: string, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): void {
  for (const file of before.keys()) if (!after.has(file)) rmSync(join(folder, file));
  for (const [file, text] of after) {
    if (before.get(file) === text) continue;
    mkdirSync(dirname(join(folder, file)), { recursive: true });
    writeFileSync(join(folder, file), text);
    console.log(`changed ${file}`);
  }
}
