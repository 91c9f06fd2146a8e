/**
 * Test support: runs an action's committed bundle the way the GitHub runner does — `node
 * dist/index.js` with every input as INPUT_<NAME> (action.yml defaults first, as the runner fills
 * them), GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and GITHUB_EVENT_PATH — and reads back the exit
 * code, stdout, outputs and the job summary.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parse } from 'yaml';

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface ActionRunOptions {
  workspace: string;
  inputs?: Record<string, string>;
  /** Fill action.yml defaults like the runner (false = literally no inputs). */
  defaults?: boolean;
  event?: Record<string, unknown>;
  env?: Record<string, string>;
}

export function runAction(actionFolder: string, options: ActionRunOptions): Promise<ActionRun> {
  const files = mkdtempSync(join(tmpdir(), 'slipway-runner-'));
  const outputFile = join(files, 'output');
  const summaryFile = join(files, 'summary');
  const eventFile = join(files, 'event.json');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  writeFileSync(eventFile, JSON.stringify(options.event ?? {}));
  const metadata = parse(readFileSync(join(actionFolder, 'action.yml'), 'utf8')) as { inputs?: Record<string, { default?: string }> };
  const inputs: Record<string, string> = {};
  if (options.defaults !== false) {
    for (const [name, input] of Object.entries(metadata.inputs ?? {})) {
      // Expressions such as ${{ github.token }} are the runner's; tests give such inputs themselves.
      if (input.default !== undefined && !String(input.default).includes('${{')) inputs[name] = String(input.default);
    }
  }
  Object.assign(inputs, options.inputs ?? {});
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? tmpdir(),
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    ...Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value])),
    ...options.env,
  };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(actionFolder, 'dist', 'index.js')],
      { cwd: options.workspace, env, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const outputs: Record<string, string> = {};
        for (const match of readFileSync(outputFile, 'utf8').matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm))
          outputs[match[1] ?? ''] = match[3] ?? '';
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, outputs, summary: readFileSync(summaryFile, 'utf8') });
      },
    );
  });
}

/** The `::error::` lines of a run, unescaped. */
export function errorLines(run: ActionRun): string[] {
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('::error::'))
    .map((line) => line.slice('::error::'.length).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'));
}

/**
 * Registers the test every action bundle shares: run with no inputs at all, it fails with exactly
 * one `::error::` line (`message`) naming the missing input, and prints no stack trace.
 */
export function itFailsWithNoInputs(actionFolder: string, message: string): void {
  it('with no inputs fails with one ::error:: line naming the missing input, no stack trace', async () => {
    const run = await runAction(actionFolder, { workspace: mkdtempSync(join(tmpdir(), 'slipway-empty-')), defaults: false });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([message]);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
  });
}
