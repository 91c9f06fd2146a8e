// Which Idempotency-Key a checkout sends. One key per checkout attempt: a retry or a second click of
// the same attempt (same customer, same cart) reuses it, so the order service places one order.
import type { RequestFailure } from './api/request-error.ts';
import type { Cart, Customer, Problem } from './api/shop-types.ts';

export interface CheckoutAttempt {
  key: string;
  /** What was asked for; a different cart or customer is a different attempt. */
  fingerprint: string;
}

/** Identifies what an attempt orders: the customer and each line's product and quantity. */
export function checkoutFingerprint(customer: Customer, cart: Cart): string {
  const lines = cart.items.map((line) => [line.productId, line.quantity]);
  return JSON.stringify([customer.name.trim(), customer.email.trim().toLowerCase(), lines]);
}

/** The attempt a submit belongs to: the previous one if it asked for the same thing, else a new key. */
export function attemptFor(previous: CheckoutAttempt | undefined, fingerprint: string, makeKey: () => string): CheckoutAttempt {
  if (previous && previous.fingerprint === fingerprint) return previous;
  return { key: makeKey(), fingerprint };
}

/**
 * The attempt to keep after a failed submit. When the outcome is unknown (service unreachable, a 5xx)
 * the order may exist, so a retry must reuse the key. A definite answer (conflict, invalid) ends the
 * attempt: the service would repeat that answer for the same key.
 */
export function attemptAfterFailure(attempt: CheckoutAttempt, failure: RequestFailure | undefined): CheckoutAttempt | undefined {
  return failure === 'unavailable' || failure === 'server' || failure === undefined ? attempt : undefined;
}

/** A random UUID v4. crypto.randomUUID needs a secure context; getRandomValues works on plain http too. */
export function newIdempotencyKey(random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): string {
  const bytes = random(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A 409 that says an earlier request with this key is still being processed (not a stock conflict):
 * the answer is to ask again with the same key shortly.
 */
export function isStillRunning(problem: Problem | undefined): boolean {
  return problem?.status === 409 && (problem.type ?? '').endsWith('/request-in-progress');
}
