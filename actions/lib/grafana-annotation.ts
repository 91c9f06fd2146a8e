/**
 * Deployment marks on the Grafana dashboards: one annotation per service and release through
 * Grafana's HTTP API (POST /api/annotations), tagged so the per-service dashboard's "Deployments"
 * annotation query (tags deploy + the service) shows it.
 */

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
export async function postAnnotation(grafanaUrl: string, token: string, mark: DeploymentMark): Promise<number> {
  const url = new URL('api/annotations', grafanaUrl.endsWith('/') ? grafanaUrl : `${grafanaUrl}/`);
  let answer: Response;
  try {
    answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(annotationBody(mark)),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new GrafanaError(`Grafana at ${url.origin} is unreachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const text = await answer.text();
  if (!answer.ok) {
    const hint = answer.status === 401 || answer.status === 403 ? ' (the token needs the annotations:write permission, e.g. an Editor service account)' : '';
    throw new GrafanaError(`Grafana refused the annotation for ${mark.service}: ${answer.status} ${text.slice(0, 200)}${hint}`);
  }
  const id = (JSON.parse(text) as { id?: unknown }).id;
  if (typeof id !== 'number') throw new GrafanaError(`Grafana answered without an annotation id: ${text.slice(0, 200)}`);
  return id;
}
