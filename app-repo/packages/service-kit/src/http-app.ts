/**
 * The one HTTP server setup every service shares: request ids, JSON logs, metrics, body limits,
 * problem+json errors, and the operational endpoints /health, /ready, /version and /metrics.
 */
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Express, NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import type { Logger } from 'pino';
import type { Database } from './database.ts';
import { isDatabaseUnavailable } from './database.ts';
import type { ServiceMetrics } from './metrics.ts';
import { HttpProblem, notFound, serviceUnavailable } from './problem.ts';
import { UpstreamUnavailable } from './service-client.ts';

export interface Identity {
  service: string;
  version: string;
  commit: string;
}

export interface AppState {
  /** Set on SIGTERM: readiness answers 503 and responses ask clients to reconnect elsewhere. */
  shuttingDown: boolean;
}

export interface AppOptions {
  identity: Identity;
  db: Database;
  metrics: ServiceMetrics;
  log: Logger;
  state: AppState;
  /** Adds the service's own routes. Register them with full paths so `route` labels are templates. */
  routes(app: Express): void;
  bodyLimit?: string;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request id of this request (from `X-Request-Id`, or made up) and its logger. */
export function requestContext(res: Response): { requestId: string; log: Logger } {
  return res.locals as { requestId: string; log: Logger };
}

export function createApp(options: AppOptions): Express {
  const { identity, db, metrics, log, state } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const header = req.get('x-request-id');
    const requestId = header && REQUEST_ID.test(header) ? header : randomUUID();
    res.locals.requestId = requestId;
    res.locals.log = log.child({ requestId });
    res.setHeader('X-Request-Id', requestId);
    if (state.shuttingDown) res.setHeader('Connection', 'close');
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route ? String(req.route.path) : 'unmatched';
      metrics.httpDuration.observe({ method: req.method, route, status_code: String(res.statusCode) }, seconds);
      if (route === '/health' || route === '/ready' || route === '/metrics') return;
      const entry = { method: req.method, route, path: req.path, status: res.statusCode, durationMs: Math.round(seconds * 1e4) / 10 };
      if (res.statusCode >= 500) res.locals.log.error(entry, 'request failed');
      else res.locals.log.info(entry, 'request completed');
    });
    next();
  });

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/ready', async (_req, res) => {
    if (state.shuttingDown) {
      res.status(503).json({ status: 'shutting down' });
      return;
    }
    try {
      await db.ping(1000);
      res.json({ status: 'ready' });
    } catch (error) {
      res.status(503).json({ status: 'not ready', reason: `database unreachable: ${(error as Error).message}` });
    }
  });
  app.get('/version', (_req, res) => {
    res.json(identity);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const bodyParser = express.json({ limit: options.bodyLimit ?? '16kb', strict: true });
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (hasBody && !req.is('application/json')) {
      next(
        new HttpProblem(
          415,
          'unsupported-media-type',
          'Unsupported media type',
          'Send the body as JSON with Content-Type: application/json.',
          [{ field: 'body', message: 'must be application/json' }],
        ),
      );
      return;
    }
    next();
  };
  app.use(requireJson, bodyParser);

  options.routes(app);

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(notFound(`No route for ${req.method} ${req.path}.`));
  });
  app.use(errorHandler);
  return app;
}

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/** Turns any error into problem+json; a 500 never leaks internals. */
export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  const { log } = requestContext(res);
  let problem: HttpProblem;
  const parserError = error as BodyParserError;
  if (error instanceof HttpProblem) {
    problem = error;
  } else if (parserError.type === 'entity.parse.failed') {
    problem = new HttpProblem(400, 'malformed-json', 'Malformed JSON', 'The request body is not valid JSON.', [
      { field: 'body', message: 'is not valid JSON' },
    ]);
  } else if (parserError.type === 'entity.too.large') {
    problem = new HttpProblem(413, 'body-too-large', 'Request body too large', 'The request body is larger than this endpoint accepts.', [
      { field: 'body', message: 'is too large' },
    ]);
  } else if (typeof parserError.type === 'string' && typeof parserError.status === 'number' && parserError.status < 500) {
    problem = new HttpProblem(parserError.status, 'bad-body', 'Unreadable request body', parserError.message, [
      { field: 'body', message: parserError.message },
    ]);
  } else if (isDatabaseUnavailable(error)) {
    log.warn({ err: error }, 'database unavailable');
    problem = serviceUnavailable('The database is unavailable; try again shortly.');
  } else if (error instanceof UpstreamUnavailable) {
    log.warn({ err: error }, 'upstream unavailable');
    problem = serviceUnavailable(error.message);
  } else {
    log.error({ err: error }, 'unhandled error');
    problem = new HttpProblem(
      500,
      'internal',
      'Internal error',
      'Something went wrong on our side; the request id identifies it in the logs.',
    );
  }
  if (problem.status === 503) res.setHeader('Retry-After', '1');
  res
    .status(problem.status)
    .type('application/problem+json')
    .send(JSON.stringify(problem.toBody(req.originalUrl)));
};
