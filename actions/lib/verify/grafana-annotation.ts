/**
 * Deployment marks on the Grafana dashboards: one annotation per service and release through
 * Grafana's HTTP API (POST /api/annotations), tagged so the per-service dashboard's "Deployments"
 * annotation query (tags deploy + the service) shows it.
 */
import { fetchTransport } from './http-transport.ts';
import type { HttpAnswer, HttpTransport } from './http-transport.ts';

export interface DeploymentMark {
  environment: string;
  service: string;
  version: string;
  /** The GitOps commit deployed. */
  commit: string;
  /** passed or failed: what verification concluded. */
  outcome: 'passed' | 'failed';
  reason?: string;
  /** Milliseconds since the epoch. */
  time: number;
  /** Pin the annotation to one dashboard; without it, it is an organisation annotation every dashboard can query. */
  dashboardUid?: string;
  /** A link to the workflow run. */
  runUrl?: string;
}

/** The body Grafana's annotation API takes: {dashboardUID?, time, tags, text}. */
export function annotationBody(mark: DeploymentMark): { dashboardUID?: string; time: number; tags: string[]; text: string } {
  const text = [
    `${mark.service} ${mark.version} deployed to ${mark.environment} (GitOps ${mark.commit.slice(0, 12)}): verification ${mark.outcome}`,
    ...(mark.reason ? [mark.reason] : []),
    ...(mark.runUrl ? [`<a href="${mark.runUrl}">workflow run</a>`] : []),
  ].join('\n');
  return {
    ...(mark.dashboardUid ? { dashboardUID: mark.dashboardUid } : {}),
    time: mark.time,
    tags: ['deploy', mark.service, mark.environment, `version:${mark.version}`, `verify:${mark.outcome}`],
    text,
  };
}

export class GrafanaError extends Error {
  override name = 'GrafanaError';
}

/** Posts one annotation; returns its id. The token is a Grafana service account token. */
export async function postAnnotation(
  grafanaUrl: string,
  token: string,
  mark: DeploymentMark,
  transport: HttpTransport = fetchTransport,
): Promise<number> {
  const url = new URL('api/annotations', grafanaUrl.endsWith('/') ? grafanaUrl : `${grafanaUrl}/`);
  let answer: HttpAnswer;
  try {
    answer = await transport(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(annotationBody(mark)),
    });
  } catch (error) {
    throw new GrafanaError(`Grafana at ${url.origin} is unreachable: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (answer.status < 200 || answer.status > 299) {
    const hint =
      answer.status === 401 || answer.status === 403
        ? ' (the token needs the annotations:write permission, e.g. an Editor service account)'
        : '';
    throw new GrafanaError(`Grafana refused the annotation for ${mark.service}: ${answer.status} ${answer.text.slice(0, 200)}${hint}`);
  }
  let id: unknown;
  try {
    id = (JSON.parse(answer.text) as { id?: unknown }).id;
  } catch {
    id = undefined;
  }
  if (typeof id !== 'number') throw new GrafanaError(`Grafana answered without an annotation id: ${answer.text.slice(0, 200)}`);
  return id;
}
