/**
 * YAML merge keys (`<<: *defaults`): a map's values as merging gives them, and the check that
 * rewriting one pin leaves every map sharing its tag or digest reading as the same image.
 */
import { isAlias, isMap, isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import { textOf } from '../yaml-edit.ts';
import { entry } from './pin-file.ts';
import type { PinFile } from './pin-file.ts';

/** The maps a `<<` merge key brings into `map` (one, or a list; aliases resolved in their own document), in merge order. */
export function mergeSources(file: PinFile, map: YAMLMap): YAMLMap[] {
  const merge = entry(map, '<<')?.value;
  if (merge === undefined || merge === null) return [];
  const resolve = (node: unknown): unknown => (isAlias(node) ? file.resolveAlias(node) : node);
  return (isSeq(merge) ? merge.items : [merge]).map(resolve).filter((node): node is YAMLMap => isMap(node));
}

/** Records which maps `map` merges in, so a later rewrite of those maps can check `map` too. */
export function recordMerges(file: PinFile, map: YAMLMap): void {
  for (const source of mergeSources(file, map)) file.mergedInto.set(source, [...(file.mergedInto.get(source) ?? []), map]);
}

/** A key's value as YAML merge keys give it: the map's own entry, else the first merged map's (recursively). */
export function effective(
  file: PinFile,
  map: YAMLMap,
  key: string,
  seen: Set<YAMLMap> = new Set(),
): { value: unknown; holder: YAMLMap } | undefined {
  const own = entry(map, key);
  if (own) return { value: own.value, holder: map };
  seen.add(map);
  for (const source of mergeSources(file, map)) {
    if (seen.has(source)) continue;
    const found = effective(file, source, key, seen);
    if (found) return found;
  }
  return undefined;
}

/**
 * YAML merge keys share values between maps, so a pin is rewritten only when every map it shares
 * its tag and digest with reads as the same image afterwards: a tag or digest this map merges in
 * must come from a map that pins the same repository (it is rewritten too), and a map that
 * merges this one must not take another repository's image from it.
 */
export function checkMerges(file: PinFile, map: YAMLMap, repository: string): void {
  for (const key of ['tag', 'digest']) {
    if (entry(map, key)) continue;
    const inherited = effective(file, map, key);
    if (inherited && textOf(effective(file, inherited.holder, 'repository')?.value) !== repository) {
      file.fail(
        map,
        `the image ${repository} takes its ${key} from a map merged in with <<, which pins another image; give this map its own ${key}`,
      );
    }
  }
  for (const dependent of file.mergedInto.get(map) ?? []) {
    if (textOf(effective(file, dependent, 'repository')?.value) === repository) continue;
    const shared = ['tag', 'digest'].filter((key) => entry(map, key) && effective(file, dependent, key)?.holder === map);
    if (shared.length > 0) {
      file.fail(
        dependent,
        `this map merges the ${shared.join(' and ')} of ${repository} (line ${file.line(map)}) with << but pins another image; give it its own ${shared.join(' and ')} so promoting ${repository} leaves it alone`,
      );
    }
  }
}
