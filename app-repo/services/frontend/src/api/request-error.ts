// What went wrong with one call to the shop's API, in words a shopper can act on.
import type { Problem } from './shop-types.ts';

export type RequestFailure =
  /** The service could not be reached, or answered 502/503/504: worth a retry. */
  | 'unavailable'
  /** The thing asked for does not exist. */
  | 'not-found'
  /** The request conflicts with the current state (e.g. stock ran out). */
  | 'conflict'
  /** The request was refused as invalid. */
  | 'invalid'
  /** Anything else the server answered. */
  | 'server';

export class RequestError extends Error {
  readonly failure: RequestFailure;
  readonly status: number | undefined;
  readonly problem: Problem | undefined;

  constructor(failure: RequestFailure, message: string, status?: number, problem?: Problem) {
    super(message);
    this.name = 'RequestError';
    this.failure = failure;
    this.status = status;
    this.problem = problem;
  }
}

/** Sorts an HTTP status into the kind of failure the page shows. */
export function failureOfStatus(status: number): RequestFailure {
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 400 || status === 422) return 'invalid';
  if (status === 502 || status === 503 || status === 504) return 'unavailable';
  return 'server';
}

/** The sentence shown for a failed request; the problem's own detail when the service gave one. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof RequestError)) return 'Something went wrong. Please try again.';
  switch (error.failure) {
    case 'unavailable':
      return 'This part of the shop is not responding right now. Please try again in a moment.';
    case 'not-found':
      return error.problem?.detail ?? 'We could not find what you were looking for.';
    case 'conflict':
    case 'invalid':
      return error.problem?.detail ?? error.message;
    case 'server':
      return 'The shop ran into a problem answering. Please try again.';
  }
}
