import { describe, expect, it } from 'vitest';
import { splitTag } from './tag-and-digest.ts';

const digest = `sha256:${'ef'.repeat(32)}`;

describe('splitTag: a Helm tag that carries its digest', () => {
  it.each([
    [`v1.2.3@${digest}`, { tag: 'v1.2.3', digest }],
    ['v1.2.3', { tag: 'v1.2.3' }],
    ['v1@sha256:short', { tag: 'v1@sha256:short' }],
    [undefined, {}],
  ])('%s', (text, expected) => {
    expect(splitTag(text)).toEqual(expected);
  });
});
