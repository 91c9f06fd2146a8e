/**
 * Builds every action: actions/<name>/src/index.ts → actions/<name>/dist/index.js, one self-contained
 * ESM file per action (esbuild), runnable by the runner's node24 and by Node 20; and the `slipway` CLI,
 * actions/cli/bin.ts → actions/cli/dist/slipway.js plus one lazily imported chunk per command and the
 * chunks they share (built with every action, when no name is given).
 * `tsx actions/scripts/bundle.ts [name…]` writes the bundles; `bundleAction` and `bundleCli` are also
 * used by the test that fails when a committed dist/ differs from a fresh build.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';

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

/** What every bundle shares: ESM for Node 20, paths in comments relative to the repository root. */
function bundleOptions(minify: boolean): BuildOptions & { write: false } {
  return {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    write: false,
    legalComments: 'none',
    // Paths in the bundle's comments are relative to the repository root, whatever the cwd.
    absWorkingDir: join(actionsRoot, '..'),
    logLevel: 'silent',
    // Bundled CommonJS dependencies call require(); give every ESM output file one.
    banner: { js: requireShim },
    // Whitespace and syntax only: names stay readable in stack traces.
    minifyWhitespace: minify,
    minifySyntax: minify,
  };
}

/** The bundle text of one action, built in memory: one self-contained file. */
export async function bundleAction(name: string): Promise<string> {
  const entryPoint = join(actionsRoot, name, 'src', 'index.ts');
  const result = await build({ ...bundleOptions(false), entryPoints: [entryPoint] });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${entryPoint}`);
  return output.text;
}

export const cliDistDir = join(actionsRoot, 'cli', 'dist');
export const cliDistPath = join(cliDistDir, 'slipway.js');

/** The CLI's output files (name in cli/dist → text), and for each what it holds and loads with it. */
export interface CliBundle {
  files: Map<string, string>;
  outputs: Map<string, CliOutput>;
}

interface CliOutput {
  /** The source file whose `import()` (or, for slipway.js, whose run) loads this file; none for a shared chunk. */
  entryPoint: string | undefined;
  /** The source modules in this file, relative to the repository root. */
  inputs: string[];
  /** The output files this one imports statically: loaded, parsed and evaluated with it. */
  staticImports: string[];
}

/**
 * The `slipway` CLI (the package's bin), built in memory. No TypeScript loader at start-up, minified,
 * and split (esbuild `splitting`, ESM only): slipway.js holds the dispatch table, each command's
 * `import()` loads its own chunk and the chunks it shares, so `--version` and `set-image` never parse
 * the Kubernetes client, Sigstore or Ajv (`npm run bench:cli`). The chunks sit beside slipway.js, so
 * `import.meta.url` resolves as it does in one file. esbuild 0.28.2 (`lib/main.d.ts`): `splitting` with
 * `format: 'esm'`, `chunkNames`, and the metafile's per-output `entryPoint` and `imports[].kind`.
 */
export async function bundleCli(): Promise<CliBundle> {
  const result = await build({
    ...bundleOptions(true),
    entryPoints: { slipway: join(actionsRoot, 'cli', 'bin.ts') },
    outdir: cliDistDir,
    splitting: true,
    chunkNames: '[name]-[hash]',
    metafile: true,
  });
  const files = new Map<string, string>();
  for (const output of result.outputFiles) {
    const name = basename(output.path);
    if (dirname(output.path) !== cliDistDir) throw new Error(`esbuild wrote ${output.path} outside ${cliDistDir}`);
    files.set(name, name === 'slipway.js' ? `#!/usr/bin/env node\n${output.text}` : output.text);
  }
  if (!files.has('slipway.js')) throw new Error('esbuild produced no slipway.js for the CLI');
  const outputs = new Map<string, CliOutput>();
  for (const [path, output] of Object.entries(result.metafile.outputs)) {
    outputs.set(basename(path), {
      entryPoint: output.entryPoint,
      inputs: Object.keys(output.inputs),
      staticImports: output.imports.filter((item) => item.kind === 'import-statement' && !item.external).map((item) => basename(item.path)),
    });
  }
  return { files, outputs };
}

/** The source modules Node loads for the given entry points of the bundle (`actions/cli/bin.ts`, a command's module), sorted. */
export function loadedModules(bundle: CliBundle, entryPoints: readonly string[]): string[] {
  const pending = [...bundle.outputs].filter(([, output]) => entryPoints.includes(output.entryPoint ?? '')).map(([name]) => name);
  if (pending.length !== entryPoints.length) throw new Error(`not every one of ${entryPoints.join(', ')} is an entry of the CLI bundle`);
  const seen = new Set<string>();
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (seen.has(name)) continue;
    seen.add(name);
    pending.push(...(bundle.outputs.get(name)?.staticImports ?? []));
  }
  return [...seen].flatMap((name) => bundle.outputs.get(name)?.inputs ?? []).sort();
}

/** The files now in cli/dist (every one is an output of `bundleCli`). */
export function committedCliFiles(): string[] {
  return existsSync(cliDistDir) ? readdirSync(cliDistDir).sort() : [];
}

/** Replaces cli/dist with a fresh build: stale chunks of an earlier build are removed. */
async function writeCliBundle(): Promise<void> {
  const { files } = await bundleCli();
  rmSync(cliDistDir, { recursive: true, force: true });
  mkdirSync(cliDistDir, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(cliDistDir, name), text, { mode: name === 'slipway.js' ? 0o755 : 0o644 });
}

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
    await writeCliBundle();
    console.log(`bundled actions/cli/dist/slipway.js (${committedCliFiles().length} files)`);
  }
}
