/**
 * Pins in the layouts other teams bring (issue 15): Kustomize Components, Flux Kustomizations,
 * Argo CD's write-back files and ApplicationSets. Corpus in test-support/fixtures/layouts/, written for these tests.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPins, rewritePins } from './pins.ts';
import { setImages } from './set-image.ts';
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
  {
    // argoproj/argo-cd v3.3.8 pkg/apis/application/v1alpha1/applicationset_types.go: ApplicationSetSpec.Template
    // (ApplicationSetTemplate: metadata + ApplicationSpec spec), here with spec.sources; the indexer source stays.
    name: 'ApplicationSet template: helm.parameters of one of its sources; parameters elsewhere in the template stay',
    file: 'applicationset/template.yaml',
    lines: { 33: `                value: "${tag}"`, 35: `                value: ${digest}` },
  },
  {
    // ListGenerator.Elements []apiextensionsv1.JSON: the parameters of each generated Application, written literally.
    name: 'ApplicationSet list generator element holding the image as a map; the template reads it as {{ .image.* }}',
    file: 'applicationset/list-elements.yaml',
    lines: { 15: `              tag: '${tag}'   # search`, 16: `              digest: ${digest}` },
  },
  {
    // MatrixGenerator.Generators nests a ListGenerator; fasttemplate parameters ({{image}}) in the template.
    name: 'ApplicationSet list element inside a matrix generator holding the whole reference, CRLF kept',
    file: 'applicationset/matrix-elements.yaml',
    lines: { 17: `                  image: "${search}:${tag}@${digest}"\r` },
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

describe('ApplicationSets whose image comes from a generator parameter are refused, naming file and line, and nothing is written', () => {
  const refusals = [
    {
      name: 'a values map whose tag is a parameter',
      file: 'applicationset-refusals/tag-parameter.yaml',
      error:
        /tag-parameter\.yaml:27: ApplicationSet search: the tag of registry\.example\.com\/shop\/search comes from the generator parameter \{\{ \.tag \}\}; .* pin the image in the list generator's element \(image: registry\.example\.com\/shop\/search:<tag>@<digest>, or a map with repository, tag and digest\) or in the values file instead/,
    },
    {
      name: 'a kustomize.images override whose tag is a parameter',
      file: 'applicationset-refusals/reference-parameter.yaml',
      error:
        /reference-parameter\.yaml:25: ApplicationSet search-kustomize: the tag of registry\.example\.com\/shop\/search comes from the generator parameter \{\{ \.tag \}\}/,
    },
    {
      name: 'a repository parameter that a list element sets in keys of its own',
      file: 'applicationset-refusals/element-keys.yaml',
      error:
        /element-keys\.yaml:27: ApplicationSet search-split: the image repository of registry\.example\.com\/shop\/search comes from the generator parameter \{\{ \.repo \}\} \(set by the list element at line 11, key repo\)/,
    },
  ];

  it.each(refusals)('$name', ({ file, error }) => {
    const before = read(file);
    expect(() => rewritePins(before, file, [target])).toThrow(error);
    expect(() => setImages(new Map([[file, before]]), [target])).toThrow(error);
  });

  it('leaves the parameterised pin alone when another image is promoted, and edits that one', () => {
    const file = 'applicationset-refusals/tag-parameter.yaml';
    const before = read(file);
    const indexer = { repository: `${search}-indexer`, tag, digest };
    const result = rewritePins(before, file, [indexer]);
    expect(result.text).toBe(expectedText(before, { 30: `              image: ${search}-indexer:${tag}@${digest}` }));
  });

  it('refuses to set a chart revision on a targetRevision that is a generator parameter', () => {
    const file = 'applicationset-refusals/revision-parameter.yaml';
    const before = read(file);
    expect(rewritePins(before, file, [target]).changed).toBe(true);
    expect(() => rewritePins(before, file, [{ ...target, chartRevision: '0.5.0' }])).toThrow(
      /revision-parameter\.yaml:22: ApplicationSet search-revision: targetRevision comes from the generator parameter \{\{ \.revision \}\}; promotion cannot set the chart revision 0\.5\.0 here/,
    );
  });
});
