import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actionNames, bundleAction, distPath } from './bundle.ts';

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
