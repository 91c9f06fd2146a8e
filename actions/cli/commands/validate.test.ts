import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartApplication, operatorCharts, writeTree } from '../../test-support/chart-fixtures.ts';
import { startChartRepository } from '../../test-support/chart-repository.ts';
import type { CommandIo } from '../command.ts';
import { UsageError } from '../command.ts';
import { command } from './validate.ts';

const repository = new URL('../../../', import.meta.url).pathname;

function capture(cwd = repository) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { cwd, env: {}, out: (line) => out.push(line), err: (line) => err.push(line) };
  return { io, out, err };
}

describe('slipway validate (command)', () => {
  it('passes on the repository gitops-repo (the default folder) and exits 0', async () => {
    const { io, out } = capture();
    expect(await command.run([], io)).toBe(0);
    expect(out).toEqual(['gitops-repo: no findings']);
  });

  it('exits 1 and prints file, document and field of each finding', async () => {
    const root = mkdtempSync(join(tmpdir(), 'slipway-cli-validate-'));
    try {
      cpSync(join(repository, 'gitops-repo'), join(root, 'gitops-repo'), { recursive: true });
      cpSync(join(repository, 'app-repo/charts'), join(root, 'app-repo/charts'), { recursive: true });
      const file = join(root, 'gitops-repo/environments/dev/services/cart.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('project: shop', 'project: shops'));
      const text = capture(root);
      expect(await command.run(['gitops-repo'], text.io)).toBe(1);
      expect(text.out[0]).toContain(
        'gitops-repo/environments/dev/services/cart.yaml (document 0) spec.project: project shops is not defined in this environment',
      );
      const json = capture(root);
      expect(await command.run(['gitops-repo', '--json'], json.io)).toBe(1);
      expect(JSON.parse(json.out.join('\n'))).toEqual([
        expect.objectContaining({
          file: 'gitops-repo/environments/dev/services/cart.yaml',
          document: 0,
          field: 'spec.project',
          rule: 'project',
        }),
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('--charts pulls the charts Applications install from chart repositories; without it validation stays offline', async () => {
    const charts = await startChartRepository(operatorCharts);
    const root = writeTree({
      operator: chartApplication({
        name: 'operator',
        wave: -5,
        repoURL: charts.url,
        chart: 'operator',
        version: '1.1.5',
        namespace: 'operators',
      }),
    });
    try {
      const offline = capture(root);
      expect(await command.run(['gitops'], offline.io)).toBe(0);
      expect(charts.requests.size).toBe(0);
      const online = capture(root);
      expect(await command.run(['gitops', '--charts'], online.io)).toBe(1);
      expect(online.out).toEqual([
        `gitops/environments/dev/platform/operator.yaml (document 0) spec.source.targetRevision: Application operator: chart operator version 1.1.5 is not published in ${charts.url}; nearest published: 1.1.0, 1.2.0 — pin targetRevision to a published version (a Git tag of the chart project is not a release of the chart) [chart-version]`,
        'gitops: 1 finding',
      ]);
    } finally {
      await charts.stop();
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a folder that does not exist and extra folders as usage errors', async () => {
    await expect(command.run(['no-such-folder'], capture().io)).rejects.toThrow(UsageError);
    await expect(command.run(['a', 'b'], capture().io)).rejects.toThrow('give at most one folder');
  });
});
