/**
 * Prometheus metrics every service exposes, named as the dashboards and alert rules expect:
 * `http_request_duration_seconds{method,route,status_code}` with the route template as `route`,
 * and `app_info{service,version,commit} 1` so dashboards can split by version.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServiceMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  counter<L extends string>(name: string, help: string, labelNames?: readonly L[]): Counter<L>;
}

export function createMetrics(identity: { service: string; version: string; commit: string }): ServiceMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const info = new Gauge({
    name: 'app_info',
    help: 'Always 1; its labels say which service, version and commit is running.',
    labelNames: ['service', 'version', 'commit'] as const,
    registers: [registry],
  });
  info.set(identity, 1);
  return {
    registry,
    httpDuration,
    counter: <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers: [registry] }),
  };
}
