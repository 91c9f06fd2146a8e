/**
 * The hourly preview housekeeping (.github/workflows/previews.yml), replayed: its step runs
 * `npx slipway preview-label expire` (this repository's CLI) against the GitHub API stand-in
 * (actions/test-support/github-pulls-api.ts: list pull requests with Link-header pages, get a commit,
 * list issue events, remove a label, comment), whose answered requests the stage logs in order.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { StandInPullRequest } from '../../actions/test-support/github-pulls-api.ts';
import { applicationStage, context, previewPullRequest, repository, root, withGitHubApi } from './replay-stage.ts';
import { StepFailed, replayJob } from './workflow-replay.ts';

const previews = join(root, '.github', 'workflows', 'previews.yml');
withGitHubApi();

const hours = (count: number): string => new Date(Date.now() - count * 3_600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const days = (count: number): string => hours(count * 24);

/** An open pull request of this repository labelled preview, pushed an hour ago. */
const pull = (number: number, overrides: Partial<StandInPullRequest> = {}): StandInPullRequest =>
  previewPullRequest(number, number.toString(16).padStart(40, 'a'), hours(1), overrides);

function housekeeping(pulls: StandInPullRequest[], vars: Record<string, string> = {}) {
  const stage = applicationStage(pulls);
  const replay = replayJob(root, previews, 'expire', context({ event_name: 'schedule', vars }), stage.harness());
  const step = replay.steps.find((candidate) => candidate.label.startsWith('Take the label off'));
  return { stage, summary: step?.summary ?? '', calls: stage.apiCalls() };
}

describe('preview housekeeping, replayed against the GitHub API stand-in', () => {
  it('takes the label off a fork’s pull request and an idle one, with a comment why; keeps a fresh one; leaves unlabelled ones alone', () => {
    const { stage, summary, calls } = housekeeping([
      pull(11, { headRepository: 'mallory/slipway' }),
      pull(12, { committedAt: days(5) }),
      pull(13, { committedAt: days(1) }),
      pull(14, { labels: ['bug'], committedAt: days(30) }),
    ]);
    expect(stage.pullRequest(11)?.labels).toEqual([]);
    expect(stage.pullRequest(11)?.comments).toEqual([
      expect.stringMatching(/^No preview environment: this pull request comes from a fork/),
    ]);
    expect(stage.pullRequest(12)?.labels).toEqual([]);
    expect(stage.pullRequest(12)?.comments).toEqual([
      expect.stringContaining('no push and no new label for 5 days (the idle timeout is 3 days, PREVIEW_IDLE_DAYS)'),
    ]);
    expect(stage.pullRequest(13)).toMatchObject({ labels: ['preview'], comments: [] });
    expect(stage.pullRequest(14)).toMatchObject({ labels: ['bug'], comments: [] });
    // A fork's head commit is not looked up, nor is anything of an unlabelled pull request.
    expect(calls.filter((call) => call.includes('/commits/'))).toEqual([
      `GET /repos/${repository}/commits/${pull(13).headSha}`,
      `GET /repos/${repository}/commits/${pull(12).headSha}`,
    ]);
    expect(calls.filter((call) => /\/issues\/\d+\/events/.test(call))).toEqual([
      `GET /repos/${repository}/issues/13/events?per_page=100`,
      `GET /repos/${repository}/issues/12/events?per_page=100`,
    ]);
    expect(summary).toContain('### Preview housekeeping (idle timeout 3 days)');
    expect(summary).toMatch(/^- #11: label taken off: this pull request comes from a fork/m);
    expect(summary).toMatch(/^- #12: label taken off: no push and no new label for 5 days/m);
    expect(summary).toMatch(/^- #13: kept/m);
    expect(summary).not.toContain('#14');
  });

  it('follows the pages of the pull request list (Link rel="next")', () => {
    // 150 open pull requests, newest first as GitHub lists them: the idle and the fork one are on page 2.
    const many = Array.from({ length: 150 }, (_, index) => pull(index + 1, { labels: [] }));
    many[2] = pull(3, { committedAt: days(4) });
    many[6] = pull(7, { headRepository: null });
    const { stage, calls } = housekeeping(many);
    expect(calls.filter((call) => call.startsWith(`GET /repos/${repository}/pulls?`))).toEqual([
      `GET /repos/${repository}/pulls?state=open&per_page=100`,
      `GET /repos/${repository}/pulls?state=open&per_page=100&page=2`,
    ]);
    expect(stage.pullRequest(3)?.labels).toEqual([]);
    // A deleted fork's pull request (head.repo null) counts as a fork's.
    expect(stage.pullRequest(7)?.comments).toEqual([expect.stringContaining('comes from a fork')]);
    expect(many.filter((candidate) => stage.pullRequest(candidate.number)?.comments.length)).toHaveLength(2);
  });

  it('counts the idle time from the later of the last push and the label’s last adding, with PREVIEW_IDLE_DAYS', () => {
    const { stage, summary } = housekeeping(
      [
        // Idle by its commit, but labelled again an hour ago (the comment says that brings it back).
        pull(21, {
          committedAt: days(9),
          events: [
            { event: 'labeled', label: 'preview', at: days(8) },
            { event: 'unlabeled', label: 'preview', at: days(2) },
            { event: 'labeled', label: 'preview', at: hours(1) },
          ],
        }),
        // Another label added lately does not count.
        pull(22, { committedAt: days(9), events: [{ event: 'labeled', label: 'bug', at: hours(1) }] }),
        // Just under and just over 7 days.
        pull(23, { committedAt: hours(7 * 24 - 1) }),
        pull(24, { committedAt: hours(7 * 24 + 1) }),
      ],
      { PREVIEW_IDLE_DAYS: '7' },
    );
    expect(stage.pullRequest(21)?.labels).toEqual(['preview']);
    expect(stage.pullRequest(22)?.labels).toEqual([]);
    expect(stage.pullRequest(23)?.labels).toEqual(['preview']);
    expect(stage.pullRequest(24)?.labels).toEqual([]);
    expect(summary).toMatch(/^- #24: label taken off: no push and no new label for 7 days \(the idle timeout is 7 days/m);
  });

  it('takes a label that vanished between the list and the removal (404 "Label does not exist") as off already: the run goes on, with no comment', () => {
    const { stage, summary, calls } = housekeeping([
      // Listed with the label, taken off by someone before the housekeeping removes it.
      pull(51, { committedAt: days(6), labels: [], listedLabels: ['preview'] }),
      pull(52, { headRepository: 'mallory/slipway', labels: [], listedLabels: ['preview'] }),
      pull(53, { committedAt: days(6) }),
    ]);
    expect(calls.filter((call) => call.startsWith('DELETE '))).toEqual(
      [53, 52, 51].map((number) => `DELETE /repos/${repository}/issues/${number}/labels/preview`),
    );
    for (const gone of [51, 52]) {
      expect(stage.pullRequest(gone)?.comments, `#${gone}`).toEqual([]);
      expect(summary).toMatch(
        new RegExp(`^- #${gone}: the label was off already \\(taken off since the list was read\\); no comment$`, 'm'),
      );
    }
    expect(stage.pullRequest(53)).toMatchObject({ labels: [], comments: [expect.stringContaining('no push and no new label for 6 days')] });
    expect(summary).toMatch(/^- #53: label taken off: no push and no new label for 6 days/m);
  });

  it('is not confused by a title or branch name with tabs, quotes or shell syntax', () => {
    const odd = { title: 'Fix "cart"\t$(touch pwned)\nsecond line', branch: 'fix/`id`;\t$HOME' };
    const { stage, summary } = housekeeping([pull(31, { ...odd, committedAt: days(6) }), pull(32, { ...odd })]);
    expect(stage.pullRequest(31)?.labels).toEqual([]);
    expect(stage.pullRequest(32)?.labels).toEqual(['preview']);
    expect(summary).not.toContain('pwned');
  });

  it('says so when no pull request is labelled, and refuses a PREVIEW_IDLE_DAYS that is not a number of days', () => {
    expect(housekeeping([pull(41, { labels: [] })]).summary).toContain('No open pull request is labelled preview.');
    let failure: unknown;
    try {
      housekeeping([pull(42, { committedAt: days(10) })], { PREVIEW_IDLE_DAYS: '3d' });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(StepFailed);
    expect((failure as StepFailed).step.stdout).toContain("PREVIEW_IDLE_DAYS must be a whole number of days, not '3d'");
  });
});
