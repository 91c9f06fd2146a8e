/**
 * A short-lived cache of serialised catalog pages. The catalog is read far more than written:
 * a page is computed once and served as ready JSON text until it expires or this replica writes.
 * Other replicas' writes show within `ttlMs`; checkout never trusts this, it reserves atomically.
 */
export interface ListCache {
  get(key: string): string | undefined;
  /** The write generation; a page computed during a write is not kept. */
  generation(): number;
  set(key: string, body: string, computedAt: number): void;
  /** Drops every page: called after any write to products or stock. */
  clear(): void;
}

export function createListCache(ttlMs: number, maxEntries = 500, now: () => number = Date.now): ListCache {
  const pages = new Map<string, { body: string; expires: number }>();
  let writes = 0;
  return {
    generation: () => writes,
    get(key) {
      const page = pages.get(key);
      if (!page) return undefined;
      if (page.expires <= now()) {
        pages.delete(key);
        return undefined;
      }
      return page.body;
    },
    set(key, body, computedAt) {
      if (ttlMs <= 0 || computedAt !== writes) return;
      if (pages.size >= maxEntries) pages.delete(pages.keys().next().value as string);
      pages.set(key, { body, expires: now() + ttlMs });
    },
    clear() {
      writes++;
      pages.clear();
    },
  };
}
