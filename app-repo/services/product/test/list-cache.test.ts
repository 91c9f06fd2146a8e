import { describe, expect, it } from 'vitest';
import { createListCache } from '../src/list-cache.ts';

describe('the catalog page cache', () => {
  it('serves a page until it expires', () => {
    let now = 1000;
    const cache = createListCache(500, 10, () => now);
    cache.set('a', 'page', cache.generation());
    expect(cache.get('a')).toBe('page');
    now = 1499;
    expect(cache.get('a')).toBe('page');
    now = 1500;
    expect(cache.get('a')).toBeUndefined();
  });

  it('forgets everything on a write, and never keeps a page computed during one', () => {
    const cache = createListCache(60_000);
    cache.set('a', 'old', cache.generation());
    const before = cache.generation();
    cache.clear();
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', 'computed before the write', before);
    expect(cache.get('a')).toBeUndefined();
    cache.set('a', 'fresh', cache.generation());
    expect(cache.get('a')).toBe('fresh');
  });

  it('keeps nothing when disabled, and at most maxEntries pages', () => {
    const off = createListCache(0);
    off.set('a', 'x', off.generation());
    expect(off.get('a')).toBeUndefined();
    const small = createListCache(60_000, 2);
    for (const key of ['a', 'b', 'c']) small.set(key, key, small.generation());
    expect([small.get('a'), small.get('b'), small.get('c')]).toEqual([undefined, 'b', 'c']);
  });
});
