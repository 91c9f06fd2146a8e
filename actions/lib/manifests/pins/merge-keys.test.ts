import { describe, expect, it } from 'vitest';
import type { YAMLMap } from 'yaml';
import { rewritePins } from '../pins.ts';
import { EditableYaml } from '../yaml-edit.ts';
import { effective, mergeSources, recordMerges } from './merge-keys.ts';
import { PinFile, child } from './pin-file.ts';

const digest = `sha256:${'cd'.repeat(32)}`;
const shared = 'defaults: &d\n  repository: r.example/app\n  tag: v1\nworker:\n  <<: *d\n  repository: r.example/worker\n';

/** A text opened for pins, and the top-level maps of its first document by key. */
function opened(text: string): { file: PinFile; map: (key: string) => YAMLMap } {
  const file = new PinFile(EditableYaml.parse(text, 'values.yaml'));
  const [document] = file.yaml.documents;
  const map = (key: string) => child(document?.contents, key) as YAMLMap;
  return { file, map };
}

describe('merge keys', () => {
  it("reads a key through nested merges, the map's own entry first", () => {
    const text = 'a: &a\n  tag: from-a\n  digest: d-a\nb: &b\n  <<: *a\n  tag: from-b\nc:\n  <<: [*b, *a]\n';
    const { file, map } = opened(text);
    const c = map('c');
    expect(mergeSources(file, c).map((source) => source === map('b') || source === map('a'))).toEqual([true, true]);
    expect(String(effective(file, c, 'tag')?.value)).toBe('from-b');
    expect(effective(file, c, 'digest')?.holder).toBe(map('a'));
    expect(effective(file, c, 'repository')).toBeUndefined();
  });

  it('records which maps merge a map in', () => {
    const { file, map } = opened(shared);
    recordMerges(file, map('worker'));
    expect(file.mergedInto.get(map('defaults'))).toEqual([map('worker')]);
  });

  it('refuses to move a tag another image merges in, in a file with more than one document too', () => {
    const target = [{ repository: 'r.example/app', tag: 'v2', digest }];
    for (const text of [shared, `${shared}---\nkind: ConfigMap\n`, `${shared}---\ndefaults: &d {repository: r.example/other}\n`]) {
      expect(() => rewritePins(text, 'values.yaml', target), text).toThrow(
        /values\.yaml:5: this map merges the tag of r\.example\/app \(line 2\)/,
      );
    }
  });
});
