import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './validate.ts';

const repository = new URL('../../../', import.meta.url).pathname;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { output: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

describe('slipway validate (command)', () => {
  it('passes on the repository gitops-repo and exits 0', async () => {
    const { output, out } = capture();
    expect(await run([join(repository, 'gitops-repo')], output)).toBe(0);
    expect(out.join('')).toContain('no findings');
  });

  it('exits 1 and prints file, document and field of each finding', async () => {
    const root = mkdtempSync(join(tmpdir(), 'slipway-cli-validate-'));
    try {
      cpSync(join(repository, 'gitops-repo'), join(root, 'gitops-repo'), { recursive: true });
      cpSync(join(repository, 'app-repo/charts'), join(root, 'app-repo/charts'), { recursive: true });
      const file = join(root, 'gitops-repo/environments/dev/services/cart.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('project: shop', 'project: shops'));
      const { output, out } = capture();
      expect(await run([join(root, 'gitops-repo')], output)).toBe(1);
      expect(out.join('')).toContain('gitops-repo/environments/dev/services/cart.yaml (document 0) spec.project: project shops is not defined in this environment');
      const json = capture();
      expect(await run([join(root, 'gitops-repo'), '--json'], json.output)).toBe(1);
      expect(JSON.parse(json.out.join(''))).toEqual([expect.objectContaining({ file: 'gitops-repo/environments/dev/services/cart.yaml', document: 0, field: 'spec.project', rule: 'project' })]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('exits 2 on a folder that does not exist or an unknown option', async () => {
    const missing = capture();
    expect(await run(['no-such-folder'], missing.output)).toBe(2);
    expect(missing.err.join('')).toContain('no-such-folder is not a folder');
    const option = capture();
    expect(await run(['--strict'], option.output)).toBe(2);
    expect(option.err.join('')).toContain('unknown option --strict');
  });
});
