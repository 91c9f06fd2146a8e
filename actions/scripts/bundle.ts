/**
 * Builds every action: actions/<name>/src/index.ts → actions/<name>/dist/index.js, one self-contained
 * ESM file per action (esbuild), runnable by the runner's node24 and by Node 20.
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

/** The bundle text of one action, built in memory. */
export async function bundleAction(name: string): Promise<string> {
  const result = await build({
    entryPoints: [join(actionsRoot, name, 'src', 'index.ts')],
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
    banner: {
      js: "import { createRequire as __slipwayCreateRequire } from 'node:module';\nconst require = __slipwayCreateRequire(import.meta.url);",
    },
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error(`esbuild produced no output for ${name}`);
  return output.text;
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
}
