/**
 * What an environment runs, read from a GitOps head: its pins, one image per service with the
 * release its promotion history recorded for that digest, and whether it still runs exactly the
 * images a check read before (`checked-images`).
 */
import type { HeadSnapshot } from './landing.ts';
import { serviceOfRepository } from '../manifests/environments.ts';
import { readPins } from '../manifests/pins.ts';
import type { Pin } from '../manifests/pins.ts';
import type { YamlLimits } from '../manifests/yaml-edit.ts';
import { canonicalRepository, formatImageReference, sameRepository } from '../release/image-reference.ts';
import type { PinnedImage } from '../release/image-reference.ts';
import type { ServiceOrigin } from '../release/release-manifest.ts';
import { environmentFiles } from './environment-files.ts';
import { PromotionError } from './plan.ts';
import { latestImages } from './record.ts';

/** One image per repository across an environment's pins; an environment that disagrees with itself is an error. */
function pinnedImages(pins: readonly Pin[], environment: string): Map<string, { image: PinnedImage; chartRevision?: string }> {
  const images = new Map<string, { image: PinnedImage; chartRevision?: string; at: string }>();
  for (const pin of pins) {
    const at = `${pin.file}:${pin.line}`;
    if (pin.tag === undefined || pin.digest === undefined) {
      throw new PromotionError(
        `${at}: ${environment} pins ${pin.repository} without ${pin.digest === undefined ? 'a digest' : 'a tag'}; promoting from an environment copies exact digests, so pin it first (slipway set-image)`,
      );
    }
    // One repository however spelled (Docker Hub's `nginx` is `docker.io/library/nginx`).
    const key = canonicalRepository(pin.repository);
    const seen = images.get(key);
    if (seen && (seen.image.digest !== pin.digest || seen.image.tag !== pin.tag)) {
      throw new PromotionError(
        `${environment} pins ${pin.repository} twice with different images (${seen.at} and ${at}); make them agree first`,
      );
    }
    if (!seen) {
      images.set(key, {
        image: { repository: pin.repository, tag: pin.tag, digest: pin.digest },
        ...(pin.chartRevision === undefined ? {} : { chartRevision: pin.chartRevision }),
        at,
      });
    }
  }
  return images;
}

/** Reads every pin of an environment at a head. */
export async function environmentPins(head: HeadSnapshot, gitopsPath: string, environment: string, limits: YamlLimits): Promise<Pin[]> {
  const { files } = await environmentFiles(head, gitopsPath, environment, limits);
  return [...files].flatMap(([path, text]) => readPins(text, path, limits));
}

/** An image an environment pins, with the release its promotion history records for that digest (none: no promotion commit records it). */
export interface PinnedService {
  service: string;
  image: PinnedImage;
  chartRevision?: string;
  origin?: ServiceOrigin;
}

/**
 * The images an environment pins at a head, one per service, each with its origin from the
 * environment's promotion history (the Slipway-Image trailer that recorded that digest). Without
 * `services`, only images pinned by digest: a tag-only image (say a platform component) is not
 * something promotion manages; a named service must be pinned.
 */
export async function environmentImages(
  head: HeadSnapshot,
  gitopsPath: string,
  environment: string,
  services: readonly string[] | undefined,
  limits: YamlLimits,
): Promise<PinnedService[]> {
  const allPins = await environmentPins(head, gitopsPath, environment, limits);
  const named = services && services.length > 0;
  const images = pinnedImages(named ? allPins : allPins.filter((pin) => pin.digest !== undefined), environment);
  const recorded = latestImages(await head.promotions(environment));
  return [...images.values()].map(({ image, chartRevision }) => {
    const record = [...recorded.values()].find(
      (candidate) => candidate.image.digest === image.digest && sameRepository(candidate.image.repository, image.repository),
    );
    return {
      service: record?.service ?? serviceOfRepository(image.repository),
      image,
      ...(chartRevision === undefined ? {} : { chartRevision }),
      ...(record ? { origin: { releaseId: record.releaseId, sourceCommit: record.sourceCommit, createdAt: record.createdAt } } : {}),
    };
  });
}

/** A service's image as a check read it: `service=repository:tag@sha256:…` in the inputs. */
export interface CheckedImage {
  service: string;
  image: PinnedImage;
}

const describeImage = (image: PinnedImage | undefined): string => (image ? formatImageReference(image) : 'nothing');

/**
 * Why `from` no longer runs what the check read (a service added, gone or re-pinned since), or
 * undefined when it pins exactly the checked images.
 */
export function checkedImagesRefusal(
  from: string,
  now: readonly { service: string; image: PinnedImage }[],
  checked: readonly CheckedImage[],
): string | undefined {
  const current = new Map(now.map((entry) => [entry.service, entry.image]));
  const expected = new Map(checked.map((entry) => [entry.service, entry.image]));
  const same = (a: PinnedImage | undefined, b: PinnedImage | undefined): boolean =>
    a !== undefined && b !== undefined && a.digest === b.digest && a.tag === b.tag && sameRepository(a.repository, b.repository);
  const moved = [...new Set([...expected.keys(), ...current.keys()])]
    .sort()
    .filter((service) => !same(current.get(service), expected.get(service)))
    .map((service) => `${service} runs ${describeImage(current.get(service))}, the check read ${describeImage(expected.get(service))}`);
  if (moved.length === 0) return undefined;
  return `${from} changed since its images were checked (${moved.join('; ')}): nothing was written. Promote again, so that what ${from} runs now is checked before it is promoted`;
}
