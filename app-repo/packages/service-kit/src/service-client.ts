/**
 * Calls between services: a timeout on every attempt, bounded retries with backoff for
 * failures that are safe to retry, and the caller's request id passed on.
 */
export class UpstreamUnavailable extends Error {
  constructor(
    readonly service: string,
    detail: string,
  ) {
    super(`The ${service} service is unavailable (${detail}); try again shortly.`);
    this.name = 'UpstreamUnavailable';
  }
}

export interface UpstreamResponse<T> {
  status: number;
  body: T;
}

export interface ServiceClientOptions {
  service: string;
  baseUrl: string;
  timeoutMs: number;
  /** Extra attempts after the first, for network errors, timeouts and 502/503/504. */
  retries?: number;
  backoffMs?: number;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  requestId?: string;
  /** Only requests that are safe to repeat are retried (GET, DELETE, and idempotent POSTs). */
  idempotent?: boolean;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);

export interface ServiceClient {
  call<T>(method: string, path: string, options?: CallOptions): Promise<UpstreamResponse<T>>;
}

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const retries = options.retries ?? 2;
  const backoffMs = options.backoffMs ?? 50;
  return {
    async call<T>(method: string, path: string, call: CallOptions = {}): Promise<UpstreamResponse<T>> {
      const idempotent = call.idempotent ?? (method === 'GET' || method === 'DELETE' || method === 'PUT');
      const attempts = idempotent ? retries + 1 : 1;
      let lastProblem = 'no attempt made';
      for (let attempt = 1; attempt <= attempts; attempt++) {
        if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (attempt - 2)));
        try {
          const response = await fetch(`${options.baseUrl}${path}`, {
            method,
            headers: {
              accept: 'application/json',
              ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
              ...(call.requestId ? { 'x-request-id': call.requestId } : {}),
              ...call.headers,
            },
            body: call.body !== undefined ? JSON.stringify(call.body) : null,
            signal: AbortSignal.timeout(options.timeoutMs),
          });
          if (RETRYABLE_STATUS.has(response.status)) {
            lastProblem = `answered ${response.status}`;
            await response.body?.cancel();
            continue;
          }
          const text = await response.text();
          const body = (text ? JSON.parse(text) : undefined) as T;
          return { status: response.status, body };
        } catch (error) {
          const err = error as Error;
          lastProblem =
            err.name === 'TimeoutError'
              ? `no answer within ${options.timeoutMs} ms`
              : ((err.cause as Error | undefined)?.message ?? err.message);
        }
      }
      throw new UpstreamUnavailable(options.service, lastProblem);
    },
  };
}
