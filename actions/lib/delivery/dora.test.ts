import { describe, expect, it } from 'vitest';
import { commitSeconds } from '../git/git.ts';
import { environmentMetrics, nearestRank } from './dora.ts';
import { doraWindow, formatSeconds } from './dora-report.ts';

const sha = (digit: string): string => digit.repeat(40);
const promotion = (commit: string, at: string, source: string, rollsBack?: string) => ({
  commit,
  committedAt: at,
  record: { environment: 'prod', releaseId: 'r', createdAt: at, sourceCommit: source, images: [], ...(rollsBack ? { rollsBack } : {}) },
});

describe('the DORA core', () => {
  it('takes nearest-rank percentiles: the value at rank ceil(p/100 * n)', () => {
    expect(nearestRank([10, 20, 30, 40], 50)).toBe(20);
    expect(nearestRank([10, 20, 30, 40], 90)).toBe(40);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(nearestRank([], 50)).toBeUndefined();
  });

  it('counts a placeholder source commit and a source committed after its promotion as unknown', () => {
    const window = { since: new Date('2025-01-01T00:00:00Z'), until: new Date('2025-01-15T00:00:00Z') };
    const times = new Map([
      [sha('a'), '2025-01-02T00:00:00Z'],
      [sha('b'), '2025-01-09T00:00:00Z'],
    ]);
    const history = [
      promotion(sha('1'), '2025-01-03T00:00:00Z', sha('a')),
      promotion(sha('2'), '2025-01-04T00:00:00Z', '0000000'),
      promotion(sha('3'), '2025-01-05T00:00:00Z', sha('b')),
      promotion(sha('4'), '2025-01-06T00:00:00Z', sha('a'), sha('9')),
    ];
    const metrics = environmentMetrics('prod', history, times, window);
    expect(metrics).toMatchObject({ deployments: 3, deploymentsPerWeek: 1.5, rollbacks: 1, failedDeployments: 0, changeFailureRate: 0 });
    expect(metrics.leadTime).toEqual({ median: 86400, p90: 86400, measured: 1, unknown: 2 });
    expect(metrics.timeToRestore).toEqual({ measured: 0, unknown: 1 });
  });

  it('reads the window as a span back from its end or as dates', () => {
    const now = new Date('2025-04-01T00:00:00Z');
    expect(doraWindow('90d', undefined, now).since.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(doraWindow('2w', '2025-01-15', now).since.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(() => doraWindow('90 days', undefined, now)).toThrow(/is not a date/);
    expect(formatSeconds(93784)).toBe('1d 2h 3m');
    expect(formatSeconds(42)).toBe('42s');
  });

  it('commits at GIT_COMMITTER_DATE when set, and refuses a date it cannot read', () => {
    expect(commitSeconds(undefined, 1_700_000_000_999)).toBe(1_700_000_000);
    expect(commitSeconds('@1700000000')).toBe(1_700_000_000);
    expect(commitSeconds('2025-01-01T00:00:00Z')).toBe(1_735_689_600);
    expect(() => commitSeconds('yesterday')).toThrow(/GIT_COMMITTER_DATE 'yesterday' is neither/);
  });
});
