import { describe, expect, it } from 'vitest';
import {
  decideQualityGate,
  describeCondition,
  fetchGateStatus,
  parseReportTask,
  QualityGateError,
  qualityGateSummary,
  waitForAnalysis,
} from './sonar-quality-gate.ts';
import { reportTaskText, sonarScenarioPerTest } from '../../test-support/sonarcloud-api.ts';
import type { SonarScenario } from '../../test-support/sonarcloud-api.ts';

const failing = {
  status: 'ERROR',
  conditions: [
    { status: 'ERROR', metricKey: 'new_coverage', comparator: 'LT', errorThreshold: '80', actualValue: '72.5' },
    { status: 'OK', metricKey: 'new_duplicated_lines_density', comparator: 'GT', errorThreshold: '3', actualValue: '0.8' },
    { status: 'ERROR', metricKey: 'new_security_rating', comparator: 'GT', errorThreshold: '1', actualValue: '3' },
  ],
};

describe('report-task.txt', () => {
  it('reads the keys the scanner writes', () => {
    expect(parseReportTask(reportTaskText('https://sonarcloud.io', 'AYx1'), 'report-task.txt')).toEqual({
      organization: 'acme',
      projectKey: 'acme_slipway',
      serverUrl: 'https://sonarcloud.io',
      dashboardUrl: 'https://sonarcloud.io/dashboard?id=acme_slipway&branch=main',
      ceTaskId: 'AYx1',
      ceTaskUrl: 'https://sonarcloud.io/api/ce/task?id=AYx1',
    });
  });

  it.each([
    ['projectKey=a\nserverUrl=https://sonarcloud.io\n', /^\.scannerwork\/report-task\.txt: missing 'dashboardUrl'/],
    ['this is not a properties file', /is not a key=value line/],
    ['projectKey=a\nserverUrl=not a url\ndashboardUrl=x\nceTaskId=1\nceTaskUrl=x\n', /serverUrl 'not a url' is not a URL/],
  ])('refuses %j naming the file', (text, message) => {
    expect(() => parseReportTask(text, '.scannerwork/report-task.txt')).toThrow(QualityGateError);
    expect(() => parseReportTask(text, '.scannerwork/report-task.txt')).toThrow(message);
  });
});

describe('SonarCloud Web API (local server following the documented shapes)', () => {
  const sonar = sonarScenarioPerTest();
  const api = sonar.api;
  const start = async (overrides: Partial<SonarScenario>) =>
    parseReportTask(reportTaskText((await sonar.start(overrides)).url, 'AYtask'), 'report-task.txt');
  const fast = { token: 'sonar-token', timeoutMs: 5000, initialDelayMs: 5, maxDelayMs: 20 };

  it('polls PENDING → IN_PROGRESS → SUCCESS with backoff, then reads the gate', async () => {
    const task = await start({ taskStatuses: ['PENDING', 'PENDING', 'IN_PROGRESS', 'SUCCESS'] });
    const waits: number[] = [];
    const analysisId = await waitForAnalysis(task, { ...fast, sleep: async (ms) => void waits.push(ms) });
    expect(analysisId).toBe('AYanalysis');
    expect(waits).toEqual([5, 10, 20]);
    const gate = await fetchGateStatus(task, analysisId, fast);
    expect(gate).toEqual({ status: 'OK', conditions: [], analysisId: 'AYanalysis' });
    expect(api()?.requests).toEqual([
      'GET /api/ce/task?id=AYtask',
      'GET /api/ce/task?id=AYtask',
      'GET /api/ce/task?id=AYtask',
      'GET /api/ce/task?id=AYtask',
      'GET /api/qualitygates/project_status?analysisId=AYanalysis',
    ]);
  });

  it('gives up after the timeout while the task stays IN_PROGRESS', async () => {
    const task = await start({ taskStatuses: ['IN_PROGRESS'] });
    const startedAt = Date.now();
    await expect(waitForAnalysis(task, { ...fast, timeoutMs: 150 })).rejects.toThrow(
      /task AYtask is still IN_PROGRESS after 150ms \(input 'timeout-seconds'\)/,
    );
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect((api()?.requests.length ?? 0) >= 2).toBe(true);
  });

  it('reports a FAILED task with its message', async () => {
    const task = await start({ taskStatuses: ['FAILED'], errorMessage: 'Project not found' });
    await expect(waitForAnalysis(task, fast)).rejects.toThrow(/task AYtask FAILED: Project not found/);
  });

  it('reports ERROR with its failed conditions', async () => {
    const task = await start({ projectStatus: failing });
    const gate = await fetchGateStatus(task, await waitForAnalysis(task, fast), fast);
    const decision = decideQualityGate(gate, task.dashboardUrl);
    expect(decision.passed).toBe(false);
    expect(decision.failedConditions.map((condition) => condition.metricKey)).toEqual(['new_coverage', 'new_security_rating']);
    expect(decision.record).toEqual({
      status: 'failed',
      details: 'SonarCloud ERROR: new_coverage is 72.5 (fails when < 80); new_security_rating is 3 (fails when > 1)',
      url: task.dashboardUrl,
    });
    const summary = qualityGateSummary(task, gate, decision);
    expect(summary).toContain('### SonarCloud quality gate: ❌ ERROR');
    expect(summary).toContain('| new_coverage | 72.5 | LT | 80 | ❌ ERROR |');
    expect(summary).toContain('| new_duplicated_lines_density | 0.8 | GT | 3 | OK |');
    expect(summary).toContain('2 condition(s) failed.');
  });

  it('names the token input on 401', async () => {
    const task = await start({});
    await expect(waitForAnalysis(task, { ...fast, token: 'wrong' })).rejects.toThrow(
      /SonarCloud refused the token \(HTTP 401\) at GET \/api\/ce\/task: check input 'token'/,
    );
  });

  it('says where it could not connect', async () => {
    const task = parseReportTask(reportTaskText('http://127.0.0.1:9', 'AYtask'), 'report-task.txt');
    await expect(waitForAnalysis(task, fast)).rejects.toThrow(/could not reach SonarCloud at http:\/\/127\.0\.0\.1:9/);
  });

  it.each([
    ['OK', true, 'passed'],
    ['WARN', true, 'passed'],
    ['NONE', true, 'skipped'],
    ['ERROR', false, 'failed'],
  ])('gate %s passes: %s (manifest: %s)', (status, passed, record) => {
    const decision = decideQualityGate({ status, conditions: [], analysisId: 'a' }, 'https://sonarcloud.io/dashboard?id=x');
    expect(decision.passed).toBe(passed);
    expect(decision.record.status).toBe(record);
  });

  it('describes conditions without a comparator', () => {
    expect(describeCondition({ status: 'ERROR', metricKey: 'alert_status' })).toBe('alert_status is ? (fails when ?)');
  });
});
