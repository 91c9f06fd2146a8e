import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionRunner } from './action-runner.ts';

function runnerFiles() {
  const folder = mkdtempSync(join(tmpdir(), 'slipway-runner-'));
  const files = { GITHUB_OUTPUT: join(folder, 'output'), GITHUB_STEP_SUMMARY: join(folder, 'summary'), GITHUB_EVENT_PATH: join(folder, 'event.json') };
  writeFileSync(files.GITHUB_OUTPUT, '');
  writeFileSync(files.GITHUB_STEP_SUMMARY, '');
  writeFileSync(files.GITHUB_EVENT_PATH, '{"sender":{"login":"octocat"}}');
  return files;
}

describe('the runner interface', () => {
  it('reads inputs the way the runner passes them', () => {
    const runner = actionRunner({ 'INPUT_RELEASE-MANIFEST': ' release.json ', INPUT_SERVICES: 'cart, order\nproduct\n', INPUT_ROLLBACK: 'True' });
    expect(runner.input('release-manifest')).toBe('release.json');
    expect(runner.listInput('services', true)).toEqual(['cart', 'order', 'product']);
    expect(runner.booleanInput('rollback')).toBe(true);
    expect(runner.booleanInput('missing')).toBe(false);
    expect(() => actionRunner({ INPUT_ROLLBACK: 'yes' }).booleanInput('rollback')).toThrow(/input 'rollback' must be true or false, not 'yes'/);
    expect(() => runner.requiredInput('environment')).toThrow(/input 'environment' is required/);
  });

  it('writes multi-line outputs with a delimiter, the summary, and reads the event', () => {
    const files = runnerFiles();
    const lines: string[] = [];
    const runner = actionRunner(files, (text) => lines.push(text));
    runner.setOutput('services', 'line one\nline two');
    runner.appendSummary('| a | b |');
    runner.setSecret('s3cret');
    runner.error('bad\nthing');
    expect(readFileSync(files.GITHUB_OUTPUT, 'utf8')).toMatch(/^services<<(slipway_[0-9a-f]{24})\nline one\nline two\n\1\n$/);
    expect(readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')).toBe('| a | b |\n');
    expect(runner.event()).toEqual({ sender: { login: 'octocat' } });
    expect(lines).toEqual(['::add-mask::s3cret\n', '::error::bad%0Athing\n']);
  });

  it('refuses to write outputs outside a runner', () => {
    expect(() => actionRunner({}).setOutput('x', 'y')).toThrow(/GITHUB_OUTPUT is not set/);
  });
});
