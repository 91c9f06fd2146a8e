/**
 * The releases the reviewer's evidence draws on (gather.ts): each looked up in the Release run that
 * built and verified it (lib/github/release-artifacts.ts, as `slipway release-run`), its manifest and
 * verified-in-dev marker read, or why no run holds it.
 */
import { releaseArtifacts } from '../../github/release-artifacts.ts';
import type { ReleaseArtifacts } from '../../github/release-artifacts.ts';
import type { ActionsRuns } from '../../github/workflow-runs.ts';
import type { ReleaseManifest } from '../../release/release-manifest.ts';
import type { TrustedRuns } from '../../release/release-runs.ts';
import { messageOf } from './evidence.ts';
import type { Unavailable } from './evidence.ts';

/** What is known of each release involved, by id: what its Release run holds, or why no run holds it. */
export type ReleaseFacts = Map<string, ReleaseArtifacts | Unavailable>;

/** Where releases are found: the Actions API of the repository and the runs it trusts. */
export interface ReleaseLookup {
  api: ActionsRuns;
  trusted: TrustedRuns;
}

/** Looks up each release; one no run holds is unknown, with why. */
export async function lookUpReleases(lookup: ReleaseLookup | Unavailable, releaseIds: Iterable<string>): Promise<ReleaseFacts> {
  const facts: ReleaseFacts = new Map();
  for (const id of [...new Set(releaseIds)].sort()) {
    if ('unavailable' in lookup) facts.set(id, lookup);
    else
      facts.set(id, await releaseArtifacts(lookup.api, id, lookup.trusted).catch((error: unknown) => ({ unavailable: messageOf(error) })));
  }
  return facts;
}

export function manifestsOf(releases: ReleaseFacts): ReleaseManifest[] {
  return [...releases.values()].flatMap((release) =>
    'manifest' in release && 'manifest' in release.manifest ? [release.manifest.manifest] : [],
  );
}
