/**
 * Pins in the layouts other teams bring (issue 15): Kustomize Components, Flux Kustomizations and
 * Argo CD's write-back files. Corpus in test-support/fixtures/layouts/, written for these tests.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPins, rewritePins } from './pins.ts';
import type { ImageRewrite } from './pins.ts';
import { expectedText } from '../../test-support/expected-text.ts';

const layouts = new URL('../../test-support/fixtures/layouts/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, layouts), 'utf8');

const search = 'registry.example.com/shop/search';
const digest = `sha256:${'cd'.repeat(32)}`;
const tag = '1.3.0';
const target: ImageRewrite = { repository: search, tag, digest };

/** Each case: a corpus file and every line the promotion may change (1-based); every other byte stays. */
const cases: { name: string; file: string; lines: Record<number, string | string[]> }[] = [
  {
    // kustomize v5.8.1 (the one argoproj/argo-cd v3.3.8 hack/tool-versions.sh bundles):
    // api/types/kustomization.go, ComponentVersion kustomize.config.k8s.io/v1alpha1, ComponentKind Component.
    name: 'Kustomize Component images: newTag and digest, quotes and comments kept; the -indexer entry stays',
    file: 'component/kustomization.yaml',
    lines: { 6: `    newTag: "${tag}"   # search`, 7: `    digest: ${digest}` },
  },
  {
    // fluxcd/kustomize-controller api/v1/kustomization_types.go (commit 02e1e73):
    // KustomizationSpec.Images []kustomize.Image `json:"images"` — name, newName, newTag, digest.
    name: 'Flux Kustomization spec.images, matched by newName',
    file: 'flux/search.yaml',
    lines: { 17: `      newTag: ${tag}`, 18: `      digest: '${digest}'` },
  },
  {
    // argoproj/argo-cd v3.3.8 reposerver/repository/repository.go mergeSourceParameters: the file is an
    // ApplicationSource patch (helm, kustomize…) merged over the Application's source;
    // docs/user-guide/parameters.md "Store Overrides In Git".
    name: 'Argo CD write-back file of one Application: helm.parameters; a chart without a digest value gets tag@digest',
    file: 'writeback/.argocd-source-search.yaml',
    lines: { 7: `      value: ${tag}@${digest}` },
  },
  {
    name: 'Argo CD write-back file of a path: kustomize.images override, old-name= prefix kept',
    file: 'writeback/.argocd-source.yaml',
    lines: { 3: `    - search=${search}:${tag}@${digest}` },
  },
];

describe('pins in other layouts: the diff touches exactly the expected lines', () => {
  it.each(cases)('$name', ({ file, lines }) => {
    const before = read(file);
    const result = rewritePins(before, file, [target]);
    expect(result.text).toBe(expectedText(before, lines));
    expect(result.changed).toBe(true);
    expect(rewritePins(result.text, file, [target]).changed).toBe(false);
    const pins = readPins(result.text, file).filter((pin) => pin.repository === search);
    expect(pins.length).toBe(1);
    expect({ tag: pins[0]?.tag, digest: pins[0]?.digest }).toEqual({ tag, digest });
  });

  it('names the Application of an .argocd-source-<app>.yaml file, and sets no chart revision there', () => {
    const file = 'writeback/.argocd-source-search.yaml';
    expect(readPins(read(file), file)).toEqual([
      expect.objectContaining({ repository: search, tag: '1.2.0', style: 'helm-parameters', application: 'search', line: 4 }),
    ]);
    const result = rewritePins(read(file), file, [{ ...target, chartRevision: '0.9.0' }]);
    expect(result.chartRevisionSet.size).toBe(0);
    expect(result.text).toBe(expectedText(read(file), { 7: `      value: ${tag}@${digest}` }));
  });

  it('reads the same images: list as a write-back file only under its own name', () => {
    const text = read('writeback/.argocd-source.yaml');
    expect(readPins(text, 'writeback/overrides.yaml')).toEqual([]);
  });

  it('refuses a flow-style Component entry that needs a new digest key, naming file and line, and writes nothing', () => {
    const file = 'component-flow/kustomization.yaml';
    const before = read(file);
    expect(() => rewritePins(before, file, [target])).toThrow(
      /component-flow\/kustomization\.yaml:3: cannot add 'digest' to a flow map \(\{ … \}\); add 'digest:' by hand once/,
    );
  });
});
