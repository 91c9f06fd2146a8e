/**
 * Pin style `values-map`: a map with `repository` plus `tag` and/or `digest` (Helm values, Argo CD
 * `helm.valuesObject`), its values possibly merged in from other maps with `<<`.
 */
import type { YAMLMap } from 'yaml';
import { isRepository } from '../../release/image-reference.ts';
import { textOf } from '../yaml-edit.ts';
import { checkMerges, effective } from './merge-keys.ts';
import { entry } from './pin-file.ts';
import type { PinFile } from './pin-file.ts';
import type { SourceContext } from './pin-types.ts';
import { pinTagAndDigest } from './tag-and-digest.ts';

export function pinValuesMap(file: PinFile, map: YAMLMap, context: SourceContext | undefined): void {
  const repositoryNode = effective(file, map, 'repository')?.value;
  const repository = textOf(repositoryNode);
  if (repository === undefined || !isRepository(repository)) return;
  const tagEntry = entry(map, 'tag');
  const digestEntry = entry(map, 'digest');
  // A map without a tag or digest of its own is pinned by the map it merges them from.
  if (!tagEntry && !digestEntry) return;
  const anchor = entry(map, 'repository') ? repositoryNode : map;
  const pin = {
    anchor,
    repository,
    tagValue: tagEntry?.value,
    digestValue: digestEntry?.value,
    style: 'values-map' as const,
    tagLabel: 'tag',
    digestLabel: 'digest',
  };
  pinTagAndDigest(file, pin, context, {
    check: () => checkMerges(file, map, repository),
    ...(tagEntry ? {} : { inheritedTag: effective(file, map, 'tag')?.value }),
    ...(digestEntry ? {} : { inheritedDigest: effective(file, map, 'digest')?.value }),
  });
}
