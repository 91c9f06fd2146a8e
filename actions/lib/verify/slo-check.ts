/**
 * Does a new version meet the shop's SLOs? Over a soak window, the requests each service's new
 * version answered (http_request_duration_seconds joined with app_info{version} on the pod, as the
 * dashboards split by version) are checked against the availability and latency objectives of
 * gitops-repo/apps/platform/observability/rules/shop-slo.yaml: a version fails when it burns an
 * error budget faster than `maxBurnRate` times the sustainable rate.
 */
import { fetchTransport } from './http-transport.ts';
import type { HttpAnswer, HttpTransport } from './http-transport.ts';
import type { Polling } from './polling.ts';

export interface SloObjectives {
  /** Share of requests that must not answer 5xx (0.995). */
  availability: number;
  /** Share of requests that must answer within `latencySeconds` (0.99). */
  latency: number;
  /** A bucket bound of the histogram (0.5). */
  latencySeconds: number;
  /** The version fails above this multiple of the budget's sustainable burn rate (6). */
  maxBurnRate: number;
  /** Fewer requests than this in the window say nothing either way. */
  minRequests: number;
  /** Fail when a version served fewer than minRequests (otherwise it passes with a note). */
  requireTraffic: boolean;
}

export const defaultObjectives: SloObjectives = {
  availability: 0.995,
  latency: 0.99,
  latencySeconds: 0.5,
  maxBurnRate: 6,
  minRequests: 10,
  requireTraffic: false,
};

export interface VersionUnderTest {
  service: string;
  version: string;
  /**
   * The source commit the image was built from (app_info's `commit` label). When known, pods are
   * picked by it: branch builds may all report the same version (e.g. the branch name).
   */
  commit?: string;
}

export interface SloQueries {
  requests: string;
  errors: string;
  fast: string;
}

const labelValue = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The PromQL for one service version over a window of whole seconds. */
export function sloQueries(target: VersionUnderTest, namespace: string, windowSeconds: number, latencySeconds: number): SloQueries {
  const selector = `namespace="${labelValue(namespace)}", service="${labelValue(target.service)}"`;
  const identity = target.commit ? `commit="${labelValue(target.commit)}"` : `version="${labelValue(target.version)}"`;
  const version = `group by (namespace, pod) (app_info{${selector}, ${identity}})`;
  const increase = (metric: string, extra = '') =>
    `sum(increase(${metric}{${selector}${extra}}[${windowSeconds}s]) * on (namespace, pod) group_left ${version})`;
  return {
    requests: increase('http_request_duration_seconds_count'),
    errors: increase('http_request_duration_seconds_count', ', status_code=~"5.."'),
    fast: increase('http_request_duration_seconds_bucket', `, le="${String(latencySeconds)}"`),
  };
}

export interface SloMeasurement extends VersionUnderTest {
  windowSeconds: number;
  requests: number;
  errors: number;
  slow: number;
}

export interface SloVerdict extends SloMeasurement {
  ok: boolean;
  errorRatio: number;
  slowRatio: number;
  /** Why it failed, or a note (too little traffic) when it passed. */
  reason: string;
}

const percent = (ratio: number): string =>
  `${(ratio * 100)
    .toFixed(ratio < 0.01 ? 2 : 1)
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '')}%`;

/** Pass or fail one measured version against the objectives. */
export function judgeSlo(measurement: SloMeasurement, objectives: SloObjectives): SloVerdict {
  const { requests, errors, slow } = measurement;
  const errorRatio = requests > 0 ? errors / requests : 0;
  const slowRatio = requests > 0 ? slow / requests : 0;
  const who = `${measurement.service} ${measurement.version}`;
  const base = { ...measurement, errorRatio, slowRatio };
  if (requests < objectives.minRequests) {
    const reason = `${who} answered ${Math.round(requests)} requests in ${measurement.windowSeconds}s, fewer than the ${objectives.minRequests} needed to judge its SLOs`;
    return { ...base, ok: !objectives.requireTraffic, reason };
  }
  const errorBudget = 1 - objectives.availability;
  const latencyBudget = 1 - objectives.latency;
  const problems: string[] = [];
  if (errorRatio > errorBudget * objectives.maxBurnRate) {
    problems.push(
      `${percent(errorRatio)} of ${Math.round(requests)} requests answered 5xx over ${measurement.windowSeconds}s; the limit is ${percent(errorBudget * objectives.maxBurnRate)} (${objectives.maxBurnRate}x the ${percent(errorBudget)} error budget)`,
    );
  }
  if (slowRatio > latencyBudget * objectives.maxBurnRate) {
    problems.push(
      `${percent(slowRatio)} of ${Math.round(requests)} requests took longer than ${objectives.latencySeconds * 1000} ms over ${measurement.windowSeconds}s; the limit is ${percent(latencyBudget * objectives.maxBurnRate)} (${objectives.maxBurnRate}x the ${percent(latencyBudget)} latency budget)`,
    );
  }
  return { ...base, ok: problems.length === 0, reason: problems.length === 0 ? '' : `${who}: ${problems.join('; ')}` };
}

/** One instant query's single value (0 when there is no series) and the time Prometheus evaluated it at. */
export interface InstantValue {
  value: number;
  /** Unix seconds, as Prometheus reports it with the sample; absent when the answer held no series. */
  at: number | undefined;
}

/**
 * Runs one instant PromQL query, at `atSeconds` when given (the API's `time` parameter), else at the
 * server's current time.
 */
export type ScalarQuery = (expr: string, atSeconds?: number) => Promise<InstantValue>;

export class PrometheusQueryError extends Error {
  override name = 'PrometheusQueryError';
}

/**
 * Instant queries against Prometheus' HTTP API (POST /api/v1/query with `query` and the optional
 * `time`, the evaluation timestamp: "The current server time is used if the time parameter is
 * omitted", prometheus.io, "HTTP API", Instant queries), directly or through a transport. Each
 * sample comes back as `[<unix time>, "<value>"]`.
 */
export function prometheusScalarQuery(baseUrl: string, token = '', transport: HttpTransport = fetchTransport): ScalarQuery {
  const url = new URL('api/v1/query', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  return async (expr, atSeconds) => {
    let answer: HttpAnswer;
    try {
      answer = await transport(url, {
        method: 'POST',
        body: new URLSearchParams({ query: expr, ...(atSeconds === undefined ? {} : { time: String(atSeconds) }) }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      });
    } catch (error) {
      throw new PrometheusQueryError(
        `Prometheus at ${url.origin} is unreachable: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    let json: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
    try {
      json = JSON.parse(answer.text) as typeof json;
    } catch {
      throw new PrometheusQueryError(`Prometheus at ${url.origin} answered ${answer.status} without JSON: ${answer.text.slice(0, 200)}`);
    }
    if (json.status !== 'success')
      throw new PrometheusQueryError(`Prometheus rejected the query (${json.error ?? answer.status}): ${expr}`);
    const result = json.data?.result;
    const sample =
      json.data?.resultType === 'scalar' ? (result as [number, string]) : ((result ?? []) as { value: [number, string] }[])[0]?.value;
    if (!sample) return { value: 0, at: undefined };
    const value = Number(sample[1]);
    return { value: Number.isFinite(value) ? value : 0, at: sample[0] };
  };
}

export async function measureVersion(
  query: ScalarQuery,
  target: VersionUnderTest,
  namespace: string,
  windowSeconds: number,
  latencySeconds: number,
): Promise<SloMeasurement> {
  const queries = sloQueries(target, namespace, windowSeconds, latencySeconds);
  // The three counts must cover the same window: queried at different moments, a short window can hold
  // two scrapes for one query and one for the next, whose increase() is then empty (all requests "slow").
  // So errors and fast requests are evaluated at the time Prometheus evaluated the request count at.
  const requests = await query(queries.requests);
  if (requests.at === undefined) return { ...target, windowSeconds, requests: 0, errors: 0, slow: 0 };
  const [errors, fast] = await Promise.all([query(queries.errors, requests.at), query(queries.fast, requests.at)]);
  return { ...target, windowSeconds, requests: requests.value, errors: errors.value, slow: Math.max(0, requests.value - fast.value) };
}

export interface SoakOptions extends Polling {
  query: ScalarQuery;
  targets: readonly VersionUnderTest[];
  namespace: string;
  objectives: SloObjectives;
  soakMs: number;
}

export interface SoakResult {
  ok: boolean;
  reason: string;
  verdicts: SloVerdict[];
}

/**
 * Watches the versions for the soak window, printing their numbers every interval; fails as soon as
 * one breaches an objective with enough requests, else judges the whole window at the end.
 */
export async function soak(options: SoakOptions): Promise<SoakResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  if (options.targets.length === 0) return { ok: true, reason: 'no services to check', verdicts: [] };
  for (;;) {
    const elapsed = now() - started;
    const done = elapsed >= options.soakMs;
    const windowSeconds = Math.max(1, Math.ceil((done ? options.soakMs : elapsed) / 1000));
    const verdicts = await Promise.all(
      options.targets.map(async (target) =>
        judgeSlo(
          await measureVersion(options.query, target, options.namespace, windowSeconds, options.objectives.latencySeconds),
          options.objectives,
        ),
      ),
    );
    for (const v of verdicts) {
      options.log(
        `[${Math.round(elapsed / 1000)}s] ${v.service} ${v.version}: ${Math.round(v.requests)} requests, ${percent(v.errorRatio)} 5xx, ${percent(v.slowRatio)} over ${options.objectives.latencySeconds * 1000} ms${v.ok ? '' : ' — BREACH'}`,
      );
    }
    const breached = verdicts.filter((v) => !v.ok && v.requests >= options.objectives.minRequests);
    if (breached.length > 0) return { ok: false, reason: breached.map((v) => v.reason).join('; '), verdicts };
    if (done) {
      const failed = verdicts.filter((v) => !v.ok);
      const notes = verdicts.filter((v) => v.ok && v.reason !== '');
      return {
        ok: failed.length === 0,
        reason: (failed.length > 0 ? failed : notes).map((v) => v.reason).join('; '),
        verdicts,
      };
    }
    await sleep(Math.min(options.intervalMs, options.soakMs - elapsed));
  }
}
