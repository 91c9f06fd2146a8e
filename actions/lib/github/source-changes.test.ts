import { afterEach, describe, expect, it } from 'vitest';
import { startCommitsApi } from '../../test-support/github-commits-api.ts';
import type { CommitsApi } from '../../test-support/github-commits-api.ts';
import { formatSourceChanges, sourceChanges } from './source-changes.ts';

const sha = (digit: string): string => digit.repeat(40);
let api: CommitsApi | undefined;
afterEach(async () => api?.close());

describe('the source commits a promotion brings (GitHub API stand-in)', () => {
  it('lists the commits after what runs, newest first, with their pull-request titles, and counts the hidden ones', async () => {
    api = await startCommitsApi('acme', 'shop', [
      { sha: sha('a'), message: 'what prod runs' },
      { sha: sha('b'), message: 'cart: round totals\n\nlong body', pulls: [{ number: 41, title: 'Round cart totals to cents' }] },
      { sha: sha('c'), message: 'docs only' },
      { sha: sha('d'), message: 'product: faster search', pulls: [{ number: 42, title: 'Index product names' }] },
    ]);
    const repository = { owner: 'acme', repo: 'shop', token: 't', apiUrl: api.url };
    const changes = await sourceChanges(repository, sha('a'), sha('d'), 2);
    expect(changes).toMatchObject({ status: 'ahead', total: 3, hidden: 1 });
    expect(formatSourceChanges(changes)).toEqual([
      `- \`dddddddddddd\` product: faster search — [#42](https://github.com/acme/shop/pull/42) Index product names`,
      '- `cccccccccccc` docs only',
      '- … and 1 more commit(s)',
    ]);
    expect(api.requests).toContain(`GET /repos/acme/shop/compare/${sha('a')}...${sha('d')}`);
  });

  it('says when the proposed source is behind what runs', async () => {
    api = await startCommitsApi('acme', 'shop', [
      { sha: sha('a'), message: 'older' },
      { sha: sha('b'), message: 'newer' },
    ]);
    const changes = await sourceChanges({ owner: 'acme', repo: 'shop', token: 't', apiUrl: api.url }, sha('b'), sha('a'));
    expect(formatSourceChanges(changes)).toEqual(['- the proposed source is behind what runs now: check that this is not a step back']);
  });
});
