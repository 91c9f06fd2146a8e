/**
 * The kind scripts' file helpers: a folder's files as a map keyed by their path inside it (with `/`),
 * the images file, writing back what changed, and the shell the prepare-*.ts scripts share.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { parseKindOverlay } from './kind-overlay.ts';
import type { KindOverlay } from './kind-overlay.ts';

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

/** What a prepare-*.ts script rewrites the tree with: overlay.yaml, the images file, and its other options. */
export interface TreeScriptInputs {
  overlay: KindOverlay;
  images: Record<string, string>;
  option(name: string): string;
}

/**
 * The shell of a prepare-*.ts script (`usage` starts with its file name): reads --tree, --images,
 * --overlay (overlay.yaml) and --gitops-path besides the script's own `options` (a default, or
 * required), rewrites <tree>/<gitops-path> in place by `rewrite`, and turns an error into one line
 * `<script>: message` and exit code 1.
 */
export function runTreeScript(
  usage: string,
  options: Record<string, { default?: string }>,
  rewrite: (before: ReadonlyMap<string, string>, inputs: TreeScriptInputs) => Map<string, string>,
): void {
  try {
    const { values } = parseArgs({
      options: {
        tree: { type: 'string' },
        images: { type: 'string' },
        ...Object.fromEntries(Object.entries(options).map(([name, option]) => [name, { type: 'string' as const, ...option }])),
        overlay: { type: 'string', default: new URL('./overlay.yaml', import.meta.url).pathname },
        'gitops-path': { type: 'string', default: 'gitops-repo' },
      },
      strict: true,
    });
    const option = (name: string): string => {
      const value = (values as Record<string, string | undefined>)[name];
      if (typeof value !== 'string' || value === '') throw new Error(`--${name} is required (usage: ${usage})`);
      return value;
    };
    for (const name of ['tree', ...Object.keys(options), 'images']) option(name);
    const gitops = join(option('tree'), option('gitops-path'));
    const images = readImagesFile(option('images'));
    const overlay = parseKindOverlay(readFileSync(option('overlay'), 'utf8'), option('overlay'));
    const before = filesUnder(gitops);
    writeChanges(gitops, before, rewrite(before, { overlay, images, option }));
  } catch (error) {
    console.error(`${usage.slice(0, usage.indexOf('.ts'))}: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
