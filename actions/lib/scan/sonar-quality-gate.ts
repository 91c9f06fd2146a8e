/**
 * The SonarCloud quality gate of one analysis, by SonarCloud's documented Web API:
 *   report-task.txt (written by the scanner, `.scannerwork/report-task.txt`): key=value lines with
 *     projectKey, serverUrl, dashboardUrl, ceTaskId, ceTaskUrl;
 *   GET /api/ce/task?id=<ceTaskId> → { task: { status: PENDING | IN_PROGRESS | SUCCESS | FAILED | CANCELED, analysisId } };
 *   GET /api/qualitygates/project_status?analysisId=<id> → { projectStatus: { status: OK | WARN | ERROR | NONE,
 *     conditions: [{ status, metricKey, comparator, errorThreshold, actualValue }] } }.
 * The compute-engine task is polled with exponential backoff, bounded by a total timeout.
 */
import type { QualityGate } from '../release/release-manifest.ts';
import { markdownCell } from '../github/markdown-cell.ts';

export interface ReportTask {
  projectKey: string;
  serverUrl: string;
  dashboardUrl: string;
  ceTaskId: string;
  ceTaskUrl: string;
  organization?: string;
}

export class QualityGateError extends Error {
  override name = 'QualityGateError';
}

/** Parses report-task.txt (Java properties: `key=value`, `#` comments). */
export function parseReportTask(text: string, where: string): ReportTask {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const equals = line.indexOf('=');
    if (equals <= 0)
      throw new QualityGateError(`${where}: '${line}' is not a key=value line; give the report-task.txt the Sonar scanner wrote`);
    values.set(
      line.slice(0, equals).trim(),
      line
        .slice(equals + 1)
        .trim()
        .replace(/\\:/g, ':'),
    );
  }
  const required = (key: string): string => {
    const value = values.get(key);
    if (!value)
      throw new QualityGateError(
        `${where}: missing '${key}' (a report-task.txt has projectKey, serverUrl, dashboardUrl, ceTaskId, ceTaskUrl)`,
      );
    return value;
  };
  const serverUrl = required('serverUrl');
  if (!URL.canParse(serverUrl)) throw new QualityGateError(`${where}: serverUrl '${serverUrl}' is not a URL`);
  const organization = values.get('organization');
  return {
    projectKey: required('projectKey'),
    serverUrl: serverUrl.replace(/\/+$/, ''),
    dashboardUrl: required('dashboardUrl'),
    ceTaskId: required('ceTaskId'),
    ceTaskUrl: required('ceTaskUrl'),
    ...(organization ? { organization } : {}),
  };
}

/**
 * The report-task.txt the scanner wrote, with its server replaced by the one the workflow configured:
 * the token is sent only there. A report naming another server (written by a changed build, or by
 * anything else that ran before) is refused.
 */
export function onConfiguredServer(task: ReportTask, configuredUrl: string, where: string): ReportTask {
  if (!URL.canParse(configuredUrl) || !/^https?:$/.test(new URL(configuredUrl).protocol))
    throw new QualityGateError(`${where}: '${configuredUrl}' is not an http(s) URL`);
  const configured = new URL(configuredUrl);
  const reported = new URL(task.serverUrl);
  if (reported.origin !== configured.origin) {
    throw new QualityGateError(
      `report-task.txt names the server ${reported.origin}, but this action talks only to ${configured.origin} (${where}); the token was not sent. Scan against ${configured.origin}, or set ${where} to the SonarQube server you use`,
    );
  }
  return { ...task, serverUrl: configuredUrl.replace(/\/+$/, '') };
}

export interface GateCondition {
  status: string;
  metricKey: string;
  comparator?: string;
  errorThreshold?: string;
  actualValue?: string;
}

export interface GateStatus {
  /** OK, WARN, ERROR or NONE (no gate). */
  status: string;
  conditions: GateCondition[];
  analysisId: string;
}

export interface PollOptions {
  token: string;
  /** Total time to wait for the compute-engine task. */
  timeoutMs: number;
  /** First wait between polls; doubles up to maxDelayMs. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  log?: (line: string) => void;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

async function getJson(url: string, options: PollOptions): Promise<Record<string, unknown>> {
  const request = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await request(url, { headers: { Authorization: `Bearer ${options.token}`, Accept: 'application/json' } });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    throw new QualityGateError(
      `could not reach SonarCloud at ${new URL(url).origin} (${error instanceof Error ? error.message : String(error)}${cause}); check serverUrl in report-task.txt`,
    );
  }
  const body = await response.text();
  if (response.status === 401 || response.status === 403) {
    throw new QualityGateError(
      `SonarCloud refused the token (HTTP ${response.status}) at GET ${new URL(url).pathname}: check input 'token' (a SonarCloud token with Browse permission on the project, usually secrets.SONAR_TOKEN)`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  if (!response.ok) {
    const errors = (json as { errors?: Array<{ msg?: string }> } | undefined)?.errors?.map((error) => error.msg).filter(Boolean);
    throw new QualityGateError(
      `SonarCloud answered HTTP ${response.status} to GET ${new URL(url).pathname}${errors?.length ? `: ${errors.join('; ')}` : ''}`,
    );
  }
  if (typeof json !== 'object' || json === null)
    throw new QualityGateError(`SonarCloud answered GET ${new URL(url).pathname} with something that is not JSON`);
  return json as Record<string, unknown>;
}

/** Waits for the compute-engine task to finish and returns its analysis id. */
export async function waitForAnalysis(task: ReportTask, options: PollOptions): Promise<string> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const deadline = now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 1000;
  const maxDelay = options.maxDelayMs ?? 15_000;
  const url = `${task.serverUrl}/api/ce/task?id=${encodeURIComponent(task.ceTaskId)}`;
  for (;;) {
    const json = await getJson(url, options);
    const current = json['task'] as { status?: string; analysisId?: string; errorMessage?: string } | undefined;
    const status = current?.status;
    if (status === 'SUCCESS') {
      if (!current?.analysisId) throw new QualityGateError(`SonarCloud task ${task.ceTaskId} succeeded without an analysisId`);
      return current.analysisId;
    }
    if (status === 'FAILED' || status === 'CANCELED') {
      throw new QualityGateError(
        `SonarCloud task ${task.ceTaskId} ${status}${current?.errorMessage ? `: ${current.errorMessage}` : ''} (see ${task.ceTaskUrl})`,
      );
    }
    if (status !== 'PENDING' && status !== 'IN_PROGRESS')
      throw new QualityGateError(`SonarCloud task ${task.ceTaskId} has an unknown status '${String(status)}'`);
    const left = deadline - now();
    if (left <= 0) {
      throw new QualityGateError(
        `SonarCloud task ${task.ceTaskId} is still ${status} after ${options.timeoutMs >= 1000 ? `${Math.round(options.timeoutMs / 1000)}s` : `${options.timeoutMs}ms`} (input 'timeout-seconds'); see ${task.ceTaskUrl}`,
      );
    }
    options.log?.(`SonarCloud task ${task.ceTaskId} is ${status}; asking again in ${Math.min(delay, left)} ms`);
    await sleep(Math.min(delay, left));
    delay = Math.min(delay * 2, maxDelay);
  }
}

export async function fetchGateStatus(task: ReportTask, analysisId: string, options: PollOptions): Promise<GateStatus> {
  const json = await getJson(`${task.serverUrl}/api/qualitygates/project_status?analysisId=${encodeURIComponent(analysisId)}`, options);
  const projectStatus = json['projectStatus'] as { status?: string; conditions?: GateCondition[] } | undefined;
  if (!projectStatus?.status)
    throw new QualityGateError(`SonarCloud's project_status for analysis ${analysisId} has no projectStatus.status`);
  return { status: projectStatus.status, conditions: Array.isArray(projectStatus.conditions) ? projectStatus.conditions : [], analysisId };
}

const comparatorText: Record<string, string> = { LT: '<', GT: '>', EQ: '=', NE: '≠' };

/** `new_coverage 72.5 < 80` — a failed condition as people read it. */
export function describeCondition(condition: GateCondition): string {
  const comparator = condition.comparator ? (comparatorText[condition.comparator] ?? condition.comparator) : '';
  return `${condition.metricKey} is ${condition.actualValue ?? '?'} (fails when ${comparator} ${condition.errorThreshold ?? '?'})`.replace(
    / {2,}/g,
    ' ',
  );
}

export interface GateDecision {
  passed: boolean;
  record: QualityGate;
  failedConditions: GateCondition[];
}

/** ERROR fails; OK and WARN pass; NONE (no gate on the project) passes as skipped. */
export function decideQualityGate(gate: GateStatus, dashboardUrl: string): GateDecision {
  const failedConditions = gate.conditions.filter((condition) => condition.status === 'ERROR');
  const url = URL.canParse(dashboardUrl) ? { url: dashboardUrl } : {};
  if (gate.status === 'ERROR') {
    const details =
      failedConditions.length > 0 ? `SonarCloud ERROR: ${failedConditions.map(describeCondition).join('; ')}` : 'SonarCloud ERROR';
    return { passed: false, record: { status: 'failed', details, ...url }, failedConditions };
  }
  if (gate.status === 'NONE')
    return {
      passed: true,
      record: { status: 'skipped', details: 'SonarCloud: no quality gate on this project', ...url },
      failedConditions,
    };
  return { passed: true, record: { status: 'passed', details: `SonarCloud ${gate.status}`, ...url }, failedConditions };
}

export function qualityGateSummary(task: ReportTask, gate: GateStatus, decision: GateDecision): string {
  const icon = gate.status === 'ERROR' ? '❌' : gate.status === 'WARN' ? '⚠️' : '✅';
  const lines = [
    `### SonarCloud quality gate: ${icon} ${gate.status}`,
    '',
    `Project [${markdownCell(task.projectKey)}](${task.dashboardUrl}), analysis \`${gate.analysisId}\`.`,
  ];
  if (gate.conditions.length > 0) {
    lines.push('', '| Metric | Actual | Comparator | Threshold | Status |', '| --- | ---: | --- | ---: | --- |');
    for (const condition of gate.conditions) {
      lines.push(
        `| ${markdownCell(condition.metricKey)} | ${markdownCell(condition.actualValue ?? '—')} | ${markdownCell(condition.comparator ?? '—')} | ${markdownCell(condition.errorThreshold ?? '—')} | ${condition.status === 'ERROR' ? '❌ ERROR' : markdownCell(condition.status)} |`,
      );
    }
  }
  if (!decision.passed) lines.push('', `${decision.failedConditions.length} condition(s) failed.`);
  return `${lines.join('\n')}\n`;
}
