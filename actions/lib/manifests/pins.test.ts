import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPins, rewritePins } from './pins.ts';
import type { ImageRewrite } from './pins.ts';
import { expectedText } from '../../test-support/expected-text.ts';

const corpus = new URL('../../test-support/fixtures/corpus/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, corpus), 'utf8');

const ecr = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/slipway';
const digest = `sha256:${'ab'.repeat(32)}`;
const tag = 'sha-9f8e7d6';

/**
 * Each case: a corpus file, the image to promote, and every line the promotion may change
 * (1-based line → new line text; an array replaces one line with several). Every other byte
 * must stay identical.
 */
const cases: { name: string; file: string; target: ImageRewrite; lines: Record<number, string | string[]> }[] = [
  {
    name: 'Argo CD Application, helm.valuesObject with quoted values, trailing comments and the chart revision',
    file: 'argocd-values-object.yaml',
    target: { repository: `${ecr}/product`, tag, digest, chartRevision: 'v0.4.0' },
    lines: {
      17: '    targetRevision: v0.4.0   # chart revision',
      27: `          tag: '${tag}'  # built from main`,
      28: `          digest: "${digest}"`,
    },
  },
  {
    name: 'multi-source Application: only the source holding the image gets the chart revision',
    file: 'argocd-multi-source.yaml',
    target: { repository: `${ecr}/cart`, tag, digest, chartRevision: '0.4.0' },
    lines: { 15: '      targetRevision: 0.4.0', 22: `            tag: ${tag}`, 23: `            digest: ${digest}` },
  },
  {
    name: 'helm.parameters selected by name, not position; the sidecar parameters stay',
    file: 'argocd-helm-parameters.yaml',
    target: { repository: `${ecr}/order`, tag, digest },
    lines: { 15: `          value: "${tag}"`, 23: `          value: ${digest}` },
  },
  {
    name: 'helm.values string (literal block) in a CRLF file',
    file: 'argocd-helm-values-string.crlf.yaml',
    target: { repository: `${ecr}/frontend`, tag, digest, chartRevision: 'v0.4.0' },
    lines: { 9: '    targetRevision: v0.4.0\r', 15: `          tag: ${tag}   # keep me\r`, 16: `          digest: ${digest}\r` },
  },
  {
    name: 'podinfo-style chart values without a digest value: the tag carries the digest',
    file: 'podinfo-values.yaml',
    target: { repository: 'ghcr.io/stefanprodan/podinfo', tag: '6.9.3', digest },
    lines: { 25: `  tag: 6.9.3@${digest}` },
  },
  {
    name: 'Kustomize overlay images: entry matched by newName',
    file: 'overlays/prod/kustomization.yaml',
    target: { repository: `${ecr}/app`, tag, digest },
    lines: { 10: `    newTag: ${tag} # prod`, 11: `    digest: ${digest}` },
  },
  {
    name: 'Kustomize overlay images: an entry without digest gains one right after newTag',
    file: 'overlays/prod/kustomization.yaml',
    target: { repository: `${ecr}/worker`, tag, digest },
    lines: { 15: [`    newTag: ${tag}`, `    digest: ${digest}`] },
  },
  {
    name: 'plain workloads in a multi-document file: exact repository only (app, not app-sidecar), block scalars untouched',
    file: 'workloads.yaml',
    target: { repository: `${ecr}/app`, tag, digest },
    lines: {
      18: `          image: ${ecr}/app:${tag}@${digest}`,
      22: `          image: "${ecr}/app:${tag}@${digest}"   # pinned by promotion`,
      46: `              image: ${ecr}/app:${tag}@${digest}`,
    },
  },
  {
    name: 'values with anchors, merge keys, folded and keep-chomping block scalars',
    file: 'anchors-values.yaml',
    target: { repository: 'registry.example.com/shop/product', tag, digest },
    lines: { 12: `    tag: ${tag}`, 13: `    digest: ${digest}` },
  },
  {
    name: 'Argo CD example-apps style Helm values: a numeric-looking tag stays a string',
    file: 'guestbook/helm/values.yaml',
    target: { repository: 'gcr.io/heptio-images/ks-guestbook-demo', tag: '0.2', digest },
    lines: { 8: `  tag: 0.2@${digest}` },
  },
  {
    name: 'Argo CD example-apps style deployment with an unindented container list',
    file: 'guestbook/kustomize/guestbook-ui-deployment.yaml',
    target: { repository: 'gcr.io/heptio-images/ks-guestbook-demo', tag: '0.2', digest },
    lines: { 17: `      - image: gcr.io/heptio-images/ks-guestbook-demo:0.2@${digest}` },
  },
  {
    name: 'helm.values as a double-quoted string stays one escaped line, with its trailing comment',
    file: 'guestbook/application-values-string.yaml',
    target: { repository: 'gcr.io/heptio-images/ks-guestbook-demo', tag: '0.2', digest, chartRevision: 'v1.0.0' },
    lines: {
      10: '    targetRevision: v1.0.0',
      13: `      values: "image:\\n  repository: gcr.io/heptio-images/ks-guestbook-demo\\n  tag: \\"0.2@${digest}\\"\\n"   # inline string`,
    },
  },
];

describe('rewritePins over the corpus: the diff touches exactly the expected lines', () => {
  it.each(cases)('$name', ({ file, target, lines }) => {
    const before = read(file);
    const result = rewritePins(before, file, [target]);
    expect(result.changed).toBe(true);
    expect(result.text).toBe(expectedText(before, lines));
    // Idempotent: a second promotion of the same image changes nothing.
    const again = rewritePins(result.text, file, [target]);
    expect(again.changed).toBe(false);
    expect(again.text).toBe(result.text);
    // Every pin of the repository now reads as the promoted image.
    const pins = readPins(result.text, file).filter((pin) => pin.repository === target.repository);
    expect(pins.length).toBeGreaterThan(0);
    for (const pin of pins) expect({ tag: pin.tag, digest: pin.digest }).toEqual({ tag: target.tag, digest: target.digest });
  });

  it('leaves a file that does not pin the repository byte-identical and unparsed', () => {
    const before = read('podinfo-values.yaml');
    const result = rewritePins(before, 'podinfo-values.yaml', [{ repository: `${ecr}/product`, tag, digest }]);
    expect(result).toMatchObject({ changed: false, text: before, edits: [] });
  });
});

describe('readPins', () => {
  it('reads each style with its repository, tag, digest, chart revision and Application', () => {
    const pins = [
      ...readPins(read('argocd-values-object.yaml'), 'a.yaml'),
      ...readPins(read('argocd-helm-parameters.yaml'), 'b.yaml'),
      ...readPins(read('overlays/prod/kustomization.yaml'), 'kustomization.yaml'),
    ].map(({ style, repository, tag: pinTag, digest: pinDigest, chartRevision, application, line }) => ({
      style,
      repository,
      tag: pinTag,
      digest: pinDigest,
      chartRevision,
      application,
      line,
    }));
    expect(pins).toEqual([
      {
        style: 'values-map',
        repository: `${ecr}/product`,
        tag: 'sha-1a2b3c4',
        digest: `sha256:${'0'.repeat(64)}`,
        chartRevision: 'main',
        application: 'product',
        line: 26,
      },
      {
        style: 'helm-parameters',
        repository: `${ecr}/order-sidecar`,
        tag: '1.0.0',
        digest: undefined,
        chartRevision: '0.3.0',
        application: 'order',
        line: 19,
      },
      {
        style: 'helm-parameters',
        repository: `${ecr}/order`,
        tag: 'sha-bbbbbbb',
        digest: `sha256:${'2'.repeat(64)}`,
        chartRevision: '0.3.0',
        application: 'order',
        line: 26,
      },
      {
        style: 'kustomize-images',
        repository: `${ecr}/app`,
        tag: 'sha-ddddddd',
        digest: `sha256:${'4'.repeat(64)}`,
        chartRevision: undefined,
        application: undefined,
        line: 8,
      },
      {
        style: 'kustomize-images',
        repository: `${ecr}/app-sidecar`,
        tag: '1.4.0',
        digest: undefined,
        chartRevision: undefined,
        application: undefined,
        line: 12,
      },
      {
        style: 'kustomize-images',
        repository: `${ecr}/worker`,
        tag: 'sha-eeeeeee',
        digest: undefined,
        chartRevision: undefined,
        application: undefined,
        line: 14,
      },
    ]);
  });
});

describe('rewritePins keeps values strings and refuses what it cannot edit safely', () => {
  it('quotes a plain tag that would otherwise read back as a number', () => {
    const text = 'image:\n  repository: r.example/app\n  tag: latest\n  digest: ""\n';
    const result = rewritePins(text, 'v.yaml', [{ repository: 'r.example/app', tag: '1.10', digest }]);
    expect(result.text).toBe(`image:\n  repository: r.example/app\n  tag: "1.10"\n  digest: "${digest}"\n`);
  });

  it('rewrites a helm parameter holding a whole reference, by name, and never its -sidecar neighbour', () => {
    const text = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata: {name: worker}',
      'spec:',
      '  source:',
      '    repoURL: https://example.com/charts.git',
      '    targetRevision: 1.0.0',
      '    helm:',
      '      parameters:',
      '        - {name: sidecar.image, value: "r.example/app-sidecar:1"}',
      '        - name: worker.image',
      '          value: r.example/app:1',
      '',
    ].join('\n');
    const result = rewritePins(text, 'worker.yaml', [{ repository: 'r.example/app', tag: '2', digest }]);
    expect(result.edits.map((edit) => [edit.style, edit.line])).toEqual([['helm-parameters', 12]]);
    expect(result.text).toBe(text.replace('          value: r.example/app:1', `          value: r.example/app:2@${digest}`));
  });

  it('rewrites Argo CD kustomize.images overrides, keeping an old-name= prefix', () => {
    const text = [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: Application',
      'metadata:',
      '  name: guestbook',
      'spec:',
      '  source:',
      '    repoURL: https://github.com/argoproj/argocd-example-apps.git',
      '    path: kustomize-guestbook',
      '    targetRevision: HEAD',
      '    kustomize:',
      '      images:',
      "        - 'gcr.io/heptio-images/ks-guestbook-demo=r.example/guestbook:0.1'  # override",
      '        - r.example/guestbook-sidecar:0.1',
      '',
    ].join('\n');
    const result = rewritePins(text, 'guestbook.yaml', [{ repository: 'r.example/guestbook', tag: '0.2', digest, chartRevision: 'v2' }]);
    expect(result.edits.map((edit) => [edit.style, edit.line, edit.tag])).toEqual([['kustomize-images', 12, '0.1']]);
    expect(result.text).toBe(
      text
        .replace('    targetRevision: HEAD', '    targetRevision: v2')
        .replace(
          "'gcr.io/heptio-images/ks-guestbook-demo=r.example/guestbook:0.1'",
          `'gcr.io/heptio-images/ks-guestbook-demo=r.example/guestbook:0.2@${digest}'`,
        ),
    );
  });

  it('edits inside flow maps in place', () => {
    const text = 'image: {repository: r.example/app, tag: v1, digest: ""}  # flow\nc: {image: r.example/app:v1}\n';
    const result = rewritePins(text, 'flow.yaml', [{ repository: 'r.example/app', tag: 'v2', digest }]);
    expect(result.text).toBe(
      `image: {repository: r.example/app, tag: v2, digest: "${digest}"}  # flow\nc: {image: r.example/app:v2@${digest}}\n`,
    );
  });

  it('refuses a tag that is an alias of an anchor used elsewhere', () => {
    const text = 'version: &v sha-1\nimage:\n  repository: r.example/app\n  tag: *v\n';
    expect(() => rewritePins(text, 'v.yaml', [{ repository: 'r.example/app', tag, digest }])).toThrow(/v\.yaml:4: tag is an alias \(\*v\)/);
  });

  it('refuses a tag that carries an anchor another place uses as an alias', () => {
    const text = 'image:\n  repository: r.example/app\n  tag: &v sha-1\nother:\n  tag: *v\n';
    expect(() => rewritePins(text, 'v.yaml', [{ repository: 'r.example/app', tag, digest }])).toThrow(
      /v\.yaml:3: tag carries the anchor &v, used elsewhere as \*v/,
    );
    const image = 'containers:\n  - image: &img r.example/app:1\n  - image: *img\n';
    expect(() => rewritePins(image, 'w.yaml', [{ repository: 'r.example/app', tag, digest }])).toThrow(
      /w\.yaml:2: image carries the anchor &img/,
    );
  });

  const old = `sha256:${'00'.repeat(32)}`;
  const mergeCases: { name: string; text: string; expected: string }[] = [
    {
      name: 'a map that merges its repository and overrides the tag is a pin of its own',
      text: 'base: &base\n  repository: r.example/app\nimage:\n  <<: *base\n  tag: v1  # own tag\n',
      expected: `base: &base\n  repository: r.example/app\nimage:\n  <<: *base\n  tag: v2@${digest}  # own tag\n`,
    },
    {
      name: 'the anchored pin and the map overriding its tag both move; the merged digest is written once, in the anchor',
      text: `defaults: &d\n  repository: r.example/app\n  tag: v1\n  digest: ${old}\nprod:\n  <<: *d\n  tag: v0  # prod\n`,
      expected: `defaults: &d\n  repository: r.example/app\n  tag: v2\n  digest: ${digest}\nprod:\n  <<: *d\n  tag: v2  # prod\n`,
    },
    {
      name: 'a list of merged maps',
      text: `a: &a {pullPolicy: Always}\nb: &b {repository: r.example/app}\nimage:\n  <<: [*a, *b]\n  tag: v1\n  digest: ${old}\n`,
      expected: `a: &a {pullPolicy: Always}\nb: &b {repository: r.example/app}\nimage:\n  <<: [*a, *b]\n  tag: v2\n  digest: ${digest}\n`,
    },
  ];

  it.each(mergeCases)('merge keys: $name', ({ text, expected }) => {
    const result = rewritePins(text, 'values.yaml', [{ repository: 'r.example/app', tag: 'v2', digest }]);
    expect(result.text).toBe(expected);
    // Every pin reads as the promoted image, merged values included (promotion validates exactly this).
    const pins = readPins(result.text, 'values.yaml');
    expect(pins.length).toBeGreaterThan(0);
    for (const pin of pins) expect({ tag: pin.tag, digest: pin.digest }).toEqual({ tag: 'v2', digest });
  });

  it('refuses to move a tag that another image merges in with <<, and a digest merged from another image', () => {
    const shared = 'defaults: &d\n  repository: r.example/app\n  tag: v1\nworker:\n  <<: *d\n  repository: r.example/worker\n';
    expect(() => rewritePins(shared, 'values.yaml', [{ repository: 'r.example/app', tag: 'v2', digest }])).toThrow(
      /values\.yaml:5: this map merges the tag of r\.example\/app \(line 2\)/,
    );
    const own = `${shared}  tag: w1\n`;
    expect(rewritePins(own, 'values.yaml', [{ repository: 'r.example/app', tag: 'v2', digest }]).text).toBe(
      own.replace('  tag: v1', `  tag: v2@${digest}`),
    );
    const borrowed = `defaults: &d\n  repository: r.example/other\n  tag: v1\n  digest: ${old}\napp:\n  <<: *d\n  repository: r.example/app\n  tag: v1\n`;
    expect(() => rewritePins(borrowed, 'values.yaml', [{ repository: 'r.example/app', tag: 'v2', digest }])).toThrow(
      /takes its digest from a map merged in with <</,
    );
  });

  it('refuses a chart revision when the Application source has no targetRevision', () => {
    const text = read('argocd-values-object.yaml').replace('    targetRevision: main   # chart revision\n', '');
    expect(() => rewritePins(text, 'app.yaml', [{ repository: `${ecr}/product`, tag, digest, chartRevision: '1.0.0' }])).toThrow(
      /no targetRevision/,
    );
  });
});
