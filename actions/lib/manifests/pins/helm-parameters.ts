/**
 * Pin style `helm-parameters`: Argo CD `helm.parameters` entries selected by name — `X.repository`
 * with `X.tag` and/or `X.digest`, or one `X.image` holding the whole reference.
 */
import { isMap, isScalar } from 'yaml';
import type { YAMLMap, YAMLSeq } from 'yaml';
import { isRepository } from '../../release/image-reference.ts';
import { textOf } from '../yaml-edit.ts';
import { pinReferenceScalar } from './image-string.ts';
import { child } from './pin-file.ts';
import type { PinFile } from './pin-file.ts';
import type { SourceContext } from './pin-types.ts';
import { pinTagAndDigest } from './tag-and-digest.ts';

/** The parameters by name; a later entry of the same name wins. */
function parametersByName(parameters: YAMLSeq): Map<string, YAMLMap> {
  const byName = new Map<string, YAMLMap>();
  for (const item of parameters.items) {
    const name = isMap(item) ? textOf(child(item, 'name')) : undefined;
    if (name !== undefined && isMap(item)) byName.set(name, item);
  }
  return byName;
}

function pinRepositoryParameter(file: PinFile, name: string, value: unknown, byName: Map<string, YAMLMap>, context: SourceContext): void {
  const repository = textOf(value);
  if (repository === undefined || !isRepository(repository)) return;
  const prefix = name.slice(0, name.length - 'repository'.length);
  const tag = byName.get(`${prefix}tag`);
  const digest = byName.get(`${prefix}digest`);
  if (!tag && !digest) return;
  pinTagAndDigest(
    file,
    {
      anchor: value,
      repository,
      tagValue: tag ? child(tag, 'value') : undefined,
      digestValue: digest ? child(digest, 'value') : undefined,
      style: 'helm-parameters',
      tagLabel: `helm parameter ${prefix}tag`,
      digestLabel: `helm parameter ${prefix}digest`,
    },
    context,
  );
}

export function pinHelmParameters(file: PinFile, parameters: YAMLSeq, context: SourceContext): void {
  const byName = parametersByName(parameters);
  for (const [name, parameter] of byName) {
    const value = child(parameter, 'value');
    if (name === 'repository' || name.endsWith('.repository')) pinRepositoryParameter(file, name, value, byName, context);
    else if ((name === 'image' || name.endsWith('.image')) && isScalar(value)) {
      const text = textOf(value);
      if (text !== undefined)
        pinReferenceScalar(file, { node: value, reference: text, style: 'helm-parameters', label: 'helm parameter image' }, context);
    }
  }
}
