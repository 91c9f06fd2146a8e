/**
 * Replays one job of a workflow on this machine, step by step, the way the runner would: each
 * `if:` evaluated, `${{ }}` expressions substituted from a table of test values, local actions
 * (`./actions/<name>`) run from their committed dist/index.js with the INPUT_* variables the
 * workflow passes (and the defaults their action.yml declares), `run:` scripts run by bash with the
 * step's env, outputs read back from GITHUB_OUTPUT. What cannot run here (checkout, artifacts,
 * cloud logins, a cluster) is handed to the harness, which says what it stands for.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { asString, condition, lookup, ReplayError, substitute } from './workflow-expressions.ts';
import type { ExpressionContext, Value } from './workflow-expressions.ts';

// ---- the job -----------------------------------------------------------------------------------

export interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

export interface StepRecord {
  label: string;
  id?: string;
  ran: 'action' | 'script' | 'harness' | 'skipped';
  inputs: Record<string, string>;
  outputs: Record<string, string>;
  stdout: string;
  /** What the step appended to GITHUB_STEP_SUMMARY. */
  summary: string;
}

export interface ReplayHarness {
  /**
   * `actions/checkout` with its inputs: without `repository`, the checkout the job runs in (returns
   * GITHUB_WORKSPACE); with one, another repository cloned into `path` of the workspace.
   */
  checkout(inputs: Record<string, string>, workspace: string | undefined): string | undefined;
  /** Steps handled by the harness instead of run (third-party actions, cloud logins, a cluster): their outputs. */
  standIn(step: WorkflowStep, inputs: Record<string, string>, workspace: string | undefined): Record<string, string> | undefined;
  /** Environment for scripts and actions (PATH with stand-in tools, HOME, …). */
  environment: Record<string, string>;
}

export interface JobReplay {
  steps: StepRecord[];
  context: ExpressionContext & { steps: Record<string, { outputs: Record<string, string>; outcome: string }> };
  workspace: string | undefined;
}

function readOutputs(file: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i += 1; i < lines.length && lines[i] !== heredoc[2]; i += 1) value.push(lines[i] ?? '');
      outputs[heredoc[1] ?? ''] = value.join('\n');
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

function label(step: WorkflowStep, index: number): string {
  return step.name ?? step.id ?? step.uses ?? `step ${index + 1}`;
}

/** The runner's hashFiles over the job's workspace: '' when no file matches, else a sha256; literal paths only here. */
function hashFilesIn(workspace: () => string): (patterns: string[]) => string {
  return (patterns) => {
    const hash = createHash('sha256');
    let matched = false;
    for (const pattern of patterns) {
      if (/[*?[\]!]/.test(pattern)) throw new ReplayError(`hashFiles('${pattern}'): the replay reads literal paths only`);
      const file = join(workspace(), pattern);
      if (existsSync(file)) {
        hash.update(readFileSync(file));
        matched = true;
      }
    }
    return matched ? hash.digest('hex') : '';
  };
}

/** Replays `jobId` of the workflow file with the given context (github, vars, secrets, inputs, needs). */
export function replayJob(repositoryRoot: string, workflowFile: string, jobId: string, context: ExpressionContext, harness: ReplayHarness): JobReplay {
  const workflow = parse(readFileSync(workflowFile, 'utf8')) as { jobs: Record<string, { steps?: WorkflowStep[]; if?: string; env?: Record<string, unknown> }> };
  const job = workflow.jobs[jobId];
  if (!job) throw new ReplayError(`${workflowFile}: no job ${jobId}`);
  const stepsContext: Record<string, { outputs: Record<string, string>; outcome: string }> = {};
  const runnerFiles = mkdtempSync(join(tmpdir(), 'slipway-replay-'));
  const records: StepRecord[] = [];
  let workspace: string | undefined;
  const full = { ...context, steps: stepsContext, hashFiles: hashFilesIn(() => workspace ?? runnerFiles) } as JobReplay['context'];
  const eventFile = join(runnerFiles, 'event.json');
  writeFileSync(eventFile, JSON.stringify(lookup(context, 'github.event') ?? {}));
  const github = (lookup(context, 'github') ?? {}) as Record<string, string>;
  const runnerEnv = (outputFile: string, summaryFile: string): Record<string, string> => ({
    ...harness.environment,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: workspace ?? runnerFiles,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: github['event_name'] ?? '',
    GITHUB_REPOSITORY: github['repository'] ?? '',
    GITHUB_SHA: github['sha'] ?? '',
    GITHUB_REF: github['ref'] ?? '',
    GITHUB_ACTOR: github['actor'] ?? '',
    GITHUB_RUN_ID: github['run_id'] ?? '',
    GITHUB_SERVER_URL: github['server_url'] ?? 'https://github.com',
    GITHUB_API_URL: github['api_url'] ?? 'https://api.github.com',
    RUNNER_TEMP: runnerFiles,
  });
  if (job.if !== undefined && !condition(job.if, full)) throw new ReplayError(`${workflowFile} ${jobId}: the job's if (${job.if}) is false for this context`);

  (job.steps ?? []).forEach((step, index) => {
    const name = label(step, index);
    const record: StepRecord = { label: name, ...(step.id ? { id: step.id } : {}), ran: 'skipped', inputs: {}, outputs: {}, stdout: '', summary: '' };
    records.push(record);
    if (!condition(step.if, full)) return;
    const env = Object.fromEntries(Object.entries({ ...(job.env ?? {}), ...(step.env ?? {}) }).map(([key, value]) => [key, substitute(String(value), full)]));
    const outputFile = join(runnerFiles, `output-${index}`);
    const summaryFile = join(runnerFiles, `summary-${index}`);
    writeFileSync(outputFile, '');
    writeFileSync(summaryFile, '');

    if (step.uses?.startsWith('./')) {
      const metadata = parse(readFileSync(join(repositoryRoot, step.uses, 'action.yml'), 'utf8')) as { inputs?: Record<string, { default?: unknown }>; runs: { main: string } };
      const given = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, substitute(String(value), full)]));
      for (const [input, spec] of Object.entries(metadata.inputs ?? {})) {
        record.inputs[input] = given[input] ?? substitute(asString(spec.default as Value), full);
      }
      const standIn = harness.standIn(step, record.inputs, workspace);
      if (standIn) {
        record.ran = 'harness';
        record.outputs = standIn;
      } else {
        const main = join(repositoryRoot, step.uses, metadata.runs.main);
        if (!existsSync(main)) throw new ReplayError(`${name}: ${step.uses} has no ${metadata.runs.main}`);
        const inputEnv = Object.fromEntries(Object.entries(record.inputs).map(([input, value]) => [`INPUT_${input.replace(/ /g, '_').toUpperCase()}`, value]));
        const result = spawnSync(process.execPath, [main], { cwd: workspace ?? runnerFiles, env: { ...runnerEnv(outputFile, summaryFile), ...env, ...inputEnv }, encoding: 'utf8' });
        record.ran = 'action';
        record.stdout = result.stdout + result.stderr;
        if (result.status !== 0) throw new ReplayError(`${name}: ${step.uses} failed (exit ${result.status}):\n${record.stdout}`);
        record.outputs = readOutputs(outputFile);
        record.summary = readFileSync(summaryFile, 'utf8');
      }
    } else if (step.uses?.startsWith('actions/checkout@')) {
      record.inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, substitute(String(value), full)]));
      workspace = harness.checkout(record.inputs, workspace) ?? workspace;
      record.ran = 'harness';
    } else if (step.uses !== undefined || step.run !== undefined) {
      const given = Object.fromEntries(Object.entries(step.with ?? {}).map(([key, value]) => [key, substitute(String(value), full)]));
      record.inputs = given;
      const standIn = harness.standIn(step, given, workspace);
      if (standIn) {
        record.ran = 'harness';
        record.outputs = standIn;
      } else if (step.run !== undefined) {
        const result = spawnSync('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', step.run], { cwd: workspace ?? runnerFiles, env: { ...runnerEnv(outputFile, summaryFile), ...env }, encoding: 'utf8' });
        record.ran = 'script';
        record.stdout = result.stdout + result.stderr;
        if (result.status !== 0) throw new ReplayError(`${name}: the script failed (exit ${result.status}):\n${record.stdout}`);
        record.outputs = readOutputs(outputFile);
        record.summary = readFileSync(summaryFile, 'utf8');
      } else {
        throw new ReplayError(`${name}: the harness has no stand-in for ${step.uses}`);
      }
    }
    if (step.id) stepsContext[step.id] = { outputs: record.outputs, outcome: 'success' };
  });
  return { steps: records, context: full, workspace };
}

/** The job's declared outputs, evaluated after the replay. */
export function jobOutputs(workflowFile: string, jobId: string, replay: JobReplay): Record<string, string> {
  const workflow = parse(readFileSync(workflowFile, 'utf8')) as { jobs: Record<string, { outputs?: Record<string, string> }> };
  return Object.fromEntries(Object.entries(workflow.jobs[jobId]?.outputs ?? {}).map(([name, value]) => [name, substitute(value, replay.context)]));
}
