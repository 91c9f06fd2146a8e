/**
 * The quality-gate action: reads its inputs (lib/shell/inputs/quality-gate.ts), waits (bounded, with
 * backoff) for SonarCloud's compute-engine task, fetches the quality gate and its conditions,
 * records the status in the release manifest and the job summary, and fails on ERROR.
 */
import { writeFileSync } from 'node:fs';
import { formatReleaseManifest, recordQualityGate } from '../../lib/release/release-manifest.ts';
import type { QualityGate } from '../../lib/release/release-manifest.ts';
import {
  decideQualityGate,
  describeCondition,
  fetchGateStatus,
  QualityGateError,
  qualityGateSummary,
  waitForAnalysis,
} from '../../lib/scan/sonar-quality-gate.ts';
import { actionContext, actionInputs, appendSummary, fail, log, maskSecret, runAction, setOutputs } from '../../lib/shell/action-io.ts';
import { parseQualityGateInputs, qualityGateFields } from '../../lib/shell/inputs/quality-gate.ts';
import type { QualityGateInputs } from '../../lib/shell/inputs/quality-gate.ts';

function writeManifest(release: QualityGateInputs['release'], gate: QualityGate): void {
  if (!release) return;
  writeFileSync(
    release.file,
    formatReleaseManifest(release.services.reduce((current, service) => recordQualityGate(current, service, gate), release.manifest)),
  );
}

export function run(): Promise<void> {
  return runAction(async () => {
    const raw = actionInputs(qualityGateFields);
    maskSecret(raw.text('token'));
    const { token, task, timeoutMs, initialDelayMs, release } = parseQualityGateInputs(raw, actionContext());
    let analysisId: string;
    try {
      analysisId = await waitForAnalysis(task, {
        token,
        timeoutMs,
        initialDelayMs,
        maxDelayMs: Math.max(initialDelayMs, 15_000),
        log: log.info,
      });
    } catch (error) {
      if (error instanceof QualityGateError && /still (PENDING|IN_PROGRESS)/.test(error.message)) {
        writeManifest(release, {
          status: 'pending',
          details: error.message,
          ...(URL.canParse(task.dashboardUrl) ? { url: task.dashboardUrl } : {}),
        });
      }
      throw error;
    }
    const gate = await fetchGateStatus(task, analysisId, { token, timeoutMs });
    const decision = decideQualityGate(gate, task.dashboardUrl);
    writeManifest(release, decision.record);
    setOutputs({
      status: gate.status,
      passed: String(decision.passed),
      'analysis-id': analysisId,
      'dashboard-url': task.dashboardUrl,
      conditions: JSON.stringify(gate.conditions),
      'release-manifest': release?.path ?? '',
    });
    await appendSummary(qualityGateSummary(task, gate, decision));
    log.info(`SonarCloud quality gate of ${task.projectKey}: ${gate.status} (${task.dashboardUrl})`);
    if (!decision.passed) {
      const failed =
        decision.failedConditions.map((condition) => `- ${describeCondition(condition)}`).join('\n') || '- (no failed condition reported)';
      fail(`SonarCloud quality gate of ${task.projectKey} is ERROR:\n${failed}\nDetails: ${task.dashboardUrl}`);
    }
  });
}
