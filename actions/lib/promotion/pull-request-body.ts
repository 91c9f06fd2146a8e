/** The description of a promotion's pull request: the reviewer's evidence, the commit message body, the diff and the release manifest. */
import type { PromotionPlan } from './plan.ts';
import { formatReleaseManifest } from '../release/release-manifest.ts';
import type { ReleaseManifest } from '../release/release-manifest.ts';

/** GitHub refuses a pull request body over 65,536 characters; the parts are bounded well below it. */
const diffLimit = 30_000;
const evidenceLimit = 25_000;

const bounded = (text: string, limit: number, what: string): string =>
  text.length > limit ? `${text.slice(0, limit)}\n… (${what} truncated)` : text;

export function pullRequestBody(plan: PromotionPlan, release: ReleaseManifest, diff: string, evidence?: string): string {
  const summary = (plan.message ?? '').split('\n').slice(2).join('\n').trim();
  return [
    ...(evidence ? [bounded(evidence.trimEnd(), evidenceLimit, 'evidence'), ''] : []),
    summary,
    '',
    '### Diff',
    '```diff',
    bounded(diff, diffLimit, 'diff').trimEnd(),
    '```',
    '',
    '### Release manifest',
    '```json',
    formatReleaseManifest(release).trimEnd(),
    '```',
  ].join('\n');
}
