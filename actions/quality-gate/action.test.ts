import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReleaseManifest, formatReleaseManifest, parseReleaseManifest } from '../lib/release/release-manifest.ts';
import { errorLines, itFailsWithNoInputs, runAction } from '../test-support/action-run.ts';
import { reportTaskText, sonarScenarioPerTest, startSonarScenario } from '../test-support/sonarcloud-api.ts';
import type { SonarScenario } from '../test-support/sonarcloud-api.ts';

const action = import.meta.dirname;

function workspaceFor(serverUrl: string): string {
  const workspace = mkdtempSync(join(tmpdir(), 'slipway-gate-action-'));
  mkdirSync(join(workspace, '.scannerwork'));
  writeFileSync(join(workspace, '.scannerwork', 'report-task.txt'), reportTaskText(serverUrl, 'AYtask'));
  const manifest = createReleaseManifest({
    createdAt: '2026-11-22T04:00:00Z',
    source: { repository: 'acme/slipway', commit: '860c1904a1ce19322e91ac35af1ab07466440c37' },
    services: {
      cart: {
        image: {
          repository: '123456789012.dkr.ecr.ap-south-1.amazonaws.com/slipway/cart',
          tag: 'sha-860c190',
          digest: `sha256:${'a'.repeat(64)}`,
        },
      },
      order: {
        image: {
          repository: '123456789012.dkr.ecr.ap-south-1.amazonaws.com/slipway/order',
          tag: 'sha-860c190',
          digest: `sha256:${'b'.repeat(64)}`,
        },
      },
    },
  });
  writeFileSync(join(workspace, 'release-manifest.json'), formatReleaseManifest(manifest));
  return workspace;
}

describe('the quality-gate action bundle against a local server following SonarCloud Web API shapes', () => {
  const sonar = sonarScenarioPerTest();
  const api = sonar.api;
  const start = async (overrides: Partial<SonarScenario>) => {
    const started = await sonar.start(overrides);
    return { api: started, workspace: workspaceFor(started.url) };
  };
  /** The action on `workspace` against the stand-in with its token, recording in release-manifest.json, and `inputs`. */
  const runGate = (workspace: string, inputs: Record<string, string> = {}) =>
    runAction(action, {
      workspace,
      inputs: { 'server-url': api()?.url ?? '', token: 'sonar-token', 'release-manifest': 'release-manifest.json', ...inputs },
    });
  const manifestOf = (workspace: string) => parseReleaseManifest(readFileSync(join(workspace, 'release-manifest.json'), 'utf8'));

  itFailsWithNoInputs(action, "input 'token' is required");

  it('pending → in progress → success: OK passes and is recorded in the manifest and summary', async () => {
    const { workspace } = await start({ taskStatuses: ['PENDING', 'IN_PROGRESS', 'SUCCESS'] });
    const run = await runGate(workspace, { 'poll-interval-seconds': '0.01' });
    expect(errorLines(run)).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('::add-mask::sonar-token');
    expect(run.outputs).toMatchObject({
      status: 'OK',
      passed: 'true',
      'analysis-id': 'AYanalysis',
      conditions: '[]',
      'release-manifest': 'release-manifest.json',
    });
    const manifest = manifestOf(workspace);
    for (const service of ['cart', 'order']) {
      expect(manifest.services[service]?.qualityGate).toEqual({
        status: 'passed',
        details: 'SonarCloud OK',
        url: `${api()?.url}/dashboard?id=acme_slipway&branch=main`,
      });
    }
    expect(run.summary).toContain('### SonarCloud quality gate: ✅ OK');
  });

  it('ERROR fails listing the failed conditions, recorded as failed', async () => {
    const { workspace } = await start({
      projectStatus: {
        status: 'ERROR',
        conditions: [
          { status: 'ERROR', metricKey: 'new_coverage', comparator: 'LT', errorThreshold: '80', actualValue: '72.5' },
          { status: 'OK', metricKey: 'new_bugs', comparator: 'GT', errorThreshold: '0', actualValue: '0' },
        ],
      },
    });
    const run = await runGate(workspace, { services: 'cart' });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([
      `SonarCloud quality gate of acme_slipway is ERROR:\n- new_coverage is 72.5 (fails when < 80)\nDetails: ${api()?.url}/dashboard?id=acme_slipway&branch=main`,
    ]);
    expect(run.outputs['status']).toBe('ERROR');
    expect(JSON.parse(run.outputs['conditions'] ?? '[]')).toHaveLength(2);
    const manifest = manifestOf(workspace);
    expect(manifest.services['cart']?.qualityGate?.status).toBe('failed');
    expect(manifest.services['order']?.qualityGate).toBeUndefined();
    expect(run.summary).toContain('| new_coverage | 72.5 | LT | 80 | ❌ ERROR |');
  });

  it('times out while the task stays in progress and records pending', async () => {
    const { workspace } = await start({ taskStatuses: ['IN_PROGRESS'] });
    const run = await runGate(workspace, { 'timeout-seconds': '0.3', 'poll-interval-seconds': '0.05' });
    expect(run.code).toBe(1);
    expect(errorLines(run)[0]).toMatch(/^SonarCloud task AYtask is still IN_PROGRESS after 300ms \(input 'timeout-seconds'\)/);
    expect(manifestOf(workspace).services['cart']?.qualityGate?.status).toBe('pending');
  });

  it('401 names the token input and leaves the manifest alone', async () => {
    const { workspace } = await start({});
    const before = readFileSync(join(workspace, 'release-manifest.json'), 'utf8');
    const run = await runGate(workspace, { token: 'expired' });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([
      "SonarCloud refused the token (HTTP 401) at GET /api/ce/task: check input 'token' (a SonarCloud token with Browse permission on the project, usually secrets.SONAR_TOKEN)",
    ]);
    expect(readFileSync(join(workspace, 'release-manifest.json'), 'utf8')).toBe(before);
  });

  it('sends the token only to server-url: a report-task.txt naming another server fails before any request', async () => {
    const configured = await startSonarScenario();
    const { api: elsewhere, workspace } = await start({});
    try {
      const before = readFileSync(join(workspace, 'release-manifest.json'), 'utf8');
      const run = await runGate(workspace, { 'server-url': configured.url });
      expect(run.code).toBe(1);
      expect(errorLines(run)).toEqual([
        `report-task.txt names the server ${elsewhere.url}, but this action talks only to ${configured.url} (input 'server-url'); the token was not sent. Scan against ${configured.url}, or set input 'server-url' to the SonarQube server you use`,
      ]);
      expect(elsewhere.requests).toEqual([]);
      expect(configured.requests).toEqual([]);
      expect(readFileSync(join(workspace, 'release-manifest.json'), 'utf8')).toBe(before);
    } finally {
      await configured.close();
    }
  });

  it.each<{ name: string; inputs: Record<string, string>; message: RegExp }>([
    {
      name: 'a missing report-task.txt',
      inputs: { 'report-task': 'nowhere/report-task.txt' },
      message: /^input 'report-task': nowhere\/report-task\.txt does not exist; run the SonarCloud scan in this job first/,
    },
    { name: 'a bad timeout', inputs: { 'timeout-seconds': 'soon' }, message: /^input 'timeout-seconds' must be a number of seconds/ },
    {
      name: 'a server that is not a URL',
      inputs: { 'server-url': 'sonarcloud' },
      message: /^input 'server-url': 'sonarcloud' is not an http\(s\) URL/,
    },
    {
      name: 'a service not in the manifest',
      inputs: { 'release-manifest': 'release-manifest.json', services: 'payment' },
      message: /^input 'services': 'payment' is not in the release manifest/,
    },
  ])('names the input for $name', async ({ inputs, message }) => {
    const { workspace } = await start({});
    const run = await runAction(action, { workspace, inputs: { 'server-url': api()?.url ?? '', token: 'sonar-token', ...inputs } });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toHaveLength(1);
    expect(errorLines(run)[0]).toMatch(message);
  });
});
