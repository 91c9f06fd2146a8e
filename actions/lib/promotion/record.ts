/**
 * What every GitOps promotion commit records in its trailers, so "what is in prod and why" is
 * answerable from git alone: the release, its source commit and creation time, one trailer per
 * service image (with that image's own origin), the approver and, for rollbacks, what was undone.
 */
import { formatImageReference, parseImageReference, shortDigest } from '../release/image-reference.ts';
import type { PinnedImage } from '../release/image-reference.ts';

export interface RecordedImage {
  service: string;
  image: PinnedImage;
  chartRevision?: string;
  sourceCommit: string;
  createdAt: string;
  releaseId: string;
}

export interface PromotionRecord {
  environment: string;
  releaseId: string;
  createdAt: string;
  sourceCommit: string;
  images: RecordedImage[];
  approvedBy?: string;
  /** For a rollback: the promotion commit it undoes. */
  rollsBack?: string;
}

export interface ImageChange extends RecordedImage {
  from?: { tag?: string; digest?: string; chartRevision?: string };
}

/** The commit message: a one-line summary, a readable body, then the trailers. */
export function formatPromotionMessage(record: PromotionRecord, changes: readonly ImageChange[]): string {
  const verb = record.rollsBack ? 'rollback' : 'promote';
  const subject = `${verb} ${record.environment}: ${changes.map((change) => `${change.service} ${change.image.tag}`).join(', ')}`;
  const body = changes.map((change) => {
    const from = change.from?.tag ?? change.from?.digest ?? 'unpinned';
    return `- ${change.service}: ${from} -> ${change.image.tag} (${shortDigest(change.image.digest)}, source ${change.sourceCommit.slice(0, 12)})`;
  });
  const intro = record.rollsBack
    ? `Rolls back ${record.rollsBack.slice(0, 12)} to the release recorded before it.`
    : `Release ${record.releaseId} from source ${record.sourceCommit.slice(0, 12)}, created ${record.createdAt}.`;
  const trailers = [
    `Slipway-Release: ${record.releaseId}`,
    `Slipway-Environment: ${record.environment}`,
    `Slipway-Release-Created: ${record.createdAt}`,
    `Source-Commit: ${record.sourceCommit}`,
    ...record.images.map(formatImageTrailer),
    ...(record.approvedBy ? [`Approved-By: ${record.approvedBy.replace(/\s+/g, ' ').trim()}`] : []),
    ...(record.rollsBack ? [`Slipway-Rolls-Back: ${record.rollsBack}`] : []),
  ];
  return `${subject}\n\n${intro}\n\n${body.join('\n')}\n\n${trailers.join('\n')}\n`;
}

function formatImageTrailer(image: RecordedImage): string {
  const chart = image.chartRevision === undefined ? '' : ` chart=${image.chartRevision}`;
  return `Slipway-Image: ${image.service} ${formatImageReference(image.image)}${chart} source=${image.sourceCommit} created=${image.createdAt} release=${image.releaseId}`;
}

/** Reads a promotion commit's trailers (`Key: value` lines); undefined when it is not a promotion. */
export function parsePromotionTrailers(trailers: string): PromotionRecord | undefined {
  const values = new Map<string, string[]>();
  for (const line of trailers.split('\n')) {
    const colon = line.indexOf(': ');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).toLowerCase();
    values.set(key, [...(values.get(key) ?? []), line.slice(colon + 2).trim()]);
  }
  const one = (key: string): string | undefined => values.get(key.toLowerCase())?.[0];
  const environment = one('Slipway-Environment');
  const releaseId = one('Slipway-Release');
  if (!environment || !releaseId) return undefined;
  const createdAt = one('Slipway-Release-Created') ?? '';
  const sourceCommit = one('Source-Commit') ?? '';
  const images: RecordedImage[] = [];
  for (const value of values.get('slipway-image') ?? []) {
    const [service, reference, ...fields] = value.split(/\s+/);
    if (!service || !reference) continue;
    try {
      const parsed = parseImageReference(reference);
      if (!parsed.tag || !parsed.digest) continue;
      const field = (name: string): string | undefined => fields.find((part) => part.startsWith(`${name}=`))?.slice(name.length + 1);
      const chartRevision = field('chart');
      images.push({
        service,
        image: { repository: parsed.repository, tag: parsed.tag, digest: parsed.digest },
        ...(chartRevision === undefined ? {} : { chartRevision }),
        sourceCommit: field('source') ?? sourceCommit,
        createdAt: field('created') ?? createdAt,
        releaseId: field('release') ?? releaseId,
      });
    } catch {
      // a hand-written trailer that is not a reference: not ours to trust
    }
  }
  const approvedBy = one('Approved-By');
  const rollsBack = one('Slipway-Rolls-Back');
  return {
    environment,
    releaseId,
    createdAt,
    sourceCommit,
    images,
    ...(approvedBy ? { approvedBy } : {}),
    ...(rollsBack ? { rollsBack } : {}),
  };
}

export interface RecordedPromotion extends PromotionRecord {
  commit: string;
}

/** The latest recorded image of each service in an environment's history (newest first). */
export function latestImages(history: readonly RecordedPromotion[]): Map<string, RecordedImage & { commit: string }> {
  const latest = new Map<string, RecordedImage & { commit: string }>();
  for (const record of history) {
    for (const image of record.images) {
      if (!latest.has(image.service)) latest.set(image.service, { ...image, commit: record.commit });
    }
  }
  return latest;
}

export interface RollbackTarget {
  /** The promotion commit being undone. */
  undo: RecordedPromotion;
  /** Per service of that commit: the image recorded before it. */
  images: RecordedImage[];
}

/**
 * The previous release of an environment: undoes the newest promotion that is neither a rollback
 * nor already rolled back, restoring for each of its services the image recorded before it.
 */
export function rollbackTarget(history: readonly RecordedPromotion[]): RollbackTarget | { error: string } {
  const undone = new Set(history.flatMap((record) => (record.rollsBack ? [record.rollsBack] : [])));
  const live = history.filter((record) => !record.rollsBack && !undone.has(record.commit));
  const [undo, ...older] = live;
  if (!undo) return { error: "no promotion recorded in this environment's history to roll back" };
  const images: RecordedImage[] = [];
  for (const image of undo.images) {
    const previous = older.flatMap((record) => record.images).find((candidate) => candidate.service === image.service);
    if (!previous)
      return {
        error: `no release of ${image.service} recorded before ${undo.commit.slice(0, 12)} (${undo.releaseId}); nothing to roll back to`,
      };
    images.push(previous);
  }
  return { undo, images };
}

/** Images (service → digests) an explicit rollback took out of this environment. */
export function rolledBackImages(history: readonly RecordedPromotion[]): Map<string, Map<string, string>> {
  const byCommit = new Map(history.map((record) => [record.commit, record]));
  const rolledBack = new Map<string, Map<string, string>>();
  for (const record of history) {
    const undone = record.rollsBack ? byCommit.get(record.rollsBack) : undefined;
    for (const image of undone?.images ?? []) {
      const digests = rolledBack.get(image.service) ?? new Map<string, string>();
      digests.set(image.image.digest, record.commit);
      rolledBack.set(image.service, digests);
    }
  }
  return rolledBack;
}
