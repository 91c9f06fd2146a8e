import { describe, expect, it } from 'vitest';
import { RequestError } from './api/request-error.ts';
import type { RequestFailure } from './api/request-error.ts';
import type { Cart, Problem, ProblemFieldError } from './api/shop-types.ts';
import {
  attemptAfterFailure,
  attemptFor,
  checkoutFailureOf,
  checkoutFingerprint,
  isStillRunning,
  newIdempotencyKey,
} from './checkout-attempt.ts';

const cart: Cart = {
  id: 'c1',
  currency: 'USD',
  items: [{ productId: 1, name: 'Mug', imageUrl: '/x.svg', unitPriceCents: 100, quantity: 2, lineTotalCents: 200 }],
  itemCount: 2,
  subtotalCents: 200,
};
const ada = { name: 'Ada Lovelace', email: 'ada@example.com' };

function keys() {
  let n = 0;
  return () => `key-${++n}`;
}

describe('attemptFor', () => {
  it('makes a key for the first submit and reuses it while the same thing is ordered', () => {
    const makeKey = keys();
    const first = attemptFor(undefined, checkoutFingerprint(ada, cart), makeKey);
    const again = attemptFor(first, checkoutFingerprint({ name: ' Ada Lovelace ', email: 'ADA@example.com' }, cart), makeKey);
    expect(first.key).toBe('key-1');
    expect(again).toBe(first);
  });

  it.each([
    ['another quantity', ada, { ...cart, items: [{ ...cart.items[0]!, quantity: 3, lineTotalCents: 300 }] }],
    ['another product', ada, { ...cart, items: [{ ...cart.items[0]!, productId: 2 }] }],
    ['another customer', { name: 'Grace Hopper', email: 'grace@example.com' }, cart],
    ['another email', { ...ada, email: 'ada@example.org' }, cart],
  ])('starts a new attempt with a new key for %s', (_case, customer, changedCart) => {
    const makeKey = keys();
    const first = attemptFor(undefined, checkoutFingerprint(ada, cart), makeKey);
    const next = attemptFor(first, checkoutFingerprint(customer, changedCart), makeKey);
    expect(next.key).toBe('key-2');
  });
});

describe('attemptAfterFailure', () => {
  const attempt = { key: 'k', fingerprint: 'f' };
  it.each<[RequestFailure | undefined, boolean]>([
    ['unavailable', true],
    ['server', true],
    [undefined, true],
    ['conflict', false],
    ['invalid', false],
    ['not-found', false],
  ])('after a %s failure the key is kept: %s', (failure, kept) => {
    expect(attemptAfterFailure(attempt, failure)).toBe(kept ? attempt : undefined);
  });
});

describe('newIdempotencyKey', () => {
  it('formats 16 random bytes as a version 4 UUID', () => {
    const key = newIdempotencyKey((bytes) => bytes.fill(0xff));
    expect(key).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(newIdempotencyKey((bytes) => bytes.fill(0))).toBe('00000000-0000-4000-8000-000000000000');
  });

  it('gives a different key every time with the real random source', () => {
    const made = new Set(Array.from({ length: 50 }, () => newIdempotencyKey()));
    expect(made.size).toBe(50);
    for (const key of made) expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('isStillRunning', () => {
  it.each([
    [{ status: 409, type: 'https://slipway.dev/problems/request-in-progress' }, true],
    [{ status: 409, type: 'https://slipway.dev/problems/insufficient-stock' }, false],
    [{ status: 409 }, false],
    [{ status: 422, type: 'https://slipway.dev/problems/request-in-progress' }, false],
    [undefined, false],
  ])('%j → %s', (problem, expected) => {
    expect(isStillRunning(problem)).toBe(expected);
  });
});

describe('checkoutFailureOf', () => {
  const refused = (failure: RequestFailure, status: number, problem: Problem) =>
    new RequestError(failure, problem.detail ?? 'refused', status, problem);
  /** A problem document as the services answer (RFC 9457, its type under slipway.dev/problems/). */
  const problemDocument = (slug: string, title: string, status: number, detail: string, errors?: ProblemFieldError[]): Problem => ({
    type: `https://slipway.dev/problems/${slug}`,
    title,
    status,
    detail,
    ...(errors ? { errors } : {}),
  });
  const stock = problemDocument('insufficient-stock', 'Insufficient stock', 409, 'Some products ran out.', []);
  const badEmail = problemDocument('bad-request', 'Bad request', 400, 'The request body is invalid.', [
    { field: 'customer.email', message: 'must match format "email"' },
  ]);
  const badKey = problemDocument('bad-request', 'Bad request', 400, 'Send an Idempotency-Key header.', [
    { field: 'Idempotency-Key', message: 'is required' },
  ]);
  const stillRunning = problemDocument('request-in-progress', 'Request in progress', 409, 'Still running.');

  it.each([
    [
      'a stock conflict: shown as the conflict, not on top; a new attempt',
      refused('conflict', 409, stock),
      { kind: 'conflict', canRetry: false, showsOnTop: false, message: 'Some products ran out.' },
    ],
    [
      'a refusal naming the customer: shown beside the fields',
      refused('invalid', 400, badEmail),
      { kind: 'invalid', canRetry: false, showsOnTop: false },
    ],
    [
      'a refusal naming anything else: shown on top',
      refused('invalid', 400, badKey),
      { kind: 'invalid', canRetry: false, showsOnTop: true, message: 'Send an Idempotency-Key header.' },
    ],
    [
      'a request still running after every retry: outcome unknown',
      refused('conflict', 409, stillRunning),
      { kind: 'server', canRetry: true, showsOnTop: true },
    ],
    [
      'a service not answering',
      new RequestError('unavailable', 'could not reach /api/orders'),
      { kind: 'unavailable', canRetry: true, showsOnTop: true, message: expect.stringMatching(/not responding right now/) },
    ],
    [
      'an error without an answer',
      new Error('boom'),
      { kind: undefined, canRetry: true, showsOnTop: true, message: 'Something went wrong. Please try again.' },
    ],
  ])('%s', (_case, error, expected) => {
    expect(checkoutFailureOf(error)).toMatchObject(expected);
  });

  it('keeps the problem for the page to read the shortages or field errors from', () => {
    expect(checkoutFailureOf(refused('conflict', 409, stock)).problem).toBe(stock);
    expect(checkoutFailureOf(new Error('boom')).problem).toBeUndefined();
  });
});
