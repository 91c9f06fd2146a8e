import { describe, expect, it } from 'vitest';
import { imageTags, ociLabels, sanitizeTag, TagRuleError } from './tags.ts';
import type { GitContext } from './tags.ts';

const sha = '860c1904a1ce19322e91ac35af1ab07466440c37';

describe('image tags (docker/metadata-action default rules)', () => {
  const table: Array<{ name: string; context: GitContext; tags: string[]; immutable: string[]; primary: string; version: string }> = [
    {
      name: 'push to main',
      context: { eventName: 'push', ref: 'refs/heads/main', sha },
      tags: ['main', 'sha-860c190'],
      immutable: ['sha-860c190'],
      primary: 'sha-860c190',
      version: 'main',
    },
    {
      name: 'push to a branch with a slash',
      context: { eventName: 'push', ref: 'refs/heads/feature/Cart#2', sha },
      tags: ['feature-Cart-2', 'sha-860c190'],
      immutable: ['sha-860c190'],
      primary: 'sha-860c190',
      version: 'feature-Cart-2',
    },
    {
      name: 'pull request from the payload number',
      context: { eventName: 'pull_request', ref: 'refs/pull/15/merge', sha, pullRequestNumber: 15 },
      tags: ['pr-15', 'sha-860c190'],
      immutable: ['sha-860c190'],
      primary: 'sha-860c190',
      version: 'pr-15',
    },
    {
      name: 'pull request number from the ref',
      context: { eventName: 'pull_request_target', ref: 'refs/pull/7/merge', sha },
      tags: ['pr-7', 'sha-860c190'],
      immutable: ['sha-860c190'],
      primary: 'sha-860c190',
      version: 'pr-7',
    },
    {
      name: 'semver tag with v',
      context: { eventName: 'push', ref: 'refs/tags/v1.2.3', sha },
      tags: ['1.2.3', '1.2', '1', 'latest', 'sha-860c190'],
      immutable: ['1.2.3', 'sha-860c190'],
      primary: '1.2.3',
      version: '1.2.3',
    },
    {
      name: 'semver tag with major 0 gets no major tag',
      context: { eventName: 'push', ref: 'refs/tags/0.4.1', sha },
      tags: ['0.4.1', '0.4', 'latest', 'sha-860c190'],
      immutable: ['0.4.1', 'sha-860c190'],
      primary: '0.4.1',
      version: '0.4.1',
    },
    {
      name: 'prerelease gets only its version',
      context: { eventName: 'push', ref: 'refs/tags/v2.0.0-rc.1', sha },
      tags: ['2.0.0-rc.1', 'sha-860c190'],
      immutable: ['2.0.0-rc.1', 'sha-860c190'],
      primary: '2.0.0-rc.1',
      version: '2.0.0-rc.1',
    },
    {
      name: 'build metadata is dropped from the version',
      context: { eventName: 'push', ref: 'refs/tags/v1.0.0+build.5', sha },
      tags: ['1.0.0', '1.0', '1', 'latest', 'sha-860c190'],
      immutable: ['1.0.0', 'sha-860c190'],
      primary: '1.0.0',
      version: '1.0.0',
    },
    {
      name: 'non-semver tag',
      context: { eventName: 'push', ref: 'refs/tags/release/2026-11', sha },
      tags: ['release-2026-11', 'sha-860c190'],
      immutable: ['release-2026-11', 'sha-860c190'],
      primary: 'release-2026-11',
      version: 'release-2026-11',
    },
    {
      name: 'workflow_dispatch on a branch',
      context: { eventName: 'workflow_dispatch', ref: 'refs/heads/main', sha },
      tags: ['main', 'sha-860c190'],
      immutable: ['sha-860c190'],
      primary: 'sha-860c190',
      version: 'main',
    },
    {
      name: 'detached (no ref)',
      context: { eventName: 'push', ref: '', sha },
      tags: ['sha-860c190'],
      immutable: ['sha-860c190'],
      primary: 'sha-860c190',
      version: 'sha-860c190',
    },
  ];

  it.each(table)('$name', ({ context, tags, immutable, primary, version }) => {
    const decision = imageTags(context);
    expect(decision.tags.map((tag) => tag.tag)).toEqual(tags);
    expect(decision.tags.filter((tag) => !tag.mutable).map((tag) => tag.tag)).toEqual(immutable);
    expect(decision.primary).toBe(primary);
    expect(decision.version).toBe(version);
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
