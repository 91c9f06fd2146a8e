/**
 * The local gateway behind `npm start`: proxies the API prefixes to the services and serves the
 * built frontend (with the single-page-app fallback), like the Ingress and nginx in the cluster.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer, request } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Backend } from './routes.ts';
import { backendFor } from './routes.ts';
import { placeholderPage } from './placeholder-page.ts';

export interface GatewayOptions {
  upstreams: Record<Backend, string>;
  /** The frontend's built files (index.html and assets); without them a plain product page is served. */
  frontendDir?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function sendProblem(res: ServerResponse, status: number, title: string, detail: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}

function proxy(req: IncomingMessage, res: ServerResponse, backend: Backend, upstream: string): void {
  const target = new URL(req.url ?? '/', upstream);
  const outgoing = request(
    target,
    {
      method: req.method,
      headers: { ...req.headers, host: target.host, 'x-forwarded-host': req.headers.host ?? '', 'x-forwarded-proto': 'http' },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  res.on('close', () => {
    if (!res.writableFinished) outgoing.destroy();
  });
  outgoing.on('error', () =>
    sendProblem(res, 502, 'Bad gateway', `The ${backend} service is not answering; it may be starting or stopped. Try again shortly.`),
  );
  req.pipe(outgoing);
}

/** Resolves a URL path inside `root`, or undefined when it escapes it or is not a file. */
export function staticFileFor(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
  const file = resolve(root, `.${normalize(`/${decoded}`)}`);
  if (file !== root && !file.startsWith(root + sep)) return undefined;
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

function serveFrontend(req: IncomingMessage, res: ServerResponse, frontendDir: string | undefined): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendProblem(res, 405, 'Method not allowed', `${req.method} is not served here.`);
    return;
  }
  const urlPath = req.url ?? '/';
  if ((urlPath.startsWith('/api/') || urlPath === '/api') && !backendFor(urlPath)) {
    sendProblem(res, 404, 'Not found', `No API at ${urlPath}.`);
    return;
  }
  const root = frontendDir ? resolve(frontendDir) : undefined;
  const index = root ? join(root, 'index.html') : undefined;
  if (!root || !index || !existsSync(index)) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(placeholderPage);
    return;
  }
  const file = staticFileFor(root, urlPath);
  const isAsset = extname(urlPath.split('?')[0] ?? '') !== '';
  if (!file && isAsset) {
    sendProblem(res, 404, 'Not found', `No file at ${urlPath}.`);
    return;
  }
  const chosen = file ?? index;
  const hashed = chosen.includes(`${sep}assets${sep}`);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(chosen)] ?? 'application/octet-stream',
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(chosen).pipe(res);
}

export function createGateway(options: GatewayOptions): Server {
  return createServer((req, res) => {
    const backend = backendFor(req.url ?? '/');
    if (backend) proxy(req, res, backend, options.upstreams[backend]);
    else serveFrontend(req, res, options.frontendDir);
  });
}
