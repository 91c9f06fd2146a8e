/**
 * `slipway preview-label` in this process against the GitHub API stand-in (github-pulls-api.ts): what
 * it prints for GITHUB_OUTPUT and the job summary, and its input errors. The workflows' scenarios run
 * it through the replayed steps (.github/workflows-test/replay-previews.test.ts, replay-housekeeping.test.ts).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StandInPullRequest } from '../../test-support/github-pulls-api.ts';
import { githubApiPerFile } from '../../test-support/github-api-per-file.ts';
import { slipwayInProcess } from '../../test-support/slipway-in-process.ts';

const repository = 'example/slipway';
const github = githubApiPerFile({ tokens: ['ghs_pulls'], runs: [], artifacts: [] });

const pull = (number: number, overrides: Partial<StandInPullRequest> = {}): StandInPullRequest => ({
  number,
  title: `Change ${number}`,
  branch: `change-${number}`,
  headSha: number.toString(16).padStart(40, 'b'),
  headRepository: repository,
  labels: ['preview'],
  committedAt: new Date(Date.now() - 3_600_000).toISOString(),
  events: [{ event: 'labeled', label: 'preview', at: `2026-11-28T10:${String(number).padStart(2, '0')}:00Z` }],
  comments: [],
  ...overrides,
});

function stage(pulls: StandInPullRequest[]): { pulls: StandInPullRequest[]; calls: string[] } {
  const state = { tokens: ['ghs_pulls'], runs: [], artifacts: [], pullRequests: pulls, calls: [] as string[] };
  github.set(state);
  return { pulls: state.pullRequests, calls: state.calls };
}

const slipway = (args: string[], env: Record<string, string> = {}) =>
  slipwayInProcess(['preview-label', ...args], {
    GH_TOKEN: 'ghs_pulls',
    GITHUB_REPOSITORY: repository,
    GITHUB_API_URL: github.url(),
    ...env,
  });

describe('slipway preview-label cap', () => {
  it('prints url= within the cap, and summary= with the label taken off beyond it (Markdown to --summary)', async () => {
    const { pulls, calls } = stage([pull(3), pull(2), pull(1)]);
    const summaryFile = join(mkdtempSync(join(tmpdir(), 'slipway-preview-')), 'summary.md');
    const within = await slipway(['cap', '--pull-request', '2', '--cap', '2', '--domain', 'dev.shop.example.com']);
    expect(within).toMatchObject({ code: 0, out: ['url=http://pr-2.dev.shop.example.com'] });
    const over = await slipway(['cap', '--pull-request', '3', '--summary', summaryFile], {
      PREVIEW_CAP: '2',
      PREVIEW_DOMAIN: 'dev.shop.example.com',
    });
    const refused =
      'refused: 2 previews are running already (the cap, PREVIEW_CAP; labelled before this one: #1 #2); the label was taken off, add it again when one closes';
    expect(over).toMatchObject({ code: 1, out: [`summary=${refused}`] });
    expect(readFileSync(summaryFile, 'utf8')).toBe(`Preview: ${refused}\n`);
    expect(pulls.map((candidate) => [candidate.number, candidate.labels])).toEqual([
      [3, []],
      [2, ['preview']],
      [1, ['preview']],
    ]);
    expect(calls.filter((call) => !call.startsWith('GET '))).toEqual([`DELETE /repos/${repository}/issues/3/labels/preview`]);
  });

  it('says what is not set up in summary=, naming the repository variable or the flag, before any request', async () => {
    const { calls } = stage([pull(1)]);
    expect(await slipway(['cap', '--pull-request', '1'], { PREVIEW_CAP: '2' })).toMatchObject({
      code: 1,
      out: ['summary=not set up: set the repository variable PREVIEW_DOMAIN (gitops-repo/README.md, Preview environments)'],
    });
    expect(await slipway(['cap', '--pull-request', '1', '--domain', 'x.example.com', '--cap=-1'])).toMatchObject({
      code: 1,
      out: ["summary=not set up: --cap must be a whole number, not '-1': give --cap one (default 5)"],
    });
    expect(await slipway(['cap', '--pull-request', '1'], { PREVIEW_DOMAIN: 'dev.example.com\nurl=http://evil' })).toMatchObject({
      code: 1,
      out: [
        expect.stringMatching(/^summary=not set up: the repository variable PREVIEW_DOMAIN must be the DNS name previews are served under/),
      ],
    });
    expect(calls).toEqual([]);
  });

  it('says none when the label came off since the run started', async () => {
    stage([pull(1, { labels: [] })]);
    expect(await slipway(['cap', '--pull-request', '1', '--domain', 'dev.example.com'])).toMatchObject({
      code: 1,
      out: ['summary=none: the label preview was taken off since this run started'],
    });
  });
});

describe('slipway preview-label: input errors name the flag or variable and say what to give', () => {
  it.each<[string[], Record<string, string>, RegExp]>([
    [
      ['expire'],
      { PREVIEW_IDLE_DAYS: '2.5' },
      /the repository variable PREVIEW_IDLE_DAYS must be a whole number of days, not '2\.5': set PREVIEW_IDLE_DAYS to one/,
    ],
    [['expire', '--idle-days', 'x'], {}, /--idle-days must be a whole number of days, not 'x': give --idle-days one \(default 3\)/],
    [['expire', '--cap', '3'], {}, /--cap does not go with expire/],
    [['cap'], {}, /--pull-request is required with cap: the labelled pull request's number/],
    [['cap', '--pull-request', '#4'], {}, /--pull-request '#4' is not a pull request number/],
    [['cap', '--pull-request', '4', '--idle-days', '3'], {}, /--idle-days does not go with cap/],
    [['tidy'], {}, /<task> must be one of expire, cap, not 'tidy'/],
    [['expire'], { GH_TOKEN: '' }, /set GH_TOKEN \(or GITHUB_TOKEN\) to a token that may take labels off/],
  ])('%j', async (args, env, message) => {
    const result = await slipway(args, env);
    expect(result.code).toBe(2);
    expect(result.err.join('\n')).toMatch(message);
  });
});
