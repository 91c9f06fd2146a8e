// Which Idempotency-Key a checkout sends. One key per checkout attempt: a retry or a second click of
// the same attempt (same customer, same cart) reuses it, so the order service places one order.
import { RequestError, describeFailure } from './api/request-error.ts';
import type { RequestFailure } from './api/request-error.ts';
import type { Cart, Customer, Problem } from './api/shop-types.ts';
import { customerErrorsOfProblem } from './customer-form.ts';

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
  return outcomeUnknown(failure) ? attempt : undefined;
}

/** No definite answer (unreachable, a 5xx, an error without an answer): the order may exist. */
function outcomeUnknown(failure: RequestFailure | undefined): boolean {
  return failure === 'unavailable' || failure === 'server' || failure === undefined;
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

/** A failed checkout as the page shows it. */
export interface CheckoutFailure {
  /** What the service answered; a request still running after every retry counts as `server` (outcome unknown). */
  kind: RequestFailure | undefined;
  problem: Problem | undefined;
  /** The sentence to show. */
  message: string;
  /** The order may have got through: trying again with the same key is safe and worth it. */
  canRetry: boolean;
  /** Shown above the form: anything but a stock conflict or a refusal that names the customer's fields (shown beside them). */
  showsOnTop: boolean;
}

export function checkoutFailureOf(error: unknown): CheckoutFailure {
  const problem = error instanceof RequestError ? error.problem : undefined;
  const kind = error instanceof RequestError ? (isStillRunning(problem) ? 'server' : error.failure) : undefined;
  const fieldErrors = customerErrorsOfProblem(problem);
  const namesFields = Boolean(fieldErrors.name || fieldErrors.email);
  return {
    kind,
    problem,
    message: describeFailure(error),
    canRetry: outcomeUnknown(kind),
    showsOnTop: kind !== 'conflict' && !(kind === 'invalid' && namesFields),
  };
}
