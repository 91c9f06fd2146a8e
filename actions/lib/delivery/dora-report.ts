/** The DORA report: the window a user asks for, and the table (Markdown, for a terminal and a job summary alike). */
import type { Duration, DoraWindow, EnvironmentMetrics } from './dora.ts';

const units: Record<string, number> = { h: 3600e3, d: 86400e3, w: 7 * 86400e3 };
const isoDate = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$/;

function instant(text: string, flag: string): Date {
  const time = isoDate.test(text) ? Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text) : Number.NaN;
  if (Number.isNaN(time)) throw new Error(`${flag} '${text}' is not a date: give 2025-01-31 or 2025-01-31T12:00:00Z`);
  return new Date(time);
}

/** `since`: a span back from `until` (90d, 12w, 48h) or a date; `until`: a date, now by default. */
export function doraWindow(since: string, until: string | undefined, now: Date): DoraWindow {
  const end = until === undefined || until === '' ? now : instant(until, '--until');
  const span = /^(\d{1,5})([hdw])$/.exec(since);
  const start = span ? new Date(end.getTime() - Number(span[1]) * (units[span[2] as string] as number)) : instant(since, '--since');
  if (!span && !isoDate.test(since)) throw new Error(`--since '${since}' is neither a span (90d, 12w, 48h) nor a date (2025-01-31)`);
  if (start.getTime() >= end.getTime())
    throw new Error(`--since ${start.toISOString()} is not before --until ${end.toISOString()}: give a window that starts before it ends`);
  return { since: start, until: end };
}

/** 3600 → "1h 0m", 93784 → "1d 2h 3m", 42 → "42s". */
export function formatSeconds(total: number): string {
  const rounded = Math.round(total);
  if (rounded < 60) return `${rounded}s`;
  const days = Math.floor(rounded / 86400);
  const hours = Math.floor((rounded % 86400) / 3600);
  const minutes = Math.floor((rounded % 3600) / 60);
  return days > 0 ? `${days}d ${hours}h ${minutes}m` : `${hours}h ${minutes}m`;
}

function durationCell(duration: Duration, which: 'median' | 'p90'): string {
  const value = duration[which];
  return value === undefined ? 'n/a' : formatSeconds(value);
}

function unknownCell(metrics: EnvironmentMetrics): string {
  const parts = [
    metrics.unrecordedCommits > 0 ? `${metrics.unrecordedCommits} commit(s) without trailers` : '',
    metrics.leadTime.unknown > 0 ? `${metrics.leadTime.unknown} source commit(s) without a time` : '',
    metrics.timeToRestore.unknown > 0 ? `${metrics.timeToRestore.unknown} rollback(s) of an unknown commit` : '',
  ].filter((part) => part !== '');
  return parts.length === 0 ? 'none' : parts.join('; ');
}

/** The report as Markdown: a heading line, the table, and how each figure is counted. */
export function formatDoraReport(window: DoraWindow, head: string, metrics: readonly EnvironmentMetrics[]): string {
  const days = (window.until.getTime() - window.since.getTime()) / 86400e3;
  const rows = metrics.map((entry) =>
    [
      entry.environment,
      `${entry.deployments} (${entry.deploymentsPerWeek.toFixed(2)}/week)`,
      `${durationCell(entry.leadTime, 'median')} / ${durationCell(entry.leadTime, 'p90')} (${entry.leadTime.measured})`,
      entry.changeFailureRate === undefined
        ? 'n/a'
        : `${(entry.changeFailureRate * 100).toFixed(1)}% (${entry.failedDeployments}/${entry.deployments})`,
      `${durationCell(entry.timeToRestore, 'median')} (${entry.timeToRestore.measured})`,
      unknownCell(entry),
    ].join(' | '),
  );
  return [
    `## Delivery metrics (DORA), ${window.since.toISOString()} to ${window.until.toISOString()} (${days.toFixed(1)} days), GitOps history at ${head.slice(0, 12)}`,
    '',
    '| environment | deployments | lead time median / p90 (samples) | change failure rate | time to restore median (rollbacks) | unknown |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
    'Deployments are promotion commits (rollbacks apart). Lead time runs from a source commit to the promotion that shipped it and stayed',
    '(not rolled back); change failure rate is promotions rolled back over promotions; time to restore runs from the undone promotion to',
    'its rollback. Percentiles are nearest-rank. Commits without trailers and source commits the repository lacks are unknown, not guessed.',
  ].join('\n');
}
