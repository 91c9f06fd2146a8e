/**
 * The quality-gate action: reads SonarCloud's report-task.txt (its server must be input server-url,
 * the only host the token is sent to), waits (bounded, with backoff) for the
 * compute-engine task, fetches the quality gate and its conditions, records the status in the
 * release manifest and the job summary, and fails on ERROR.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { actionRunner, ActionInputError } from '../../lib/shell/action-runner.ts';
import type { ActionRunner } from '../../lib/shell/action-runner.ts';
import { formatReleaseManifest, parseReleaseManifest, recordQualityGate } from '../../lib/release/release-manifest.ts';
import type { QualityGate, ReleaseManifest } from '../../lib/release/release-manifest.ts';
import { decideQualityGate, describeCondition, fetchGateStatus, onConfiguredServer, parseReportTask, QualityGateError, qualityGateSummary, waitForAnalysis } from '../../lib/scan/sonar-quality-gate.ts';
import { insideRoot } from '../../lib/shell/workspace-paths.ts';

function seconds(runner: ActionRunner, name: string, fallback: number, max: number): number {
  const text = runner.input(name);
  const value = text === '' ? fallback : Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > max) throw new ActionInputError(`input '${name}' must be a number of seconds above 0 and at most ${max}, not '${text}'`);
  return value;
}

function record(manifest: ReleaseManifest, services: string[], gate: QualityGate): ReleaseManifest {
  return services.reduce((current, service) => recordQualityGate(current, service, gate), manifest);
}

export async function run(runner: ActionRunner = actionRunner()): Promise<void> {
  try {
    const token = runner.requiredInput('token');
    runner.setSecret(token);
    const workspace = runner.env('GITHUB_WORKSPACE') ?? process.cwd();
    const reportPath = runner.input('report-task') || '.scannerwork/report-task.txt';
    const reportFile = insideRoot(workspace, reportPath, "input 'report-task'");
    if (!existsSync(reportFile)) throw new ActionInputError(`input 'report-task': ${reportPath} does not exist; run the SonarCloud scan in this job first (it writes .scannerwork/report-task.txt)`);
    const task = onConfiguredServer(parseReportTask(readFileSync(reportFile, 'utf8'), `input 'report-task' (${reportPath})`), runner.input('server-url') || 'https://sonarcloud.io', "input 'server-url'");
    const timeoutMs = seconds(runner, 'timeout-seconds', 300, 3600) * 1000;
    const initialDelayMs = seconds(runner, 'poll-interval-seconds', 2, 600) * 1000;

    const manifestPath = runner.input('release-manifest');
    let manifest: ReleaseManifest | undefined;
    let services: string[] = [];
    if (manifestPath !== '') {
      const manifestFile = insideRoot(workspace, manifestPath, "input 'release-manifest'");
      if (!existsSync(manifestFile)) throw new ActionInputError(`input 'release-manifest': ${manifestPath} does not exist in the workspace`);
      manifest = parseReleaseManifest(readFileSync(manifestFile, 'utf8'), `input 'release-manifest' (${manifestPath})`);
      const given = runner.listInput('services', true);
      services = given.length > 0 ? given : Object.keys(manifest.services);
      for (const service of services) {
        if (!manifest.services[service]) throw new ActionInputError(`input 'services': '${service}' is not in the release manifest (it has ${Object.keys(manifest.services).join(', ')})`);
      }
    }
    const writeManifest = (gate: QualityGate): void => {
      if (!manifest) return;
      writeFileSync(insideRoot(workspace, manifestPath, "input 'release-manifest'"), formatReleaseManifest(record(manifest, services, gate)));
    };

    let analysisId: string;
    try {
      analysisId = await waitForAnalysis(task, { token, timeoutMs, initialDelayMs, maxDelayMs: Math.max(initialDelayMs, 15_000), log: runner.info });
    } catch (error) {
      if (error instanceof QualityGateError && /still (PENDING|IN_PROGRESS)/.test(error.message)) {
        writeManifest({ status: 'pending', details: error.message, ...(URL.canParse(task.dashboardUrl) ? { url: task.dashboardUrl } : {}) });
      }
      throw error;
    }
    const gate = await fetchGateStatus(task, analysisId, { token, timeoutMs });
    const decision = decideQualityGate(gate, task.dashboardUrl);
    writeManifest(decision.record);
    runner.setOutput('status', gate.status);
    runner.setOutput('passed', String(decision.passed));
    runner.setOutput('analysis-id', analysisId);
    runner.setOutput('dashboard-url', task.dashboardUrl);
    runner.setOutput('conditions', JSON.stringify(gate.conditions));
    runner.setOutput('release-manifest', manifestPath);
    runner.appendSummary(qualityGateSummary(task, gate, decision));
    runner.info(`SonarCloud quality gate of ${task.projectKey}: ${gate.status} (${task.dashboardUrl})`);
    if (!decision.passed) {
      process.exitCode = 1;
      runner.error(
        `SonarCloud quality gate of ${task.projectKey} is ERROR:\n${decision.failedConditions.map((condition) => `- ${describeCondition(condition)}`).join('\n') || '- (no failed condition reported)'}\nDetails: ${task.dashboardUrl}`,
      );
    }
  } catch (error) {
    process.exitCode = 1;
    runner.error(error instanceof Error ? error.message : String(error));
  }
}
