/**
 * The preview jobs of the pull-request workflow, replayed: which pull requests get a preview (those of
 * this repository labelled `preview`), what a fork gets instead (a reason), and the gate report's
 * row with the preview's URL or that reason, written by the gate-report action's dist.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createGitopsRemote } from '../../actions/test-support/gitops-repository.ts';
import { context, root, Stage, withGitHubApi } from './replay-stage.ts';
import { condition } from './workflow-expressions.ts';
import { replayJob } from './workflow-replay.ts';

const pullRequestWorkflow = join(root, '.github', 'workflows', 'pull-request.yml');
const jobs = parse(readFileSync(pullRequestWorkflow, 'utf8')).jobs as Record<string, { if?: string; needs?: string[] }>;
withGitHubApi();

/** A pull_request event of pull request 42, from this repository or a fork, with these labels. */
function pullRequestEvent(from: 'same' | 'fork', labels: string[]) {
  const repository = 'example/slipway';
  return {
    event_name: 'pull_request',
    event: {
      action: 'labeled',
      number: 42,
      pull_request: {
        number: 42,
        labels: labels.map((name) => ({ name })),
        head: { sha: 'abcdef0123456789abcdef0123456789abcdef01', repo: { full_name: from === 'same' ? repository : 'mallory/slipway' } },
        base: { repo: { full_name: repository } },
      },
    },
    vars: { PREVIEW_DOMAIN: 'dev.shop.example.com' },
  };
}

const runs = (job: string, from: 'same' | 'fork', labels: string[]) =>
  condition(jobs[job]?.if ?? 'true', context(pullRequestEvent(from, labels)));

describe('which pull requests get a preview', () => {
  it.each<[from: 'same' | 'fork', labels: string[], preview: boolean, forkNote: boolean]>([
    ['same', ['preview'], true, false],
    ['same', ['bug', 'preview'], true, false],
    ['same', [], false, false],
    ['same', ['previews'], false, false],
    ['fork', ['preview'], false, true],
    ['fork', [], false, false],
  ])('a pull request from %s with labels %j: preview %s, fork note %s', (from, labels, preview, forkNote) => {
    expect(runs('preview', from, labels)).toBe(preview);
    expect(runs('preview-fork', from, labels)).toBe(forkNote);
  });

  it('starts again when the label is added: labeled is one of the workflow’s pull_request types', () => {
    const on = parse(readFileSync(pullRequestWorkflow, 'utf8')).on.pull_request;
    expect(on.types).toEqual(expect.arrayContaining(['opened', 'synchronize', 'reopened', 'labeled']));
  });

  it('gives the gate report both jobs, and keeps them out of the required gates check', () => {
    expect(jobs['report']?.needs).toEqual(expect.arrayContaining(['preview', 'preview-fork']));
    expect(jobs['gates']?.needs).not.toContain('preview');
  });
});

describe('the gate report’s preview row, replayed with the gate-report action’s dist', () => {
  const gatesDone = Object.fromEntries(
    ['changes', 'lint', 'unit', 'e2e', 'sonarcloud', 'images', 'gitops', 'terraform', 'workflows', 'zizmor', 'actions-dist'].map((job) => [
      job,
      { result: 'success', outputs: {} },
    ]),
  );

  function previewRow(from: 'same' | 'fork', needs: Record<string, unknown>): string {
    const stage = new Stage(createGitopsRemote(new Map([['README.md', 'The application repository.\n']])));
    // Without a pull request number the action writes the table to the job summary only (the same
    // table it puts in the sticky comment; its own tests cover the comment against a stand-in API).
    const event = { ...pullRequestEvent(from, ['preview']), event: {} };
    const replay = replayJob(
      root,
      pullRequestWorkflow,
      'report',
      context({ ...event, needs: { ...gatesDone, ...needs } }),
      stage.harness(),
    );
    const report = replay.steps.find((step) => step.label === './actions/gate-report');
    expect(report?.ran).toBe('action');
    return (report?.summary ?? '').split('\n').find((line) => line.startsWith('|') && line.includes('Preview environment')) ?? '';
  }

  it('carries the preview’s URL and result for a pull request of this repository', () => {
    const url = 'http://pr-42.dev.shop.example.com';
    const row = previewRow('same', {
      preview: { result: 'success', outputs: { url, summary: `${url} — Synced and Healthy, Playwright passed` } },
      'preview-fork': { result: 'skipped', outputs: {} },
    });
    expect(row).toMatch(/pass/i);
    expect(row).toContain(url);
    expect(row).toContain('Playwright passed');
  });

  it('says why a fork gets no preview', () => {
    const stage = new Stage(createGitopsRemote(new Map([['README.md', 'x\n']])));
    const fork = replayJob(root, pullRequestWorkflow, 'preview-fork', context(pullRequestEvent('fork', ['preview'])), stage.harness());
    const why = fork.steps.find((step) => step.id === 'why')?.outputs['summary'] ?? '';
    expect(why).toContain('comes from a fork');
    const row = previewRow('fork', {
      preview: { result: 'skipped', outputs: {} },
      'preview-fork': { result: 'success', outputs: { summary: why } },
    });
    expect(row).toMatch(/skip/i);
    expect(row).toContain('comes from a fork');
    expect(row).not.toContain('http://');
  });
});
