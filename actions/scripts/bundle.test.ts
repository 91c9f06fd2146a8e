import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { actionNames, bundleAction, bundleCli, cliDistDir, cliDistPath, committedCliFiles, distPath, loadedModules } from './bundle.ts';
import type { CliBundle } from './bundle.ts';

describe('committed action bundles', () => {
  it('include the promote action', () => {
    expect(actionNames()).toContain('promote');
  });

  it.each(actionNames())(
    'actions/%s/dist/index.js is identical to a fresh build (run `npm run build -w @slipway/actions` and commit dist/)',
    async (name) => {
      const committed = readFileSync(distPath(name), 'utf8');
      expect(committed === (await bundleAction(name))).toBe(true);
    },
  );
});

describe('the slipway bin (actions/cli/dist)', () => {
  let bundle: CliBundle;
  beforeAll(async () => {
    bundle = await bundleCli();
  });

  it('every file in actions/cli/dist is identical to a fresh build, and no file is missing or left over (run `npm run build -w @slipway/actions` and commit it)', () => {
    expect(committedCliFiles()).toEqual([...bundle.files.keys()].sort());
    const differing = committedCliFiles().filter((name) => readFileSync(join(cliDistDir, name), 'utf8') !== bundle.files.get(name));
    expect(differing).toEqual([]);
    expect(statSync(cliDistPath).mode & 0o111).not.toBe(0);
  });

  it('is split per command: `--version` loads only the dispatch table, `set-image` adds the manifests library and yaml only', () => {
    expect(bundle.files.size).toBeGreaterThan(12);
    expect(loadedModules(bundle, ['actions/cli/bin.ts'])).toEqual([
      'actions/cli/bin.ts',
      'actions/cli/command.ts',
      'actions/cli/main.ts',
      'actions/lib/shell/inputs/raw-inputs.ts',
      'actions/package.json',
    ]);
    const setImage = loadedModules(bundle, ['actions/cli/bin.ts', 'actions/cli/commands/set-image.ts']);
    expect(setImage).toContain('actions/lib/manifests/set-image.ts');
    const packages = new Set(setImage.flatMap((path) => /node_modules\/((@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? []));
    expect([...packages]).toEqual(['yaml']);
    expect(
      setImage.filter((path) => !path.startsWith('node_modules/') && !/^actions\/(cli|lib\/(manifests|release|shell))\//.test(path)),
    ).toEqual([
      // The one resolver of Applications' valueFiles (node:fs and node:path only), which folder mode shares with the validator.
      'actions/lib/validate/charts/value-files.ts',
      'actions/package.json',
    ]);
  });

  it("is what `npx slipway` runs: the lockfile links the same bin as actions/package.json (npm ci links the lockfile's)", () => {
    const { bin } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { bin: Record<string, string> };
    const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
      packages: Record<string, { bin?: Record<string, string> }>;
    };
    expect(bin).toEqual({ slipway: 'cli/dist/slipway.js' });
    expect(lock.packages['actions']?.bin).toEqual(bin);
  });

  it('runs on its own: --version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(execFileSync(process.execPath, [cliDistPath, '--version'], { encoding: 'utf8' })).toBe(`slipway ${version}\n`);
  });

  it('runs on its own: a one-file set-image rewrites only the pin lines of a Flux Kustomization', () => {
    const folder = mkdtempSync(join(tmpdir(), 'slipway-dist-'));
    try {
      const fixture = new URL('../test-support/fixtures/layouts/flux/search.yaml', import.meta.url);
      copyFileSync(fixture, join(folder, 'search.yaml'));
      const reference = `registry.example.com/shop/search:1.3.0@sha256:${'cd'.repeat(32)}`;
      const args = [cliDistPath, 'set-image', 'search.yaml', `registry.example.com/shop/search=${reference}`];
      const out = execFileSync(process.execPath, args, { cwd: folder, encoding: 'utf8' });
      expect(out).toBe(`search.yaml:15 kustomize-images -> ${reference}\n1 file(s) changed\n`);
      const before = readFileSync(fixture, 'utf8').split('\n');
      const after = readFileSync(join(folder, 'search.yaml'), 'utf8').split('\n');
      expect(after.length).toBe(before.length);
      const changed = after.flatMap((line, index) => (line === before[index] ? [] : [`${index + 1}: ${line}`]));
      expect(changed).toEqual(['17:       newTag: 1.3.0', `18:       digest: 'sha256:${'cd'.repeat(32)}'`]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('runs on its own: help loads every command chunk and lists each command', () => {
    const out = execFileSync(process.execPath, [cliDistPath, 'help'], { encoding: 'utf8' });
    for (const verb of ['promote', 'set-image', 'validate', 'verify', 'verify-provenance', 'dora', 'scan-policy'])
      expect(out).toMatch(new RegExp(`^  ${verb} +\\S`, 'm'));
  });
});
