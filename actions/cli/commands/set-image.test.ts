/** `slipway set-image` folder mode over a corpus written for the test (test-support/fixtures/layouts/folder/). */
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slipwayInProcess } from '../../test-support/slipway-in-process.ts';

const corpus = new URL('../../test-support/fixtures/layouts/folder/', import.meta.url).pathname;
const search = 'registry.example.com/shop/search';
const digest = `sha256:${'cd'.repeat(32)}`;
const assignment = `${search}=${search}:1.3.0@${digest}`;

async function setImage(...args: string[]): Promise<{ code: number; out: string[]; err: string[]; folder: string }> {
  const folder = mkdtempSync(join(tmpdir(), 'slipway-set-image-'));
  cpSync(corpus, join(folder, 'tree'), { recursive: true });
  return { ...(await slipwayInProcess(['set-image', ...args], {}, folder)), folder };
}

const changedLines = (folder: string, path: string): Record<number, string> => {
  const before = readFileSync(join(corpus, path), 'utf8').split('\n');
  const after = readFileSync(join(folder, 'tree', path), 'utf8').split('\n');
  expect(after.length).toBe(before.length);
  return Object.fromEntries(after.flatMap((line, index) => (line === before[index] ? [] : [[index + 1, line]])));
};

describe('slipway set-image <folder>', () => {
  it('rewrites Kubernetes objects, values*.yaml and values files an Application names; never a workflow, skaffold.yaml or other YAML', async () => {
    const result = await setImage('tree', assignment);
    expect(result.err).toEqual([]);
    expect(result.code).toBe(0);
    expect(changedLines(result.folder, 'deployment.yaml')).toEqual({ 10: `          image: ${search}:1.3.0@${digest}` });
    expect(changedLines(result.folder, 'values-prod.yaml')).toEqual({ 3: `  tag: 1.3.0@${digest}` });
    expect(changedLines(result.folder, 'config/search.yaml')).toEqual({ 4: `    tag: 1.3.0@${digest}` });
    for (const untouched of ['.github/workflows/ci.yaml', 'skaffold.yaml', 'tools.yaml', 'apps/search.yaml'])
      expect(changedLines(result.folder, untouched)).toEqual({});
    expect(result.out.at(-1)).toBe('3 file(s) changed');
    expect(result.out.some((line) => line.startsWith('skipped'))).toBe(false);
  });

  it('--verbose names each skipped file and why', async () => {
    const result = await setImage('--verbose', 'tree', assignment);
    expect(result.code).toBe(0);
    expect(result.out.filter((line) => line.startsWith('skipped'))).toEqual([
      'skipped tree/.github/workflows/ci.yaml: not a Kubernetes object (no apiVersion); name the file to rewrite it anyway',
      'skipped tree/skaffold.yaml: not a Kubernetes object (apiVersion skaffold/v4beta11 is no Kubernetes API group); name the file to rewrite it anyway',
      'skipped tree/tools.yaml: not a Kubernetes object (no apiVersion); name the file to rewrite it anyway',
    ]);
  });

  it('reads a file named directly whatever it is', async () => {
    const result = await setImage('tree/tools.yaml', assignment);
    expect(result.code).toBe(0);
    expect(changedLines(result.folder, 'tools.yaml')).toEqual({ 3: `  image: ${search}:1.3.0@${digest}` });
  });
});
