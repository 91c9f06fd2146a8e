import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actionNames, bundleAction, bundleCli, cliDistPath, distPath } from './bundle.ts';

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

  it('actions/cli/dist/slipway.js (the slipway bin) is identical to a fresh build (run `npm run build -w @slipway/actions` and commit it)', async () => {
    const committed = readFileSync(cliDistPath, 'utf8');
    expect(committed === (await bundleCli())).toBe(true);
  });

  it('the bundled slipway bin runs on its own: --version prints the package version', () => {
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(execFileSync(process.execPath, [cliDistPath, '--version'], { encoding: 'utf8' })).toBe(`slipway ${version}\n`);
  });
});
