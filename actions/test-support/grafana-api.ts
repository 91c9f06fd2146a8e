/**
 * A local HTTP server following Grafana's annotation API for tests (no Grafana runs here):
 * POST /api/annotations with a bearer token and {dashboardUID?, time, tags, text} answers
 * {"message":"Annotation added","id":N}; a missing or wrong token answers 401 as Grafana does.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedAnnotation {
  dashboardUID?: string;
  time: number;
  tags: string[];
  text: string;
}

export interface GrafanaApiServer {
  url: string;
  token: string;
  annotations: ReceivedAnnotation[];
  stop(): Promise<void>;
}

export async function startGrafanaApi(token = 'glsa_test_token'): Promise<GrafanaApiServer> {
  const annotations: ReceivedAnnotation[] = [];
  const server = createServer((request, response) => {
    const send = (code: number, body: unknown) =>
      response.writeHead(code, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (request.url !== '/api/annotations' || request.method !== 'POST') return send(404, { message: 'Not found' });
    if (request.headers.authorization !== `Bearer ${token}`) return send(401, { message: 'Unauthorized' });
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      let annotation: ReceivedAnnotation;
      try {
        annotation = JSON.parse(body) as ReceivedAnnotation;
      } catch {
        return send(400, { message: 'bad request data' });
      }
      if (typeof annotation.text !== 'string' || annotation.text === '' || !Array.isArray(annotation.tags))
        return send(400, { message: 'Failed to save annotation: text and tags are required' });
      annotations.push(annotation);
      return send(200, { message: 'Annotation added', id: annotations.length });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    annotations,
    stop: () => new Promise((r) => server.close(() => r())),
  };
}
