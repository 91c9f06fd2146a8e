/**
 * Pin style `values-map`: a map with `repository` plus `tag` and/or `digest` (or `sha`) (Helm values,
 * Argo CD `helm.valuesObject`), optionally after a `registry` (`split-image.ts`), its values possibly
 * merged in from other maps with `<<`.
 */
import type { YAMLMap } from 'yaml';
import { isRepository } from '../../release/image-reference.ts';
import { textOf } from '../yaml-edit.ts';
import { checkMerges, effective } from './merge-keys.ts';
import { entry } from './pin-file.ts';
import type { PinFile } from './pin-file.ts';
import type { SourceContext } from './pin-types.ts';
import { digestKey, registryOf } from './split-image.ts';
import { pinTagAndDigest } from './tag-and-digest.ts';

/**
 * A map under a key named `images` (plural) without a digest holds a repository prefix that the chart
 * completes per image (microservices-demo's helm-chart renders `{{ .Values.images.repository }}/cartservice`):
 * one tag there would pin every image to one digest, so writing it is refused.
 */
const sharedPrefixKey = 'images';

export function pinValuesMap(file: PinFile, map: YAMLMap, context: SourceContext | undefined, key?: string): void {
  const repositoryNode = effective(file, map, 'repository')?.value;
  const written = textOf(repositoryNode);
  if (written === undefined) return;
  const registry = registryOf(file, map, context);
  const repository = registry.host ? `${registry.host.replace(/\/+$/, '')}/${written}` : written;
  if (!isRepository(repository)) return;
  const tagEntry = entry(map, 'tag');
  const digest = digestKey(file, map);
  // A map without a tag or digest of its own is pinned by the map it merges them from.
  if (!tagEntry && !digest) return;
  const anchor = entry(map, 'repository') ? repositoryNode : map;
  const refusal =
    registry.refusal ??
    (key === sharedPrefixKey && !digest
      ? {
          node: anchor,
          reason:
            `'${sharedPrefixKey}.repository' (${written}) is a prefix the chart completes per image, not one image; ` +
            'pin each image where the chart reads it, or set this tag by hand',
        }
      : undefined);
  const pin = {
    anchor,
    repository,
    tagValue: tagEntry?.value,
    digestValue: digest?.value,
    style: 'values-map' as const,
    tagLabel: 'tag',
    digestLabel: digest?.form.label ?? 'digest',
    ...(digest ? { digestForm: digest.form } : {}),
  };
  pinTagAndDigest(file, pin, context, {
    check: () => {
      if (refusal) file.fail(refusal.node, refusal.reason);
      checkMerges(file, map, written);
    },
    ...(tagEntry ? {} : { inheritedTag: effective(file, map, 'tag')?.value }),
    ...(digest ? {} : { inheritedDigest: effective(file, map, 'digest')?.value }),
  });
}
