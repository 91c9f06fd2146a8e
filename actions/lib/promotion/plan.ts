/**
 * Decides what a promotion changes in one environment: which files, which services, which are
 * skipped because the environment already runs a newer release. Pure: file texts and recorded
 * history in, new file texts, changes and a commit message out.
 */
import { canonicalRepository, repositoryBaseName, sameRepository } from '../release/image-reference.ts';
import type { PinnedImage } from '../release/image-reference.ts';
import { checkReadBack } from '../manifests/image-targets.ts';
import { openPins, readPins } from '../manifests/pins.ts';
import type { ImageRewrite, Pin, PinnedFile } from '../manifests/pins.ts';
import { sharedValuesRefusal, unreadableValuesRefusal } from './environment-values.ts';
import type { EnvironmentValues } from './environment-values.ts';
import { sortByHistory } from './history-skips.ts';
import { formatPromotionMessage } from './record.ts';
import type { ImageChange, RecordedPromotion } from './record.ts';
import type { ReleaseManifest, ServiceOrigin } from '../release/release-manifest.ts';
import { serviceOrigin } from '../release/release-manifest.ts';
import { serviceOfRepository } from '../manifests/environments.ts';
import { defaultYamlLimits } from '../manifests/yaml-edit.ts';
import type { YamlLimits } from '../manifests/yaml-edit.ts';

export class PromotionError extends Error {
  override name = 'PromotionError';
}

export interface ServicePromotion {
  service: string;
  image: PinnedImage;
  chartRevision?: string;
  origin: ServiceOrigin;
}

export interface PromotionRequest {
  environment: string;
  /** The release as a whole (trailers Slipway-Release, Source-Commit, Slipway-Release-Created). */
  release: ServiceOrigin;
  services: ServicePromotion[];
  /** Set for an explicit rollback: the promotion commit undone. Rollbacks may go to older releases. */
  rollsBack?: string;
  /**
   * Automated promotions (a release, another environment) skip an image an explicit rollback took
   * out of this environment, so re-running a failed pipeline does not bring it back.
   */
  refuseRolledBack?: boolean;
  approver?: string;
}

export interface PlannedChange extends ImageChange {
  files: string[];
}

export interface SkippedService {
  service: string;
  reason: string;
}

export interface PromotionPlan {
  /** Changed files: repository path → new text. Empty when nothing changes. */
  files: Map<string, string>;
  changes: PlannedChange[];
  unchanged: string[];
  skipped: SkippedService[];
  message?: string;
}

/** The services of a release manifest as promotion requests. */
export function releaseServices(manifest: ReleaseManifest, only?: readonly string[]): ServicePromotion[] {
  const names = only && only.length > 0 ? only : Object.keys(manifest.services);
  return names.map((service) => {
    const entry = manifest.services[service];
    if (!entry)
      throw new PromotionError(`release ${manifest.id} has no service '${service}' (it has: ${Object.keys(manifest.services).join(', ')})`);
    return {
      service,
      image: entry.image,
      ...(entry.chart ? { chartRevision: entry.chart.revision } : {}),
      origin: serviceOrigin(manifest, service),
    };
  });
}

function knownServices(files: ReadonlyMap<string, string>, limits: YamlLimits): string {
  const repositories = new Set<string>();
  for (const [path, text] of files) {
    try {
      for (const pin of readPins(text, path, limits)) repositories.add(pin.repository);
    } catch {
      // unreadable files are reported when they matter
    }
  }
  return (
    [...repositories]
      .map((repository) => `${serviceOfRepository(repository)} (${repository})`)
      .sort()
      .join(', ') || 'none'
  );
}

function checkRequest(request: PromotionRequest): void {
  if (request.services.length === 0) throw new PromotionError('nothing to promote: no services given');
  const seen = new Map<string, string>();
  for (const entry of request.services) {
    // One repository however spelled (Docker Hub's `nginx` is `docker.io/library/nginx`).
    const key = canonicalRepository(entry.image.repository);
    const other = seen.get(key);
    if (other !== undefined)
      throw new PromotionError(
        `services '${other}' and '${entry.service}' both name image repository ${entry.image.repository}; give each repository once`,
      );
    seen.set(key, entry.service);
  }
}

/**
 * The current pins of the requested repositories: each file that names one parsed once (and rewritten
 * later). `current` is keyed by the repository as the request spells it; a pin matches it with
 * `sameRepository`, as in set-image.
 */
interface OpenedEnvironment {
  current: Map<string, Pin[]>;
  opened: Map<string, PinnedFile>;
}

function openRequestedFiles(files: ReadonlyMap<string, string>, request: PromotionRequest, limits: YamlLimits): OpenedEnvironment {
  const current = new Map<string, Pin[]>();
  const opened = new Map<string, PinnedFile>();
  for (const [path, text] of files) {
    if (!request.services.some((entry) => text.includes(repositoryBaseName(entry.image.repository)))) continue;
    const file = openPins(text, path, limits);
    opened.set(path, file);
    for (const pin of file.pins) {
      const entry = request.services.find((candidate) => sameRepository(candidate.image.repository, pin.repository));
      if (entry) current.set(entry.image.repository, [...(current.get(entry.image.repository) ?? []), pin]);
    }
  }
  return { current, opened };
}

function requirePinned(
  files: ReadonlyMap<string, string>,
  request: PromotionRequest,
  current: Map<string, Pin[]>,
  limits: YamlLimits,
): void {
  const missing = request.services.filter((entry) => !current.has(entry.image.repository));
  if (missing.length > 0) {
    throw new PromotionError(
      `${missing.map((entry) => `${entry.service} (${entry.image.repository})`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} pinned nowhere in environment ${request.environment}; ` +
        `pinned there: ${knownServices(files, limits)}. Check the service name and image repository.`,
    );
  }
}

interface Rewritten {
  /** Changed files: path → new text. */
  files: Map<string, string>;
  /** Repository (as requested) → the files where its pins changed. */
  touched: Map<string, Set<string>>;
  /** Repositories whose chart revision was set somewhere. */
  chartSet: Set<string>;
}

function rewriteFiles(opened: Map<string, PinnedFile>, targets: readonly ImageRewrite[]): Rewritten {
  const rewritten: Rewritten = { files: new Map(), touched: new Map(), chartSet: new Set() };
  for (const [path, file] of opened) {
    const result = file.rewrite(targets);
    for (const repository of result.chartRevisionSet) rewritten.chartSet.add(repository);
    if (!result.changed) continue;
    rewritten.files.set(path, result.text);
    for (const edit of result.edits) {
      if (edit.changed) rewritten.touched.set(edit.requested, (rewritten.touched.get(edit.requested) ?? new Set()).add(path));
    }
  }
  return rewritten;
}

function requireChartTargets(proceed: ServicePromotion[], chartSet: Set<string>, environment: string): void {
  const noChart = proceed.filter((entry) => entry.chartRevision !== undefined && !chartSet.has(entry.image.repository));
  if (noChart.length > 0) {
    throw new PromotionError(
      `chart revision for ${noChart.map((entry) => entry.service).join(', ')} has nowhere to go in environment ${environment}: ` +
        'no Argo CD Application source holding the image has a targetRevision. Drop chart.revision from the release or pin the image in an Application.',
    );
  }
}

/** Each proceeding service as a change (from its first current pin to the new image), or unchanged. */
function plannedChanges(
  proceed: ServicePromotion[],
  touched: Map<string, Set<string>>,
  current: Map<string, Pin[]>,
): { changes: PlannedChange[]; unchanged: string[] } {
  const changes: PlannedChange[] = [];
  const unchanged: string[] = [];
  for (const entry of proceed) {
    const paths = touched.get(entry.image.repository);
    if (!paths) {
      unchanged.push(entry.service);
      continue;
    }
    const [first] = current.get(entry.image.repository) ?? [];
    changes.push({
      service: entry.service,
      image: entry.image,
      ...(entry.chartRevision === undefined ? {} : { chartRevision: entry.chartRevision }),
      sourceCommit: entry.origin.sourceCommit,
      createdAt: entry.origin.createdAt,
      releaseId: entry.origin.releaseId,
      from: {
        ...(first?.tag === undefined ? {} : { tag: first.tag }),
        ...(first?.digest === undefined ? {} : { digest: first.digest }),
        ...(first?.chartRevision === undefined ? {} : { chartRevision: first.chartRevision }),
      },
      files: [...paths].sort(),
    });
  }
  return { changes, unchanged };
}

function promotionMessage(request: PromotionRequest, changes: PlannedChange[]): string {
  return formatPromotionMessage(
    {
      environment: request.environment,
      releaseId: request.release.releaseId,
      createdAt: request.release.createdAt,
      sourceCommit: request.release.sourceCommit,
      images: changes.map(({ from: _from, files: _files, ...image }) => image),
      ...(request.approver ? { approvedBy: request.approver } : {}),
      ...(request.rollsBack ? { rollsBack: request.rollsBack } : {}),
    },
    changes,
  );
}

const noValuesFiles: Pick<EnvironmentValues, 'sharedWith' | 'unreadable'> = { sharedWith: new Map(), unreadable: [] };

/**
 * Plans the promotion of `request` into the environment files `files` (path → text), which include
 * the values files its Applications use outside its folder (`values` says which are shared or unreadable).
 */
export function planPromotion(
  files: ReadonlyMap<string, string>,
  request: PromotionRequest,
  history: readonly RecordedPromotion[],
  limits: YamlLimits = defaultYamlLimits,
  values: Pick<EnvironmentValues, 'sharedWith' | 'unreadable'> = noValuesFiles,
): PromotionPlan {
  checkRequest(request);
  const { current, opened } = openRequestedFiles(files, request, limits);
  const unreadable = unreadableValuesRefusal(request.services, current, values);
  if (unreadable) throw new PromotionError(unreadable);
  requirePinned(files, request, current, limits);
  const { proceed, skipped } = sortByHistory(request, current, history);
  const targets = proceed.map((entry) => ({
    ...entry.image,
    ...(entry.chartRevision === undefined ? {} : { chartRevision: entry.chartRevision }),
  }));
  const rewritten = rewriteFiles(opened, targets);
  // Before anything is committed: every changed file parses again and reads back as the promoted images.
  checkReadBack(rewritten.files, targets, limits);
  const shared = sharedValuesRefusal(rewritten.touched, current, values, request.environment);
  if (shared) throw new PromotionError(shared);
  requireChartTargets(proceed, rewritten.chartSet, request.environment);
  const { changes, unchanged } = plannedChanges(proceed, rewritten.touched, current);
  const plan: PromotionPlan = { files: rewritten.files, changes, unchanged, skipped };
  if (changes.length > 0) plan.message = promotionMessage(request, changes);
  return plan;
}
