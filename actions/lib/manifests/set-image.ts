/**
 * `set-image`: the promotion engine for any repository of manifests. Rewrites every pin of one
 * image repository in the given files; an image pinned nowhere is an error, and then nothing changes.
 */
import { ImageReferenceError, isRepository, parseImageReference, sameRepository } from '../release/image-reference.ts';
import type { PinnedImage } from '../release/image-reference.ts';
import { checkReadBack, distinctTargets, unmatchedTargets } from './image-targets.ts';
import { rewritePins } from './pins.ts';
import type { PinEdit } from './pins.ts';
import { defaultYamlLimits } from './yaml-edit.ts';
import type { YamlLimits } from './yaml-edit.ts';

export class SetImageError extends Error {
  override name = 'SetImageError';
}

/**
 * Parses `<repository>=<reference>`, where the reference is `repository:tag@sha256:…` (the same
 * repository) or just `tag@sha256:…`.
 */
export function parseImageAssignment(text: string): PinnedImage {
  const equals = text.indexOf('=');
  if (equals <= 0)
    throw new SetImageError(
      `'${text}' is not <repository>=<reference> (e.g. registry.example.com/shop/cart=registry.example.com/shop/cart:v2@sha256:…)`,
    );
  const repository = text.slice(0, equals);
  const value = text.slice(equals + 1);
  if (!isRepository(repository))
    throw new ImageReferenceError(`'${repository}' is not an image repository (lowercase path, optional registry host, no tag)`);
  // A full reference has a '/' or a ':' before any '@' (`nginx:1.27@sha256:…`); a tag alone never holds ':'.
  const fullReference = value.includes('/') || value.split('@')[0]?.includes(':') === true;
  const reference = parseImageReference(fullReference ? value : `${repository}:${value}`, `image for ${repository}`);
  if (!sameRepository(reference.repository, repository)) {
    throw new SetImageError(
      `'${text}': the reference names repository ${reference.repository}, not ${repository}; set-image changes tags and digests, never repositories`,
    );
  }
  if (reference.tag === undefined || reference.digest === undefined) {
    throw new SetImageError(`'${text}': give both tag and digest (repository:tag@sha256:<64 hex>) so the pin is exact`);
  }
  return { repository, tag: reference.tag, digest: reference.digest };
}

export interface SetImageResult {
  files: Map<string, string>;
  edits: PinEdit[];
}

/** Rewrites the pins of each image in `files` (path → text). Pure. */
export function setImages(
  files: ReadonlyMap<string, string>,
  requested: readonly PinnedImage[],
  limits: YamlLimits = defaultYamlLimits,
): SetImageResult {
  const images = distinctTargets(requested);
  const changed = new Map<string, string>();
  const edits: PinEdit[] = [];
  for (const [path, text] of files) {
    const result = rewritePins(text, path, images, limits);
    edits.push(...result.edits);
    if (result.changed) changed.set(path, result.text);
  }
  const nowhere = unmatchedTargets(images, edits);
  if (nowhere.length > 0) {
    throw new SetImageError(
      `${nowhere.map((image) => image.repository).join(', ')} ${nowhere.length === 1 ? 'is' : 'are'} pinned nowhere in the ${files.size} file(s) given; nothing was changed`,
    );
  }
  checkReadBack(changed, images, limits);
  return { files: changed, edits };
}
