/**
 * Pin style `kustomize-images`: a kustomization's `images:` entries (`name`/`newName`, `newTag`,
 * `digest`; a missing `newTag` or `digest` is added), the same list in a Kustomize Component and in a
 * Flux Kustomization's `spec.images`, and Argo CD `kustomize.images` overrides
 * (`[old-name=]repository[:tag][@digest]` strings).
 */
import { isMap, isSeq } from 'yaml';
import type { Scalar, YAMLMap } from 'yaml';
import { isRepository } from '../../release/image-reference.ts';
import { textOf } from '../yaml-edit.ts';
import { pinReferenceScalar } from './image-string.ts';
import { child } from './pin-file.ts';
import type { PinFile } from './pin-file.ts';
import type { ImageRewrite, SiteResult, SourceContext } from './pin-types.ts';

/** One kustomization image entry, with the nodes of its fields as read. */
interface KustomizeImage {
  map: YAMLMap;
  newName: string | undefined;
  newTagNode: unknown;
  digestNode: unknown;
}

/** Writes `newTag` and `digest` of one kustomization image, adding the one it lacks. */
function rewriteKustomizeImage(file: PinFile, image: KustomizeImage, target: ImageRewrite): SiteResult {
  const tagScalar = file.writable(image.newTagNode, 'newTag');
  const digestScalar = file.writable(image.digestNode, 'digest');
  let changed = false;
  if (tagScalar) changed = file.yaml.setScalar(tagScalar, target.tag) || changed;
  else {
    file.yaml.insertAfter(image.map, image.newName === undefined ? 'name' : 'newName', 'newTag', target.tag);
    changed = true;
  }
  if (digestScalar) changed = file.yaml.setScalar(digestScalar, target.digest) || changed;
  else {
    file.yaml.insertAfter(image.map, 'newTag', 'digest', target.digest);
    changed = true;
  }
  return { changed, chartRevisionSet: false };
}

/**
 * A kustomization or Kustomize Component (kustomize v5.8.1, the one Argo CD v3.3.8 bundles:
 * `api/types/kustomization.go` KustomizationVersion `kustomize.config.k8s.io/v1beta1`, ComponentVersion
 * `kustomize.config.k8s.io/v1alpha1` kind Component), or a `kustomization.yaml` that names no kind.
 */
export function isKustomizeFile(kind: string | undefined, apiVersion: string, kustomizationFile: boolean): boolean {
  if (kind === undefined) return kustomizationFile;
  return (kind === 'Kustomization' || kind === 'Component') && (apiVersion === '' || apiVersion.startsWith('kustomize.config.k8s.io/'));
}

/**
 * A Flux Kustomization (fluxcd/kustomize-controller `api/v1/kustomization_types.go`: `spec.images`
 * is `[]kustomize.Image`, the same name/newName/newTag/digest entries as kustomize's).
 */
export function isFluxKustomization(kind: string | undefined, apiVersion: string): boolean {
  return kind === 'Kustomization' && apiVersion.startsWith('kustomize.toolkit.fluxcd.io/');
}

export function pinFluxKustomizationImages(file: PinFile, root: YAMLMap): void {
  const spec = child(root, 'spec');
  if (isMap(spec)) pinKustomizationImages(file, spec);
}

/** The `images:` of a kustomization or Component document (or of a Flux Kustomization's spec). */
export function pinKustomizationImages(file: PinFile, root: YAMLMap): void {
  const images = child(root, 'images');
  if (!isSeq(images)) return;
  for (const image of images.items) {
    if (!isMap(image)) continue;
    const newName = textOf(child(image, 'newName'));
    const repository = newName ?? textOf(child(image, 'name'));
    if (repository === undefined || !isRepository(repository)) continue;
    const entry: KustomizeImage = { map: image, newName, newTagNode: child(image, 'newTag'), digestNode: child(image, 'digest') };
    const tag = textOf(entry.newTagNode);
    const digest = textOf(entry.digestNode);
    file.sites.push({
      ...file.base(image, 'kustomize-images', repository, undefined),
      ...(tag === undefined ? {} : { tag }),
      ...(digest === undefined ? {} : { digest }),
      apply: (target) => rewriteKustomizeImage(file, entry, target),
    });
  }
}

/** One Argo CD `kustomize.images` override. */
export function pinArgoKustomizeImage(file: PinFile, node: Scalar, context: SourceContext): void {
  const text = textOf(node) ?? '';
  const equals = text.indexOf('=');
  const prefix = equals >= 0 ? text.slice(0, equals + 1) : '';
  pinReferenceScalar(
    file,
    { node, reference: text.slice(prefix.length), style: 'kustomize-images', label: 'kustomize.images entry', prefix },
    context,
  );
}
