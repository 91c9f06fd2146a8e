/** Compares the images two environments run: what a promotion from one to the other would change. */
import { serviceOfRepository } from '../manifests/environments.ts';
import type { Pin } from '../manifests/pins.ts';
import { latestImages } from './record.ts';
import type { RecordedPromotion } from './record.ts';

export interface EnvironmentImage {
  tag?: string;
  digest?: string;
  chartRevision?: string;
  /** Source commit and release, when the environment's history records this exact digest. */
  sourceCommit?: string;
  releaseId?: string;
  /** When that release was created (from the history), which decides promotion order. */
  createdAt?: string;
}

export interface ServiceDifference {
  service: string;
  repository: string;
  from?: EnvironmentImage;
  to?: EnvironmentImage;
  differs: boolean;
  /**
   * The target runs a newer release than the source: a promotion keeps it (it never replaces a
   * newer release with an older one) and only a rollback goes back.
   */
  targetNewer: boolean;
}

function imagesOf(pins: readonly Pin[], history: readonly RecordedPromotion[]): Map<string, { service: string; image: EnvironmentImage }> {
  const recorded = [...latestImages(history).values()];
  const images = new Map<string, { service: string; image: EnvironmentImage }>();
  for (const pin of pins) {
    if (images.has(pin.repository)) continue;
    const record = recorded.find((candidate) => candidate.image.repository === pin.repository && candidate.image.digest === pin.digest);
    images.set(pin.repository, {
      service: record?.service ?? serviceOfRepository(pin.repository),
      image: {
        ...(pin.tag === undefined ? {} : { tag: pin.tag }),
        ...(pin.digest === undefined ? {} : { digest: pin.digest }),
        ...(pin.chartRevision === undefined ? {} : { chartRevision: pin.chartRevision }),
        ...(record ? { sourceCommit: record.sourceCommit, releaseId: record.releaseId, createdAt: record.createdAt } : {}),
      },
    });
  }
  return images;
}

/** Per image repository: what `from` runs, what `to` runs, and whether promoting would change `to`. */
export function diffEnvironments(
  from: { pins: readonly Pin[]; history: readonly RecordedPromotion[] },
  to: { pins: readonly Pin[]; history: readonly RecordedPromotion[] },
): ServiceDifference[] {
  const fromImages = imagesOf(from.pins, from.history);
  const toImages = imagesOf(to.pins, to.history);
  const repositories = [...new Set([...fromImages.keys(), ...toImages.keys()])].sort();
  return repositories.map((repository) => {
    const a = fromImages.get(repository);
    const b = toImages.get(repository);
    const differs =
      !a || !b || a.image.digest !== b.image.digest || a.image.tag !== b.image.tag || a.image.chartRevision !== b.image.chartRevision;
    const created = (image: EnvironmentImage | undefined): number => (image?.createdAt ? Date.parse(image.createdAt) : Number.NaN);
    const targetNewer = differs && a?.image.digest !== b?.image.digest && created(b?.image) > created(a?.image);
    return {
      service: a?.service ?? b?.service ?? serviceOfRepository(repository),
      repository,
      ...(a ? { from: a.image } : {}),
      ...(b ? { to: b.image } : {}),
      differs,
      targetNewer,
    };
  });
}
