// Every call to the shop's API goes through here: relative /api URLs, JSON in and out,
// RFC 9457 problems turned into RequestError.
import { RequestError, failureOfStatus } from './request-error.ts';
import type { Problem } from './shop-types.ts';

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

async function readProblem(response: Response): Promise<Problem | undefined> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json')) return undefined;
  try {
    return (await response.json()) as Problem;
  } catch {
    return undefined;
  }
}

/** Calls the API and returns the parsed JSON body (undefined for 204). */
export async function requestJson<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      credentials: 'same-origin',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    // A page that moved on cancelled the request: not a failure to show.
    if (options.signal?.aborted || (error instanceof Error && error.name === 'AbortError')) throw error;
    throw new RequestError('unavailable', `could not reach ${path}`);
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    const message = problem?.detail ?? problem?.title ?? `${options.method ?? 'GET'} ${path} answered ${response.status}`;
    throw new RequestError(failureOfStatus(response.status), message, response.status, problem);
  }
  if (response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch {
    // A proxy's HTML error page or a half-sent body: treat it like a service that is not answering.
    throw new RequestError('unavailable', `${path} did not answer with JSON`, response.status);
  }
}
