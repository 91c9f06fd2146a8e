import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestJson } from './http-client.ts';
import { describeFailure, RequestError } from './request-error.ts';

// A local HTTP server answering like the services and the gateway do (JSON, problem+json, 502).
const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://local');
  const status = Number(url.searchParams.get('status') ?? 200);
  if (url.pathname === '/api/json') {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        method: request.method,
        key: request.headers['idempotency-key'] ?? null,
        type: request.headers['content-type'] ?? null,
      }),
    );
  } else if (url.pathname === '/api/problem') {
    response.writeHead(status, { 'content-type': 'application/problem+json' });
    response.end(
      JSON.stringify({
        type: 'about:blank',
        title: 'Refused',
        status,
        detail: `refused with ${status}`,
        errors: [{ field: 'quantity', message: 'too many' }],
      }),
    );
  } else if (url.pathname === '/api/html') {
    response.writeHead(status, { 'content-type': 'text/html' });
    response.end('<h1>proxy error</h1>');
  } else if (url.pathname === '/api/empty') {
    response.writeHead(204);
    response.end();
  } else {
    response.socket?.destroy();
  }
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const happy = (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM;
  happy.setURL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function failureOf(promise: Promise<unknown>): Promise<RequestError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof RequestError)) throw new Error(`expected a RequestError, got ${String(error)}`);
  return error;
}

describe('requestJson, against a local server answering like the shop API', () => {
  it('sends JSON with the headers it is given and reads JSON back', async () => {
    expect(await requestJson('/api/json', { method: 'POST', body: { a: 1 }, headers: { 'Idempotency-Key': 'k-1' } })).toEqual({
      method: 'POST',
      key: 'k-1',
      type: 'application/json',
    });
    expect(await requestJson('/api/empty', { method: 'DELETE' })).toBeUndefined();
  });

  it.each([
    [404, 'not-found'],
    [409, 'conflict'],
    [400, 'invalid'],
    [422, 'invalid'],
    [500, 'server'],
    [502, 'unavailable'],
    [503, 'unavailable'],
  ])('turns a %i problem into a %s failure that keeps the problem', async (status, failure) => {
    const error = await failureOf(requestJson(`/api/problem?status=${status}`));
    expect(error.failure).toBe(failure);
    expect(error.status).toBe(status);
    expect(error.problem?.errors).toEqual([{ field: 'quantity', message: 'too many' }]);
    expect(error.message).toBe(`refused with ${status}`);
  });

  it('treats a dropped connection and a non-JSON answer as a service that is not answering', async () => {
    const dropped = await failureOf(requestJson('/api/gone'));
    expect(dropped.failure).toBe('unavailable');
    expect(describeFailure(dropped)).toBe('This part of the shop is not responding right now. Please try again in a moment.');
    const html = await failureOf(requestJson('/api/html?status=200'));
    expect(html.failure).toBe('unavailable');
    const proxyPage = await failureOf(requestJson('/api/html?status=502'));
    expect(proxyPage.failure).toBe('unavailable');
    expect(proxyPage.problem).toBeUndefined();
  });

  it('passes an abort through untouched, so a page that moved on shows nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(requestJson('/api/json', { signal: controller.signal })).rejects.toSatisfy(
      (error: unknown) => error instanceof Error && error.name === 'AbortError' && !(error instanceof RequestError),
    );
  });
});
