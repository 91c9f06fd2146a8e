import { describe, expect, it } from 'vitest';
import {
  canonicalRepository,
  formatImageReference,
  isRepository,
  parseImageReference,
  parsePinnedImage,
  sameRepository,
} from './image-reference.ts';

const digest = `sha256:${'0a'.repeat(32)}`;

describe('parseImageReference', () => {
  it.each([
    ['nginx', { repository: 'nginx' }],
    ['library/nginx:1.27', { repository: 'library/nginx', tag: '1.27' }],
    ['localhost:5000/shop/cart:sha-1a2b3c4', { repository: 'localhost:5000/shop/cart', tag: 'sha-1a2b3c4' }],
    [
      `123456789012.dkr.ecr.eu-west-1.amazonaws.com/slipway/product:sha-1a2b3c4@${digest}`,
      { repository: '123456789012.dkr.ecr.eu-west-1.amazonaws.com/slipway/product', tag: 'sha-1a2b3c4', digest },
    ],
    [`ghcr.io/stefanprodan/podinfo@${digest}`, { repository: 'ghcr.io/stefanprodan/podinfo', digest }],
  ])('%s', (text, expected) => {
    expect(parseImageReference(text)).toEqual(expected);
    expect(formatImageReference(expected)).toBe(text);
  });

  it.each([
    ['', /is empty/],
    ['Shop/Product:1', /repository 'Shop\/Product'/],
    ['shop/product:-bad', /the tag '-bad'/],
    ['shop/product:1@sha256:abc', /the digest 'sha256:abc'/],
    ['shop//product', /repository/],
    ['shop/product:1 ', /whitespace/],
  ])('rejects %j', (text, message) => {
    expect(() => parseImageReference(text, '--set product')).toThrow(message);
    expect(() => parseImageReference(text, '--set product')).toThrow(/^--set product:/);
  });

  it('requires tag and digest for promotion', () => {
    expect(() => parsePinnedImage('shop/product:1', 'set')).toThrow(/not pinned/);
    expect(parsePinnedImage(`shop/product:1@${digest}`)).toEqual({ repository: 'shop/product', tag: '1', digest });
  });
});

describe('canonicalRepository (distribution/reference v0.6.0 normalize.go, splitDockerDomain)', () => {
  it.each([
    ['nginx', 'docker.io/library/nginx'],
    ['library/nginx', 'docker.io/library/nginx'],
    ['docker.io/nginx', 'docker.io/library/nginx'],
    ['docker.io/library/nginx', 'docker.io/library/nginx'],
    ['index.docker.io/library/nginx', 'docker.io/library/nginx'],
    ['index.docker.io/nginx', 'docker.io/library/nginx'],
    ['bitnami/nginx', 'docker.io/bitnami/nginx'],
    ['localhost/app', 'localhost/app'],
    ['localhost:5000/app', 'localhost:5000/app'],
    ['registry:5000/app', 'registry:5000/app'],
    ['Registry.Example.COM/shop/app', 'registry.example.com/shop/app'],
    ['Mirror/app', 'mirror/app'],
    ['ghcr.io/stefanprodan/podinfo', 'ghcr.io/stefanprodan/podinfo'],
    ['quay.io/nginx', 'quay.io/nginx'],
  ])('%s is %s', (spelling, canonical) => {
    expect(canonicalRepository(spelling)).toBe(canonical);
  });

  it('tells one repository from another', () => {
    expect(sameRepository('nginx', 'index.docker.io/library/nginx')).toBe(true);
    expect(sameRepository('bitnami/nginx', 'quay.io/bitnami/nginx')).toBe(false);
    expect(sameRepository('nginx', 'nginx-sidecar')).toBe(false);
    expect(sameRepository('localhost/app', 'app')).toBe(false);
  });

  it('accepts an uppercase registry host as a repository, as Docker does', () => {
    expect(isRepository('Registry.Example.com/shop/app')).toBe(true);
    expect(isRepository('Mirror/product')).toBe(true);
    expect(isRepository('Mirror/Product')).toBe(false);
    expect(isRepository('shop/Product')).toBe(false);
  });
});
