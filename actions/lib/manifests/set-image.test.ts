import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseImageAssignment, setImages } from './set-image.ts';

const layouts = new URL('../../test-support/fixtures/layouts/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, layouts), 'utf8');
const digest = `sha256:${'cd'.repeat(32)}`;
const otherDigest = `sha256:${'ef'.repeat(32)}`;

/** The text with the given 1-based lines replaced; every other byte as before. */
function withLines(before: string, lines: Record<number, string>): string {
  return before
    .split('\n')
    .map((line, index) => lines[index + 1] ?? line)
    .join('\n');
}

describe('setImages: Docker Hub spellings are one repository (distribution/reference v0.6.0 normalize.go)', () => {
  const file = 'docker-hub-spellings.yaml';
  const expected = {
    11: `          image: nginx:1.27.1@${digest}`,
    13: `          image: library/nginx:1.27.1@${digest}   # official image, explicit namespace`,
    16: `          image: "docker.io/library/nginx:1.27.1@${digest}"`,
    18: `          image: index.docker.io/library/nginx:1.27.1@${digest}`,
  };

  it.each(['nginx', 'library/nginx', 'docker.io/library/nginx', 'index.docker.io/library/nginx', 'docker.io/nginx'])(
    'asked as %s: every spelling changes, keeping its own spelling; other repositories stay',
    (asked) => {
      const before = read(file);
      const result = setImages(new Map([[file, before]]), [{ repository: asked, tag: '1.27.1', digest }]);
      expect(result.files.get(file)).toBe(withLines(before, expected));
      expect(result.edits.map((edit) => [edit.line, edit.repository, edit.requested])).toEqual([
        [11, 'nginx', asked],
        [13, 'library/nginx', asked],
        [16, 'docker.io/library/nginx', asked],
        [18, 'index.docker.io/library/nginx', asked],
      ]);
    },
  );

  it('refuses one repository given twice with different images, in any spelling, and changes nothing', () => {
    const files = new Map([[file, read(file)]]);
    expect(() =>
      setImages(files, [
        { repository: 'nginx', tag: '1.27.1', digest },
        { repository: 'docker.io/library/nginx', tag: '1.27.2', digest: otherDigest },
      ]),
    ).toThrow(
      /docker\.io\/library\/nginx is given twice with different images: nginx:1\.27\.1@.* and docker\.io\/library\/nginx:1\.27\.2@.*give each repository once/,
    );
  });

  it('accepts the same image given twice', () => {
    const result = setImages(new Map([[file, read(file)]]), [
      { repository: 'nginx', tag: '1.27.1', digest },
      { repository: 'nginx', tag: '1.27.1', digest },
    ]);
    expect(result.edits).toHaveLength(4);
  });

  it('an assignment may spell the repository differently on each side', () => {
    expect(parseImageAssignment(`nginx=docker.io/library/nginx:1.27.1@${digest}`)).toEqual({ repository: 'nginx', tag: '1.27.1', digest });
    expect(() => parseImageAssignment(`nginx=quay.io/nginx:1.27.1@${digest}`)).toThrow(/names repository quay\.io\/nginx, not nginx/);
  });
});

describe('setImages: Helm values split into registry + repository + tag (+ digest or sha)', () => {
  const file = 'values-split-image-values.yaml';
  const bitnamiOnHub = {
    9: `  tag: 1.27.3   # chart default`,
    10: `  digest: "${digest}"`,
  };

  it.each([
    ['the full name', 'docker.io/bitnami/nginx', bitnamiOnHub],
    ['the short name, which is on docker.io only', 'bitnami/nginx', bitnamiOnHub],
    ['the mirror, another repository', 'registry.example.com/bitnami/nginx', { 18: `    tag: 1.27.3`, 19: `    digest: "${digest}"` }],
    [
      'kube-prometheus-stack style: sha stays bare hex',
      'quay.io/prometheus/prometheus',
      { 26: `      tag: 1.27.3`, 27: `      sha: "${digest.slice('sha256:'.length)}"` },
    ],
    [
      'Grafana style: sha stays bare hex, quoting kept',
      'grafana/grafana',
      { 33: `    tag: "1.27.3"`, 34: `    sha: '${digest.slice('sha256:'.length)}'` },
    ],
    [
      'a chart that holds sha256:<hex> in sha: the prefix stays',
      'quay.io/example/exporter',
      { 41: `    tag: 1.27.3`, 42: `    sha: ${digest}   # rendered as @{{ sha }}` },
    ],
  ])('%s (%s) changes exactly its lines', (_name, repository, lines) => {
    const before = read(file);
    const result = setImages(new Map([[file, before]]), [{ repository, tag: '1.27.3', digest }]);
    expect(result.files.get(file)).toBe(withLines(before, lines));
    expect(result.edits.every((edit) => edit.style === 'values-map')).toBe(true);
  });

  it('reads each split image as its full name, its sha as a digest', () => {
    const result = setImages(new Map([[file, read(file)]]), [{ repository: 'quay.io/prometheus/prometheus', tag: 'v3.5.0', digest }]);
    expect(
      result.edits.map(({ line, repository, tag: pinTag, digest: pinDigest }) => ({ line, repository, tag: pinTag, digest: pinDigest })),
    ).toEqual([{ line: 25, repository: 'quay.io/prometheus/prometheus', tag: 'v3.5.0', digest: `sha256:${'1'.repeat(64)}` }]);
  });

  it.each([
    [
      'a registry that is an alias',
      'bitnami/redis',
      /values-split-image-refusals\.yaml:6: the registry of this image is an alias \(\*hub\).*write the registry here as plain text \(registry: docker\.io\)/,
    ],
    [
      'an empty sha',
      'quay.io/oliver006/redis_exporter',
      /values-split-image-refusals\.yaml:16: sha is empty.*write the current digest once in the form this chart renders/,
    ],
    [
      'a repository prefix shared by many images',
      'registry.example.com/shop',
      /values-split-image-refusals\.yaml:19: 'images\.repository' \(registry\.example\.com\/shop\) is a prefix the chart completes per image/,
    ],
  ])('refuses %s with file and line, writing nothing', (_name, repository, message) => {
    const refusals = 'values-split-image-refusals.yaml';
    expect(() => setImages(new Map([[refusals, read(refusals)]]), [{ repository, tag: '1.0.0', digest }])).toThrow(message);
  });

  it('global.imageRegistry replaces each image registry, as the charts render it', () => {
    const globalFile = 'values-split-image-global-registry.yaml';
    const files = new Map([[globalFile, read(globalFile)]]);
    expect(() => setImages(files, [{ repository: 'docker.io/bitnami/nginx', tag: '1.27.3', digest }])).toThrow(/pinned nowhere/);
    const result = setImages(files, [{ repository: 'mirror.example.com/bitnami/nginx', tag: '1.27.3', digest }]);
    expect(result.files.get(globalFile)).toBe(withLines(read(globalFile), { 8: '  tag: 1.27.3', 9: `  digest: "${digest}"` }));
  });
});
