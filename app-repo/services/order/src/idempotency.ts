/**
 * Idempotency keys for checkout: the first request with a key claims it; a repeat — later or at
 * the same moment — waits for the first to finish and gets the very same answer. A request that
 * failed for a passing reason (an unavailable service) gives the key back so a retry can run.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '@slipway/service-kit';

export interface StoredResponse {
  status: number;
  /** The JSON text of the answer, stored as sent so a replay is byte-identical. */
  body: string;
}

export type Claim = { kind: 'claimed' } | { kind: 'done'; response: StoredResponse } | { kind: 'pending' } | { kind: 'mismatch' };

/** A pending claim older than this belongs to a request that died; the next one may take it over. */
export const STALE_CLAIM_SECONDS = 60;

export function requestHash(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('hex');
}

interface KeyRow {
  request_hash: string;
  state: 'pending' | 'done';
  response_status: number | null;
  response_body: string | null;
}

export async function claimKey(db: Queryable, cartId: string, key: string, hash: string): Promise<Claim> {
  const inserted = await db.query(
    `INSERT INTO idempotency_keys (cart_id, key, request_hash, state) VALUES ($1, $2, $3, 'pending')
     ON CONFLICT (cart_id, key) DO NOTHING RETURNING key`,
    [cartId, key, hash],
  );
  if (inserted.rowCount > 0) return { kind: 'claimed' };
  const { rows } = await db.query<KeyRow>(
    'SELECT request_hash, state, response_status, response_body FROM idempotency_keys WHERE cart_id = $1 AND key = $2',
    [cartId, key],
  );
  const row = rows[0];
  if (!row) return claimKey(db, cartId, key, hash); // released between our insert and select
  if (row.request_hash !== hash) return { kind: 'mismatch' };
  if (row.state === 'done') return { kind: 'done', response: { status: row.response_status ?? 500, body: row.response_body ?? '' } };
  const takenOver = await db.query(
    `UPDATE idempotency_keys SET updated_at = now() WHERE cart_id = $1 AND key = $2 AND state = 'pending'
     AND updated_at < now() - make_interval(secs => $3) RETURNING key`,
    [cartId, key, STALE_CLAIM_SECONDS],
  );
  return takenOver.rowCount > 0 ? { kind: 'claimed' } : { kind: 'pending' };
}

export async function completeKey(db: Queryable, cartId: string, key: string, response: StoredResponse): Promise<void> {
  await db.query(
    `UPDATE idempotency_keys SET state = 'done', response_status = $3, response_body = $4, updated_at = now() WHERE cart_id = $1 AND key = $2`,
    [cartId, key, response.status, response.body],
  );
}

export async function releaseKey(db: Queryable, cartId: string, key: string): Promise<void> {
  await db.query(`DELETE FROM idempotency_keys WHERE cart_id = $1 AND key = $2 AND state = 'pending'`, [cartId, key]);
}
