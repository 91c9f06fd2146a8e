/**
 * Gathers the reviewer's evidence (evidence.ts) for a promotion without landing it, in one process:
 * the promotion's dry run (the same plan the promote job will land) and prod's recorded history tell
 * which services change and from which release to which; each of those releases is found in the
 * Release run that built and verified it (lib/github/release-artifacts.ts, as `slipway release-run`),
 * whose manifest and verified-in-dev marker are read from the artifacts' archives in memory; each
 * proposed image's provenance is verified (lib/provenance, as `slipway verify-provenance`); the
 * GitHub API gives the source commits and their pull requests, and helm the rendered manifests.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { git } from '../../git/git.ts';
import { sourceChanges } from '../../github/source-changes.ts';
import { listingOnce } from '../../github/workflow-runs.ts';
import type { GitHubRepository } from '../../github/pull-request.ts';
import { describeReason } from '../../provenance/policy.ts';
import { provenanceVerifier } from '../../provenance/verify-image.ts';
import type { ProvenanceVerifierOptions, VerifyDigest } from '../../provenance/verify-image.ts';
import type { ReleaseService } from '../../release/release-manifest.ts';
import { verifiedMarkerRefusal } from '../../release/release-runs.ts';
import type { VerifiedMarker } from '../../release/release-runs.ts';
import { landPromotion } from '../../shell/land-promotion.ts';
import type { Landing } from '../../shell/land-promotion.ts';
import { ChartCache } from '../../validate/charts/chart-cache.ts';
import type { PlannedChange } from '../plan.ts';
import type { PromoteResult, PromotionSource } from '../promote.ts';
import { latestImages } from '../record.ts';
import { messageOf, trimDiff } from './evidence.ts';
import type { EvidenceReport, ManifestDiff, ProvenanceCheck, ServiceEvidence, Unavailable } from './evidence.ts';
import { lookUpReleases, manifestsOf } from './release-facts.ts';
import type { ReleaseFacts, ReleaseLookup } from './release-facts.ts';
import { renderedDiff } from './rendered-diff.ts';
import type { ChartCheckout, RenderTools } from './rendered-diff.ts';
import { vulnerabilityDelta } from './vulnerability-delta.ts';
import type { ImageScan } from './vulnerability-delta.ts';

export class EvidenceError extends Error {
  override name = 'EvidenceError';
}

/** The manifest entries of an image (by repository and digest), those with vulnerability IDs first. */
function entriesOf(releases: ReleaseFacts, repository: string, digest: string | undefined): ReleaseService[] {
  const entries = manifestsOf(releases).flatMap((manifest) =>
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
  const release = releases.get(change.releaseId);
  if (release === undefined || 'unavailable' in release)
    return { unavailable: release?.unavailable ?? `no verified-in-dev marker of release ${change.releaseId} was found` };
  if ('refused' in release.marker) return { unavailable: release.marker.refused };
  const refusal = verifiedMarkerRefusal(change.releaseId, release.marker.marker);
  if (refusal) return { unavailable: refusal };
  const { soakSeconds, slo } = release.marker.marker as VerifiedMarker;
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
    return { unavailable: `GitHub compare of ${github.owner}/${github.repo} failed: ${messageOf(error)}` };
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

/** Verifies the proposed digest's signed provenance; what cannot be checked is unverified, with why — never verified. */
async function provenanceOf(verify: VerifyDigest | Unavailable, digest: string): Promise<ProvenanceCheck> {
  if ('unavailable' in verify) return { unverified: verify.unavailable };
  try {
    const result = await verify(digest);
    if (result.ok) return { verified: result };
    return { refused: `${describeReason(result.reason)} — ${result.detail}` };
  } catch (error) {
    return { unverified: messageOf(error) };
  }
}

export interface EvidenceFacts {
  /** The promotion's dry run (promote with dryRun). */
  result: PromoteResult;
  releases: ReleaseFacts;
  /** Where the source commits are compared; unavailable (with why) without a token. */
  github: GitHubRepository | Unavailable;
  /** Verifies an image digest's provenance; unavailable (with why) when it cannot be set up here. */
  verify: VerifyDigest | Unavailable;
  tools: RenderTools;
  /** What the proposed images come from, for the heading. */
  source: string;
  /** Rendered diff lines shown per service (default manifestDiffLines). */
  diffLines?: number;
}

/** The release each changed service runs now, by the environment's recorded history (as `slipway diff` reads it). */
function runningReleases(result: PromoteResult): Map<string, { releaseId: string; sourceCommit: string }> {
  const recorded = latestImages(result.current?.history ?? []);
  const running = new Map<string, { releaseId: string; sourceCommit: string }>();
  for (const change of result.plan.changes) {
    const record = recorded.get(change.service);
    if (record && record.image.digest === change.from?.digest) running.set(change.service, record);
  }
  return running;
}

/** The evidence of each service the dry run would change. */
async function gatherEvidence(facts: EvidenceFacts): Promise<EvidenceReport> {
  const { result, releases } = facts;
  const running = runningReleases(result);
  const services: ServiceEvidence[] = [];
  for (const change of result.plan.changes) {
    const runs = running.get(change.service);
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
      provenance: {
        check: await provenanceOf(facts.verify, change.image.digest),
        attestations: proposedEntry?.attestations ?? [],
        sourceCommit: change.sourceCommit,
      },
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

/** What the proposed images come from: a promotion source, or a release by id (its manifest read from its Release run). */
export type EvidenceSource = PromotionSource | { kind: 'release-id'; releaseId: string; services?: string[] };

export interface CollectOptions {
  landing: Landing;
  source: EvidenceSource;
  /** Where the source commits are compared; unavailable (with why) without a token. */
  github: GitHubRepository | Unavailable;
  /** Where the releases' runs and artifacts are read; unavailable: every release is unknown, with why. */
  releases: ReleaseLookup | Unavailable;
  /** How provenance is verified (policy, trusted root, attestations API); unavailable: every image is unverified, with why. */
  provenance: ProvenanceVerifierOptions | Unavailable;
  helm: string;
  /**
   * Checkouts Git-sourced charts may be read from; one without its repository's address is known by
   * its `origin` remote. A separate GitOps repository given as a local checkout is added to them.
   */
  chartCheckouts: (Omit<ChartCheckout, 'repository'> & { repository?: string })[];
  chartTimeoutMs?: number;
  diffLines?: number;
}

/** The manifest of the release asked for by id, from its Release run; an EvidenceError says why there is none. */
async function releaseSource(
  source: Extract<EvidenceSource, { kind: 'release-id' }>,
  releases: ReleaseFacts,
): Promise<Extract<PromotionSource, { kind: 'release' }>> {
  const found = releases.get(source.releaseId) ?? { unavailable: 'it was not looked up' };
  const manifest = 'unavailable' in found ? found : found.manifest;
  if (!('manifest' in manifest)) {
    const why = 'unavailable' in manifest ? manifest.unavailable : manifest.refused;
    throw new EvidenceError(`release ${source.releaseId}: its manifest cannot be read, so there is no evidence to show (${why})`);
  }
  return { kind: 'release', manifest: manifest.manifest, ...(source.services ? { services: source.services } : {}) };
}

function sourceName(source: PromotionSource): string {
  if (source.kind === 'release') return `release ${source.manifest.id}`;
  return source.kind === 'environment' ? source.from : source.kind;
}

/** The checkouts with their repositories' addresses (a checkout whose `origin` cannot be read is left out). */
async function chartCheckoutsOf(options: CollectOptions): Promise<ChartCheckout[]> {
  const gitops = options.landing.target.repository;
  // A separate GitOps repository given as a checkout on this machine (the plan job's .gitops), not as owner/name or a URL.
  const isFolder =
    gitops && isAbsolute(gitops)
      ? await stat(gitops).then(
          (found) => found.isDirectory(),
          () => false,
        )
      : false;
  const local: CollectOptions['chartCheckouts'] = gitops && isFolder ? [{ checkout: gitops }] : [];
  const known: ChartCheckout[] = [];
  for (const entry of [...options.chartCheckouts, ...local]) {
    const repository =
      entry.repository ??
      (await git(['remote', 'get-url', 'origin'], { cwd: entry.checkout }).then(
        (url) => url.trim(),
        () => '',
      ));
    if (repository) known.push({ checkout: entry.checkout, repository });
  }
  return known;
}

/** Dry-runs the promotion and gathers its evidence; nothing is written anywhere but scratch folders, removed after. */
export async function collectEvidence(options: CollectOptions): Promise<EvidenceReport> {
  const lookup = 'unavailable' in options.releases ? options.releases : { ...options.releases, api: listingOnce(options.releases.api) };
  const asked = options.source.kind === 'release-id' ? [options.source.releaseId] : [];
  const releases = await lookUpReleases(lookup, asked);
  const source = options.source.kind === 'release-id' ? await releaseSource(options.source, releases) : options.source;
  const result = await landPromotion(options.landing, { source, dryRun: true });
  const involved = [
    ...result.plan.changes.map((change) => change.releaseId),
    ...[...runningReleases(result).values()].map((run) => run.releaseId),
  ];
  const more = await lookUpReleases(
    lookup,
    involved.filter((id) => !releases.has(id)),
  );
  for (const [id, facts] of more) releases.set(id, facts);
  // The trusted root is loaded (through TUF unless a file is given) only when there are images to verify.
  const verify: VerifyDigest | Unavailable =
    result.plan.changes.length === 0 || 'unavailable' in options.provenance
      ? { unavailable: 'unavailable' in options.provenance ? options.provenance.unavailable : 'nothing to verify' }
      : await provenanceVerifier(options.provenance).then(
          (verifier) => verifier.verify,
          (error: unknown) => ({ unavailable: messageOf(error) }),
        );
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-evidence-'));
  const charts = await ChartCache.create(options.helm, options.chartTimeoutMs ?? 120_000);
  try {
    const tools = { helm: options.helm, charts, chartCheckouts: await chartCheckoutsOf(options), scratch };
    const shown = options.diffLines === undefined ? {} : { diffLines: options.diffLines };
    return await gatherEvidence({ result, releases, github: options.github, verify, tools, source: sourceName(source), ...shown });
  } finally {
    await charts.close();
    await rm(scratch, { recursive: true, force: true });
  }
}
