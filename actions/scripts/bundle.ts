/**
 * Builds every action: actions/<name>/src/index.ts → actions/<name>/dist/index.js, one self-contained
 * ESM file per action (esbuild), runnable by the runner's node24 and by Node 20; and the `slipway` CLI,
 * actions/cli/bin.ts → actions/cli/dist/slipway.js (built with every action, when no name is given).
 * `tsx actions/scripts/bundle.ts [name…]` writes the bundles; `bundleAction` is also used by the test that
 * fails when a committed dist/ differs from a fresh build.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const actionsRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Folders under actions/ that hold an action (an action.yml and src/index.ts). */
export function actionNames(): string[] {
  return readdirSync(actionsRoot, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() &&
        existsSync(join(actionsRoot, entry.name, 'action.yml')) &&
        existsSync(join(actionsRoot, entry.name, 'src', 'index.ts')),
    )
    .map((entry) => entry.name)
    .sort();
}

const requireShim =
  "import { createRequire as __slipwayCreateRequire } from 'node:module';\nconst require = __slipwayCreateRequire(import.meta.url);";

/** One self-contained ESM file for Node 20 from one entry point, built in memory. */
async function bundleEntry(entryPoint: string, options: { banner: string; minify: boolean }): Promise<string> {
  const result = await build({
    entryPoints: [entryPoint],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    legalComments: 'none',
    // Paths in the bundle's comments are relative to the repository root, whatever the cwd.
    absWorkingDir: join(actionsRoot, '..'),
    logLevel: 'silent',
    // Bundled CommonJS dependencies call require(); give the ESM bundle one.
    banner: { js: options.banner },
    // Whitespace and syntax only: names stay readable in stack traces.
    minifyWhitespace: options.minify,
    minifySyntax: options.minify,
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entryPoint}`);
  return output.text;
}

/** The bundle text of one action, built in memory. */
export function bundleAction(name: string): Promise<string> {
  return bundleEntry(join(actionsRoot, name, 'src', 'index.ts'), { banner: requireShim, minify: false });
}

/**
 * The `slipway` CLI as one file (the package's bin): no TypeScript loader at start-up, and half the
 * bytes to parse once minified (start-up is mostly V8 compiling the file; `npm run bench:cli`).
 */
export function bundleCli(): Promise<string> {
  return bundleEntry(join(actionsRoot, 'cli', 'bin.ts'), { banner: `#!/usr/bin/env node\n${requireShim}`, minify: true });
}

export const cliDistPath = join(actionsRoot, 'cli', 'dist', 'slipway.js');

export function distPath(name: string): string {
  return join(actionsRoot, name, 'dist', 'index.js');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // `tsx actions/scripts/bundle.ts [name…]`: the named actions, or all of them.
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !actionNames().includes(name));
  if (unknown.length > 0) throw new Error(`no action named ${unknown.join(', ')} (actions: ${actionNames().join(', ')})`);
  for (const name of wanted.length > 0 ? wanted : actionNames()) {
    const file = distPath(name);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, await bundleAction(name));
    console.log(`bundled actions/${name}/dist/index.js`);
  }
  if (wanted.length === 0) {
    mkdirSync(dirname(cliDistPath), { recursive: true });
    writeFileSync(cliDistPath, await bundleCli(), { mode: 0o755 });
    console.log('bundled actions/cli/dist/slipway.js');
  }
}
