/**
 * Test support: a local HTTP server answering the two SonarCloud Web API calls the quality-gate
 * action makes, in their documented shapes (GET /api/ce/task?id=…, GET
 * /api/qualitygates/project_status?analysisId=…), with a Bearer token check like SonarCloud's 401.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface SonarScenario {
  token: string;
  taskId: string;
  /** Task statuses answered in turn; the last one repeats. */
  taskStatuses: string[];
  analysisId: string;
  projectStatus: { status: string; conditions?: Array<Record<string, string>> };
  errorMessage?: string;
}

export interface SonarApi {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startSonarApi(scenario: SonarScenario): Promise<SonarApi> {
  const requests: string[] = [];
  let taskCalls = 0;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    const send = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (request.headers.authorization !== `Bearer ${scenario.token}`) {
      // SonarCloud answers an unknown token with 401 and an empty body.
      response.writeHead(401);
      response.end();
      return;
    }
    if (url.pathname === '/api/ce/task') {
      if (url.searchParams.get('id') !== scenario.taskId)
        return send(404, { errors: [{ msg: `No activity found for task '${url.searchParams.get('id')}'` }] });
      const status = scenario.taskStatuses[Math.min(taskCalls, scenario.taskStatuses.length - 1)] ?? 'PENDING';
      taskCalls += 1;
      return send(200, {
        task: {
          id: scenario.taskId,
          type: 'REPORT',
          componentKey: 'acme_slipway',
          status,
          submittedAt: '2026-11-22T04:00:00+0000',
          ...(status === 'SUCCESS' ? { analysisId: scenario.analysisId, executedAt: '2026-11-22T04:00:09+0000' } : {}),
          ...(status === 'FAILED' && scenario.errorMessage ? { errorMessage: scenario.errorMessage } : {}),
        },
      });
    }
    if (url.pathname === '/api/qualitygates/project_status') {
      if (url.searchParams.get('analysisId') !== scenario.analysisId) return send(404, { errors: [{ msg: 'Analysis not found' }] });
      return send(200, { projectStatus: { ignoredConditions: false, periods: [], conditions: [], ...scenario.projectStatus } });
    }
    send(404, { errors: [{ msg: 'Unknown url' }] });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Registers an afterEach that closes the scenario the test started: `start` starts one (see
 * `startSonarScenario`), `api` is the current test's, if it started one.
 */
export function sonarScenarioPerTest(): {
  start: (overrides: Partial<SonarScenario>) => Promise<SonarApi>;
  api: () => SonarApi | undefined;
} {
  let api: SonarApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  return {
    start: async (overrides) => {
      api = await startSonarScenario(overrides);
      return api;
    },
    api: () => api,
  };
}

/** The server with a task that succeeded at once and a passing gate, but for what `overrides` says. */
export function startSonarScenario(overrides: Partial<SonarScenario> = {}): Promise<SonarApi> {
  return startSonarApi({
    token: 'sonar-token',
    taskId: 'AYtask',
    taskStatuses: ['SUCCESS'],
    analysisId: 'AYanalysis',
    projectStatus: { status: 'OK' },
    ...overrides,
  });
}

export function reportTaskText(serverUrl: string, taskId: string): string {
  return [
    'organization=acme',
    'projectKey=acme_slipway',
    `serverUrl=${serverUrl}`,
    'serverVersion=8.0.0.70210',
    `dashboardUrl=${serverUrl}/dashboard?id=acme_slipway&branch=main`,
    `ceTaskId=${taskId}`,
    `ceTaskUrl=${serverUrl}/api/ce/task?id=${taskId}`,
    '',
  ].join('\n');
}
