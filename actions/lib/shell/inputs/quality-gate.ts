/**
 * The quality-gate verb's inputs (the quality-gate action): the SonarCloud token and server (the
 * only host the token is sent to), the scanner's report-task.txt, how long to wait, and the release
 * manifest and services the gate is recorded for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseReleaseManifest } from '../../release/release-manifest.ts';
import type { ReleaseManifest } from '../../release/release-manifest.ts';
import { onConfiguredServer, parseReportTask } from '../../scan/sonar-quality-gate.ts';
import type { ShellContext } from '../shell-context.ts';
import { insideRoot } from '../workspace-paths.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { InputError, numberField, required } from './raw-inputs.ts';

export const qualityGateFields = {
  token: { kind: 'text', input: 'token' },
  serverUrl: { kind: 'text', input: 'server-url' },
  reportTask: { kind: 'text', input: 'report-task' },
  timeoutSeconds: { kind: 'text', input: 'timeout-seconds' },
  pollIntervalSeconds: { kind: 'text', input: 'poll-interval-seconds' },
  releaseManifest: { kind: 'text', input: 'release-manifest' },
  services: { kind: 'list', input: 'services', commas: true },
} as const satisfies Record<string, Field>;

type Raw = RawInputs<typeof qualityGateFields>;

export interface QualityGateInputs {
  token: string;
  task: ReturnType<typeof parseReportTask>;
  timeoutMs: number;
  initialDelayMs: number;
  /** The manifest to record the gate in, with the services it is recorded for. */
  release?: { path: string; file: string; manifest: ReleaseManifest; services: string[] };
}

function seconds(raw: Raw, field: 'timeoutSeconds' | 'pollIntervalSeconds', fallback: number, max: number): number {
  return numberField(raw, field, fallback, (value) => value > 0 && value <= max, `a number of seconds above 0 and at most ${max}`) * 1000;
}

function release(raw: Raw, context: ShellContext): QualityGateInputs['release'] {
  const path = raw.text('releaseManifest');
  if (path === '') return undefined;
  const file = insideRoot(context.workspace, path, raw.label('releaseManifest'));
  if (!existsSync(file)) throw new InputError(`${raw.label('releaseManifest')}: ${path} does not exist in the workspace`);
  const manifest = parseReleaseManifest(readFileSync(file, 'utf8'), `${raw.label('releaseManifest')} (${path})`);
  const given = raw.list('services');
  const services = given.length > 0 ? given : Object.keys(manifest.services);
  for (const service of services) {
    if (!manifest.services[service])
      throw new InputError(
        `${raw.label('services')}: '${service}' is not in the release manifest (it has ${Object.keys(manifest.services).join(', ')})`,
      );
  }
  return { path, file, manifest, services };
}

export function parseQualityGateInputs(raw: Raw, context: ShellContext): QualityGateInputs {
  const token = required(raw, 'token');
  const reportPath = raw.text('reportTask') || '.scannerwork/report-task.txt';
  const reportFile = insideRoot(context.workspace, reportPath, raw.label('reportTask'));
  if (!existsSync(reportFile))
    throw new InputError(
      `${raw.label('reportTask')}: ${reportPath} does not exist; run the SonarCloud scan in this job first (it writes .scannerwork/report-task.txt)`,
    );
  const task = onConfiguredServer(
    parseReportTask(readFileSync(reportFile, 'utf8'), `${raw.label('reportTask')} (${reportPath})`),
    raw.text('serverUrl') || 'https://sonarcloud.io',
    raw.label('serverUrl'),
  );
  const timeoutMs = seconds(raw, 'timeoutSeconds', 300, 3600);
  const initialDelayMs = seconds(raw, 'pollIntervalSeconds', 2, 600);
  const manifest = release(raw, context);
  return { token, task, timeoutMs, initialDelayMs, ...(manifest ? { release: manifest } : {}) };
}
