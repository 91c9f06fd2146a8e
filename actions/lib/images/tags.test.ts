import { describe, expect, it } from 'vitest';
import { imageTags, ociLabels, sanitizeTag, TagRuleError } from './tags.ts';
import type { GitContext } from './tags.ts';

const sha = '860c1904a1ce19322e91ac35af1ab07466440c37';

const shaTag = 'sha-860c190';

/** What imageTags decides for `context`: every tag, the immutable ones, the primary one and the version. */
function decided(context: GitContext) {
  const decision = imageTags(context);
  return {
    tags: decision.tags.map((tag) => tag.tag),
    immutable: decision.tags.filter((tag) => !tag.mutable).map((tag) => tag.tag),
    primary: decision.primary,
    version: decision.version,
  };
}

describe('image tags (docker/metadata-action default rules)', () => {
  // A branch or a pull request moves: its tag is mutable, and the commit's sha tag is the immutable, primary one.
  it.each<[string, GitContext, string]>([
    ['push to main', { eventName: 'push', ref: 'refs/heads/main', sha }, 'main'],
    ['push to a branch with a slash', { eventName: 'push', ref: 'refs/heads/feature/Cart#2', sha }, 'feature-Cart-2'],
    ['workflow_dispatch on a branch', { eventName: 'workflow_dispatch', ref: 'refs/heads/main', sha }, 'main'],
  ])('%s', (_name, context, version) => {
    expect(decided(context)).toEqual({ tags: [version, shaTag], immutable: [shaTag], primary: shaTag, version });
  });

  // A pull request's commit gets the preview tag pr-<number>-<sha> (immutable, primary), never a sha- tag a release may push.
  it.each<[string, GitContext, string]>([
    ['pull request from the payload number', { eventName: 'pull_request', ref: 'refs/pull/15/merge', sha, pullRequestNumber: 15 }, 'pr-15'],
    ['pull request number from the ref', { eventName: 'pull_request_target', ref: 'refs/pull/7/merge', sha }, 'pr-7'],
  ])('%s', (_name, context, version) => {
    const preview = `${version}-${sha}`;
    expect(decided(context)).toEqual({ tags: [version, preview], immutable: [preview], primary: preview, version });
  });

  // A git tag names a release: its version (first) is immutable and primary; semver adds moving minor, major (not 0) and latest tags.
  it.each<[string, string, string[]]>([
    ['semver tag with v', 'refs/tags/v1.2.3', ['1.2.3', '1.2', '1', 'latest']],
    ['semver tag with major 0 gets no major tag', 'refs/tags/0.4.1', ['0.4.1', '0.4', 'latest']],
    ['prerelease gets only its version', 'refs/tags/v2.0.0-rc.1', ['2.0.0-rc.1']],
    ['build metadata is dropped from the version', 'refs/tags/v1.0.0+build.5', ['1.0.0', '1.0', '1', 'latest']],
    ['non-semver tag', 'refs/tags/release/2026-11', ['release-2026-11']],
  ])('%s', (_name, ref, tags) => {
    const version = tags[0];
    expect(decided({ eventName: 'push', ref, sha })).toEqual({
      tags: [...tags, shaTag],
      immutable: [version, shaTag],
      primary: version,
      version,
    });
  });

  it('detached (no ref): only the sha tag', () => {
    expect(decided({ eventName: 'push', ref: '', sha })).toEqual({ tags: [shaTag], immutable: [shaTag], primary: shaTag, version: shaTag });
  });

  it.each([
    { name: 'short sha', context: { eventName: 'push', ref: 'refs/heads/main', sha: 'abc' }, message: /not a hexadecimal Git SHA/ },
    {
      name: 'pull request without a number',
      context: { eventName: 'pull_request', ref: 'refs/heads/x', sha },
      message: /without a pull request number/,
    },
  ])('refuses $name', ({ context, message }) => {
    expect(() => imageTags(context)).toThrow(TagRuleError);
    expect(() => imageTags(context)).toThrow(message);
  });

  it.each([
    ['main', 'main'],
    ['-dash-start', 'dash-start'],
    ['..dots', 'dots'],
    ['a b  c', 'a-b-c'],
    ['x'.repeat(200), 'x'.repeat(128)],
  ])('sanitises %j to %j', (name, tag) => {
    expect(sanitizeTag(name)).toBe(tag);
  });
});

describe('OCI labels', () => {
  it('carries the org.opencontainers.image keys', () => {
    const labels = ociLabels({
      title: 'cart',
      description: 'Slipway shop: cart',
      repository: 'acme/slipway',
      serverUrl: 'https://github.com/',
      version: '1.2.3',
      revision: sha,
      created: new Date('2026-11-22T04:00:00Z'),
      licenses: 'Apache-2.0',
    });
    expect(labels).toEqual({
      'org.opencontainers.image.title': 'cart',
      'org.opencontainers.image.description': 'Slipway shop: cart',
      'org.opencontainers.image.url': 'https://github.com/acme/slipway',
      'org.opencontainers.image.source': 'https://github.com/acme/slipway',
      'org.opencontainers.image.version': '1.2.3',
      'org.opencontainers.image.created': '2026-11-22T04:00:00.000Z',
      'org.opencontainers.image.revision': sha,
      'org.opencontainers.image.licenses': 'Apache-2.0',
    });
  });

  it('leaves out what it does not know', () => {
    expect(Object.keys(ociLabels({ title: 'x', version: 'main', revision: sha, created: new Date(0) }))).toEqual([
      'org.opencontainers.image.title',
      'org.opencontainers.image.version',
      'org.opencontainers.image.created',
      'org.opencontainers.image.revision',
    ]);
  });
});
