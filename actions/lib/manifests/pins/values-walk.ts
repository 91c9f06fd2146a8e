/**
 * The walk through maps and lists that finds pins anywhere in a document (Helm values, workloads,
 * Argo CD `helm.valuesObject`): every map may be a `values-map` pin, every `image:` key an
 * `image-string` pin. Merge keys are recorded on the way, not followed (their maps are walked where
 * they are written).
 */
import { isMap, isScalar, isSeq } from 'yaml';
import { textOf } from '../yaml-edit.ts';
import { pinImageString } from './image-string.ts';
import { recordMerges } from './merge-keys.ts';
import type { PinFile } from './pin-file.ts';
import type { SourceContext } from './pin-types.ts';
import { pinValuesMap } from './values-map.ts';

/** `key`: the map key `node` is the value of (undefined for list items and document roots). */
export function walkValues(file: PinFile, node: unknown, context: SourceContext | undefined, key?: string): void {
  if (isSeq(node)) {
    for (const item of node.items) walkValues(file, item, context);
    return;
  }
  if (!isMap(node)) return;
  recordMerges(file, node);
  pinValuesMap(file, node, context, key);
  for (const pair of node.items) {
    const childKey = textOf(pair.key);
    if (childKey === '<<') continue;
    if (childKey === 'image' && isScalar(pair.value)) {
      if (typeof pair.value.value === 'string') pinImageString(file, pair.value, context);
    } else walkValues(file, pair.value, context, childKey);
  }
}
