/**
 * Gathers the reviewer's evidence (evidence.ts) for a promotion without landing it: the promotion's
 * dry run (the same plan the promote job will land), prod's recorded history, the release manifests
 * and verified-in-dev markers given as files (as `gh run download` lays out the Release run's
 * artifacts), the GitHub API for source commits and their pull requests, and helm for the rendered
 * manifests.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceChanges } from '../../github/source-changes.ts';
import type { GitHubRepository } from '../../github/pull-request.ts';
import { parseReleaseManifest } from '../../release/release-manifest.ts';
import type { ReleaseManifest, ReleaseService } from '../../release/release-manifest.ts';
import { verifiedMarkerRefusal } from '../../release/release-runs.ts';
import type { VerifiedMarker } from '../../release/release-runs.ts';
import { landPromotion } from '../../shell/land-promotion.ts';
import type { Landing } from '../../shell/land-promotion.ts';
import { ChartCache } from '../../validate/charts/chart-cache.ts';
import type { PlannedChange } from '../plan.ts';
import type { PromoteResult, PromotionSource } from '../promote.ts';
import { latestImages } from '../record.ts';
import { trimDiff } from './evidence.ts';
import type { EvidenceReport, ManifestDiff, ServiceEvidence, Unavailable } from './evidence.ts';
import { renderedDiff } from './rendered-diff.ts';
import type { RenderTools } from './rendered-diff.ts';
import { vulnerabilityDelta } from './vulnerability-delta.ts';
import type { ImageScan } from './vulnerability-delta.ts';

/** The release manifests and verified-in-dev markers the evidence may draw on. */
export interface ReleaseFacts {
  manifests: ReleaseManifest[];
  /** Release id → the marker's JSON (release-verified-dev-<id>/verified.json). */
  markers: Map<string, unknown>;
}

export class EvidenceError extends Error {
  override name = 'EvidenceError';
}

/** Every `release-manifest.json` and `verified.json` under `folder` (any depth); a bad file is an error naming it. */
export async function loadReleases(folder: string | undefined): Promise<ReleaseFacts> {
  const facts: ReleaseFacts = { manifests: [], markers: new Map() };
  if (!folder) return facts;
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
    throw new EvidenceError(
      `${folder}: cannot read the releases folder (${(error as Error).message}); give the folder the release artifacts were downloaded to`,
    );
  });
  for (const entry of entries.filter((candidate) => candidate.isFile()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = join(entry.parentPath, entry.name);
    if (entry.name === 'release-manifest.json') facts.manifests.push(parseReleaseManifest(await readFile(file, 'utf8'), file));
    if (entry.name !== 'verified.json') continue;
    let marker: unknown;
    try {
      marker = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new EvidenceError(
        `${file} is not valid JSON (${(error as Error).message}): give the verified.json of a release-verified-dev artifact`,
      );
    }
    const releaseId = (marker as { releaseId?: unknown } | null)?.releaseId;
    if (typeof releaseId !== 'string') throw new EvidenceError(`${file} names no releaseId: it is not a verified-in-dev marker`);
    facts.markers.set(releaseId, marker);
  }
  return facts;
}

/** The manifest entries of an image (by repository and digest), those with vulnerability IDs first. */
function entriesOf(releases: ReleaseFacts, repository: string, digest: string | undefined): ReleaseService[] {
  const entries = releases.manifests.flatMap((manifest) =>
    Object.values(manifest.services).filter((entry) => entry.image.repository === repository && entry.image.digest === digest),
  );
  return entries.sort((a, b) => Number(b.scan?.vulnerabilities !== undefined) - Number(a.scan?.vulnerabilities !== undefined));
}

function scanOf(entries: ReleaseService[]): ImageScan {
  const [entry] = entries;
  if (!entry) return { missing: 'no release manifest of this image was found' };
  return entry.scan ? { summary: entry.scan } : { missing: 'its release manifest records no scan' };
}

function devVerification(releases: ReleaseFacts, change: PlannedChange): ServiceEvidence['devVerification'] {
  const marker = releases.markers.get(change.releaseId);
  if (marker === undefined) return { unavailable: `no verified-in-dev marker of release ${change.releaseId} was found` };
  const refusal = verifiedMarkerRefusal(change.releaseId, marker);
  if (refusal) return { unavailable: refusal };
  const { soakSeconds, slo } = marker as VerifiedMarker;
  const own = slo.filter((entry) => entry.service === change.service);
  return { soakSeconds, slo: own.length > 0 ? own : slo };
}

async function sources(github: GitHubRepository | Unavailable, from: string | undefined, to: string): Promise<ServiceEvidence['sources']> {
  if ('unavailable' in github) return github;
  const unknown = (commit: string | undefined): boolean => commit === undefined || /^0+$/.test(commit);
  if (unknown(from) || unknown(to)) return { unavailable: 'the source commit of one side is not recorded' };
  try {
    return await sourceChanges(github, from as string, to);
  } catch (error) {
    return { unavailable: `GitHub compare of ${github.owner}/${github.repo} failed: ${(error as Error).message}` };
  }
}

async function manifestDiff(result: PromoteResult, change: PlannedChange, tools: RenderTools, limit?: number): Promise<ManifestDiff> {
  const diffs: string[] = [];
  for (const file of change.files) {
    const after = result.plan.files.get(file);
    if (after === undefined) continue;
    const rendered = await renderedDiff(file, result.current?.files.get(file), after, tools);
    if ('unavailable' in rendered) return rendered;
    diffs.push(rendered.diff);
  }
  return trimDiff(diffs.join(''), limit);
}

export interface EvidenceFacts {
  /** The promotion's dry run (promote with dryRun). */
  result: PromoteResult;
  releases: ReleaseFacts;
  /** Where the source commits are compared; unavailable (with why) without a token. */
  github: GitHubRepository | Unavailable;
  tools: RenderTools;
  /** What the proposed images come from, for the heading. */
  source: string;
  /** Rendered diff lines shown per service (default manifestDiffLines). */
  diffLines?: number;
}

/** The evidence of each service the dry run would change. */
export async function gatherEvidence(facts: EvidenceFacts): Promise<EvidenceReport> {
  const { result, releases } = facts;
  const recorded = latestImages(result.current?.history ?? []);
  const services: ServiceEvidence[] = [];
  for (const change of result.plan.changes) {
    const record = recorded.get(change.service);
    const runs = record && record.image.digest === change.from?.digest ? record : undefined;
    const current = change.from && {
      ...(change.from.tag ? { tag: change.from.tag } : {}),
      ...(change.from.digest ? { digest: change.from.digest } : {}),
      ...(runs ? { releaseId: runs.releaseId, sourceCommit: runs.sourceCommit } : {}),
    };
    const proposedEntries = entriesOf(releases, change.image.repository, change.image.digest);
    const [proposedEntry] = proposedEntries;
    services.push({
      service: change.service,
      ...(current ? { current } : {}),
      proposed: { tag: change.image.tag, digest: change.image.digest, releaseId: change.releaseId, sourceCommit: change.sourceCommit },
      sources: await sources(facts.github, runs?.sourceCommit, change.sourceCommit),
      manifestDiff: await manifestDiff(result, change, facts.tools, facts.diffLines),
      vulnerabilities: vulnerabilityDelta(
        change.from ? scanOf(entriesOf(releases, change.image.repository, change.from.digest)) : undefined,
        scanOf(proposedEntries),
      ),
      devVerification: devVerification(releases, change),
      provenance: proposedEntry
        ? { attestations: proposedEntry.attestations ?? [] }
        : { unavailable: 'no release manifest of this image was found' },
    });
  }
  return {
    environment: result.environment,
    source: facts.source,
    services,
    unchanged: result.plan.unchanged,
    skipped: result.plan.skipped,
  };
}

export interface CollectOptions {
  landing: Landing;
  source: PromotionSource;
  /** Folder of release manifests and verified-in-dev markers; none: those parts are unknown. */
  releasesFolder?: string;
  github: GitHubRepository | Unavailable;
  helm: string;
  chartCheckout: string;
  chartTimeoutMs?: number;
  diffLines?: number;
}

/** Dry-runs the promotion and gathers its evidence; nothing is written anywhere but scratch folders, removed after. */
export async function collectEvidence(options: CollectOptions): Promise<EvidenceReport> {
  const releases = await loadReleases(options.releasesFolder);
  const result = await landPromotion(options.landing, { source: options.source, dryRun: true });
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-evidence-'));
  const charts = await ChartCache.create(options.helm, options.chartTimeoutMs ?? 120_000);
  try {
    const tools = { helm: options.helm, charts, chartCheckout: options.chartCheckout, scratch };
    const source =
      options.source.kind === 'release'
        ? `release ${options.source.manifest.id}`
        : options.source.kind === 'environment'
          ? options.source.from
          : options.source.kind;
    const shown = options.diffLines === undefined ? {} : { diffLines: options.diffLines };
    return await gatherEvidence({ result, releases, github: options.github, tools, source, ...shown });
  } finally {
    await charts.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
