/**
 * What a Release run's artifacts say of a release, read through the Actions API (workflow-runs.ts)
 * from their archives in memory (artifact-files.ts): its manifest and its verified-in-dev marker,
 * and whether prod may take the releases an environment runs. Each reader lists the run's artifacts
 * itself: callers pass the API through listingOnce (workflow-runs.ts), so a run is listed once.
 */
import { artifactFile, ArtifactFileError } from './artifact-files.ts';
import { findReleaseRun } from './workflow-runs.ts';
import type { ActionsRuns } from './workflow-runs.ts';
import { parseReleaseManifest } from '../release/release-manifest.ts';
import type { ReleaseManifest } from '../release/release-manifest.ts';
import {
  expiredMarker,
  imagesOfReleaseRefusal,
  manifestArtifact,
  markerOfRun,
  ReleaseRunError,
  releasesRunning,
  verifiedMarkerRefusal,
  verifyAgain,
} from '../release/release-runs.ts';
import type { ArtifactFacts, RunningImage, TrustedRuns } from '../release/release-runs.ts';

/**
 * `file` of run `runId`'s artifact of that name (its archive read in memory), parsed by `parse` (given
 * the text and `<artifact>/<file>` to name it by), or why it cannot be read: an archive error or a
 * parse error is refused with its message.
 */
async function readArtifactFile<T>(
  api: ActionsRuns,
  artifact: ArtifactFacts & { id: number },
  file: string,
  parse: (text: string, label: string) => T,
  maxBytes?: number,
): Promise<{ value: T } | { refused: string } | { expired: true }> {
  const archive = await api.artifactZip(artifact.id);
  if (archive === 'expired') return { expired: true };
  let text: string;
  try {
    text = artifactFile(archive, file, artifact.name, maxBytes);
  } catch (error) {
    if (error instanceof ArtifactFileError) return { refused: error.message };
    throw error;
  }
  try {
    return { value: parse(text, `${artifact.name}/${file}`) };
  } catch (error) {
    return { refused: (error as Error).message };
  }
}

/** A marker's JSON, not yet judged (verifiedMarkerRefusal does that). */
function parseMarkerJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${label} is not JSON (${(error as Error).message})`, { cause: error });
  }
}

/**
 * The verified-in-dev marker run `runId` uploaded for `releaseId`, parsed from its archive (not yet
 * judged: verifiedMarkerRefusal does that), or why there is none to read.
 */
async function readVerifiedMarker(api: ActionsRuns, releaseId: string, runId: number): Promise<{ marker: unknown } | { refused: string }> {
  const found = markerOfRun(releaseId, runId, await api.runArtifacts(runId));
  if ('refused' in found) return found;
  const read = await readArtifactFile(api, found.artifact, 'verified.json', parseMarkerJson);
  if ('expired' in read) return { refused: expiredMarker(releaseId, runId) };
  if ('refused' in read) return { refused: `release ${releaseId}: ${read.refused}: ${verifyAgain}` };
  return { marker: read.value };
}

/**
 * Why prod refuses the release by what its verified-in-dev marker says (read from the archive run
 * `runId` uploaded: the soak and the SLO figures), or undefined when the release is eligible.
 */
export async function markerRefusal(api: ActionsRuns, releaseId: string, runId: number): Promise<string | undefined> {
  const read = await readVerifiedMarker(api, releaseId, runId);
  return 'refused' in read ? read.refused : verifiedMarkerRefusal(releaseId, read.marker);
}

/** A release manifest is larger than a marker: one entry per service with its scan's IDs. */
const manifestBytes = 16 * 1024 * 1024;

/** The release manifest run `runId` uploaded for `releaseId` (release.yml's build job), read from its archive, or why it cannot be read. */
async function readReleaseManifest(
  api: ActionsRuns,
  releaseId: string,
  runId: number,
): Promise<{ manifest: ReleaseManifest } | { refused: string }> {
  const name = manifestArtifact(releaseId);
  const artifact = (await api.runArtifacts(runId)).find(
    (candidate): candidate is ArtifactFacts & { id: number } =>
      candidate.name === name && !candidate.expired && candidate.id !== undefined && (candidate.runId ?? runId) === runId,
  );
  if (!artifact) return { refused: `release ${releaseId}: run ${runId} holds no readable ${name} artifact (expired after 90 days?)` };
  const read = await readArtifactFile(api, artifact, 'release-manifest.json', parseReleaseManifest, manifestBytes);
  if ('expired' in read) return { refused: `release ${releaseId}: ${name} of run ${runId} has expired (artifacts are kept 90 days)` };
  if ('refused' in read) return { refused: `release ${releaseId}: ${read.refused}` };
  return { manifest: read.value };
}

/** What the Release run that built a release holds of it: its manifest and its verified-in-dev marker, each read or why not. */
export interface ReleaseArtifacts {
  runId: number;
  manifest: { manifest: ReleaseManifest } | { refused: string };
  marker: { marker: unknown } | { refused: string };
}

/**
 * Finds the trusted Release run of `releaseId` (findReleaseRun, as `slipway release-run --release`)
 * and reads its `release-manifest-<id>` and `release-verified-dev-<id>` artifacts in memory; a
 * ReleaseRunError says why no run holds the release.
 */
export async function releaseArtifacts(api: ActionsRuns, releaseId: string, trusted: TrustedRuns): Promise<ReleaseArtifacts> {
  const runId = await findReleaseRun(api, releaseId, trusted);
  return {
    runId,
    manifest: await readReleaseManifest(api, releaseId, runId),
    marker: await readVerifiedMarker(api, releaseId, runId),
  };
}

/** What the check of an environment's releases found: per release, the run that verified it; and why prod refuses any. */
export interface RunningReleasesCheck {
  verified: { releaseId: string; services: string[]; runId: number }[];
  refusals: string[];
}

/**
 * Whether prod may take what `environment` runs: every release its images come from (their
 * promotion trailers) must have been built and verified in dev by a trusted Release run
 * (`findReleaseRun`) whose verified-in-dev marker says so (`markerRefusal`), the same two checks as
 * a release asked for by id; and each image must be the one that release's manifest (from the same
 * run) gives its service, so a trailer cannot lend a verified release's name to another image. A
 * refusal names the services, the release and what to do.
 */
export async function checkRunningReleases(
  api: ActionsRuns,
  environment: string,
  images: readonly RunningImage[],
  trusted: TrustedRuns,
): Promise<RunningReleasesCheck> {
  const { releases, refusals } = releasesRunning(environment, images);
  const verified: RunningReleasesCheck['verified'] = [];
  for (const [releaseId, recorded] of releases) {
    const services = recorded.map((entry) => entry.service);
    const refuse = (reason: string, which = services): void => {
      refusals.push(`${which.join(', ')}: ${environment} runs release ${releaseId}, which prod may not take: ${reason}`);
    };
    let runId: number;
    try {
      runId = await findReleaseRun(api, releaseId, trusted);
    } catch (error) {
      if (!(error instanceof ReleaseRunError)) throw error;
      refuse(error.message);
      continue;
    }
    const refusal = await markerRefusal(api, releaseId, runId);
    if (refusal !== undefined) {
      refuse(`(Release run ${runId}) ${refusal}`);
      continue;
    }
    const built = await readReleaseManifest(api, releaseId, runId);
    const mismatch = 'refused' in built ? { services, reason: built.refused } : imagesOfReleaseRefusal(recorded, built.manifest, runId);
    if (mismatch !== undefined) refuse(mismatch.reason, mismatch.services);
    else verified.push({ releaseId, services, runId });
  }
  return { verified, refusals };
}
