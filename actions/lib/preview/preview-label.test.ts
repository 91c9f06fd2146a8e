import { describe, expect, it } from 'vitest';
import {
  capDecision,
  forkDecision,
  forkReason,
  housekeepingComment,
  housekeepingSummary,
  idleDecision,
  labelledPulls,
  lastLabelled,
  previewUrl,
  rankPreviews,
  refusedText,
} from './preview-label.ts';
import type { ListedPull } from './preview-label.ts';

const base = 'example/slipway';
const listed = (number: number, overrides: Partial<ListedPull> = {}): ListedPull => ({
  number,
  labels: ['preview'],
  headRepository: base,
  baseRepository: base,
  headSha: String(number).repeat(40).slice(0, 40),
  ...overrides,
});

describe('which open pull requests are labelled, and from where', () => {
  it('keeps the listed order; a fork and a deleted fork (head repository null) are not this repository', () => {
    const pulls = [
      listed(9),
      listed(8, { labels: ['bug'] }),
      listed(7, { headRepository: 'mallory/slipway' }),
      listed(6, { headRepository: null }),
      listed(5, { labels: ['bug', 'preview'] }),
      listed(4, { labels: ['previews'] }),
    ];
    expect(labelledPulls(pulls).map(({ number, sameRepository }) => [number, sameRepository])).toEqual([
      [9, true],
      [7, false],
      [6, false],
      [5, true],
    ]);
  });
});

describe('when the label was last added', () => {
  it('is the latest labeled event of the label preview, whatever the order; other labels and unlabeled events do not count', () => {
    expect(
      lastLabelled([
        { event: 'labeled', label: 'preview', createdAt: '2026-11-28T10:00:00Z' },
        { event: 'labeled', label: 'preview', createdAt: '2026-11-27T08:00:00Z' },
        { event: 'unlabeled', label: 'preview', createdAt: '2026-11-28T11:00:00Z' },
        { event: 'labeled', label: 'bug', createdAt: '2026-11-28T12:00:00Z' },
        { event: 'renamed', createdAt: '2026-11-28T13:00:00Z' },
      ]),
    ).toBe('2026-11-28T10:00:00Z');
  });

  it('is undefined when the label was never added', () => {
    expect(lastLabelled([{ event: 'labeled', label: 'bug', createdAt: '2026-11-28T12:00:00Z' }])).toBeUndefined();
  });

  it('refuses a created_at that is not a time, rather than guess', () => {
    expect(() => lastLabelled([{ event: 'labeled', label: 'preview', createdAt: 'yesterday' }])).toThrow(
      /'yesterday' is not an ISO 8601 time/,
    );
  });
});

describe('housekeeping: the idle clock', () => {
  const now = new Date('2026-11-29T12:00:00Z');

  it('counts whole days from the later of the last push and the label’s last adding', () => {
    expect(idleDecision({ pushedAt: '2026-11-20T12:00:00Z', labelledAt: '2026-11-29T11:00:00Z' }, now, 3)).toEqual({
      keep: true,
      since: '2026-11-29T11:00:00Z',
    });
    expect(idleDecision({ pushedAt: '2026-11-28T12:00:00Z', labelledAt: '2026-11-20T12:00:00Z' }, now, 3)).toEqual({
      keep: true,
      since: '2026-11-28T12:00:00Z',
    });
    // Compared as times, not as text: a committer date with an offset is the same instant.
    expect(idleDecision({ pushedAt: '2026-11-29T08:00:00-05:00', labelledAt: '2026-11-29T12:30:00Z' }, now, 3)).toMatchObject({
      since: '2026-11-29T08:00:00-05:00',
    });
  });

  it('keeps one just under the timeout and takes the label off one at it, rounding down', () => {
    expect(idleDecision({ pushedAt: '2026-11-22T12:00:01Z', labelledAt: undefined }, now, 7)).toMatchObject({ keep: true });
    expect(idleDecision({ pushedAt: '2026-11-22T12:00:00Z', labelledAt: undefined }, now, 7)).toEqual({
      keep: false,
      reason:
        'no push and no new label for 7 days (the idle timeout is 7 days, PREVIEW_IDLE_DAYS). Push to the branch or add the label again to bring it back.',
    });
    expect(idleDecision({ pushedAt: '2026-11-10T00:00:00Z', labelledAt: undefined }, now, 3)).toMatchObject({
      reason: expect.stringMatching(/^no push and no new label for 19 days/),
    });
  });

  it('takes the label off everything with a timeout of 0 days, and keeps nothing from the future idle', () => {
    expect(idleDecision({ pushedAt: '2026-11-29T12:00:00Z', labelledAt: undefined }, now, 0)).toMatchObject({ keep: false });
    expect(idleDecision({ pushedAt: '2026-11-30T12:00:00Z', labelledAt: undefined }, now, 1)).toMatchObject({ keep: true });
  });

  it('keeps one when neither time is known, and the summary says why (never guessed idle, never stopping the run)', () => {
    expect(idleDecision({ pushedAt: undefined, labelledAt: undefined }, now, 3)).toEqual({ keep: true, since: undefined });
    expect(housekeepingSummary.kept(7, undefined)).toBe(
      "- #7: kept (neither the head commit's committer date nor a labeled event is known: cannot tell how long it is idle)",
    );
    expect(housekeepingSummary.kept(7, '2026-11-29T12:00:00Z')).toBe('- #7: kept (last push or label 2026-11-29T12:00:00Z)');
  });

  it('gives a fork’s pull request the fork reason, and comments with the reason', () => {
    expect(forkDecision()).toEqual({ keep: false, reason: forkReason });
    expect(forkReason).toMatch(/^this pull request comes from a fork, .* A maintainer can push the branch here to get one\.$/);
    expect(housekeepingComment('why')).toBe('No preview environment: why');
  });
});

describe('the cap on concurrent previews', () => {
  it('ranks by the label’s last adding, one never labelled first, ties by number', () => {
    expect(
      rankPreviews([
        { number: 9, labelledAt: '2026-11-28T09:00:00Z' },
        { number: 12, labelledAt: '2026-11-28T10:00:00Z' },
        { number: 3, labelledAt: '2026-11-28T10:00:00Z' },
        { number: 8, labelledAt: undefined },
        { number: 5, labelledAt: '2026-11-28T08:59:59Z' },
      ]),
    ).toEqual([8, 5, 9, 3, 12]);
  });

  it('lets the first `cap` through, refuses a later one naming those before it, and tells a label gone meanwhile', () => {
    const ranked = [9, 8, 5];
    expect(capDecision(ranked, 9, 2)).toEqual({ kind: 'within' });
    expect(capDecision(ranked, 8, 2)).toEqual({ kind: 'within' });
    expect(capDecision(ranked, 5, 2)).toEqual({ kind: 'over', running: [9, 8] });
    expect(capDecision(ranked, 4, 2)).toEqual({ kind: 'gone' });
    expect(capDecision(ranked, 9, 0)).toEqual({ kind: 'over', running: [] });
  });

  it('says why a pull request is refused, and whether this run took the label off', () => {
    expect(refusedText(2, [9, 8], true)).toBe(
      'refused: 2 previews are running already (the cap, PREVIEW_CAP; labelled before this one: #9 #8); the label was taken off, add it again when one closes',
    );
    expect(refusedText(2, [9, 8], false)).toContain('; the label was off already, add it again when one closes');
    expect(refusedText(0, [], true)).toContain('labelled before this one: none');
  });

  it('serves the preview at pr-<number>.<domain>', () => {
    expect(previewUrl(42, 'dev.shop.example.com')).toBe('http://pr-42.dev.shop.example.com');
  });
});
