/**
 * The images a `set-image` run writes, checked as a whole: each repository once (however spelled),
 * and every rewritten file reading back as the images written before anything is saved.
 */
import { canonicalRepository, sameRepository } from '../release/image-reference.ts';
import type { PinnedImage } from '../release/image-reference.ts';
import { readPins } from './pins.ts';
import type { PinEdit } from './pins.ts';
import type { YamlLimits } from './yaml-edit.ts';

export class ImageTargetError extends Error {
  override name = 'ImageTargetError';
}

const show = (image: PinnedImage): string => `${image.repository}:${image.tag}@${image.digest}`;

/**
 * Refuses one repository given twice with different images (first-wins would silently drop one);
 * the same image given twice is kept once.
 */
export function distinctTargets(images: readonly PinnedImage[]): PinnedImage[] {
  const seen = new Map<string, PinnedImage>();
  for (const image of images) {
    const key = canonicalRepository(image.repository);
    const earlier = seen.get(key);
    if (!earlier) seen.set(key, image);
    else if (earlier.tag !== image.tag || earlier.digest !== image.digest) {
      throw new ImageTargetError(
        `${key} is given twice with different images: ${show(earlier)} and ${show(image)}; give each repository once. Nothing was changed`,
      );
    }
  }
  return [...seen.values()];
}

/** The images named in `images` that no edit matched. */
export function unmatchedTargets(images: readonly PinnedImage[], edits: readonly PinEdit[]): PinnedImage[] {
  return images.filter((image) => !edits.some((edit) => edit.requested === image.repository));
}

/** Before any write: every changed file parses again and every pin of a written repository reads as its new image. */
export function checkReadBack(changed: ReadonlyMap<string, string>, images: readonly PinnedImage[], limits: YamlLimits): void {
  for (const [path, text] of changed) {
    for (const pin of readPins(text, path, limits)) {
      const image = images.find((candidate) => sameRepository(candidate.repository, pin.repository));
      if (image && (pin.tag !== image.tag || pin.digest !== image.digest)) {
        throw new ImageTargetError(
          `${path}:${pin.line}: after the edit ${pin.repository} reads as ${pin.tag ?? '?'}@${pin.digest ?? '?'}, not ${image.tag}@${image.digest}; nothing was written — please report this file`,
        );
      }
    }
  }
}
