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

/** A step that failed: the replay stops there (as the job does), and the step's record says what it wrote before it failed. */
export class StepFailed extends ReplayError {
  constructor(
    message: string,
    readonly step: StepRecord,
  ) {
    super(message);
  }
}

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

/** One job being replayed: its runner files, its context (with the steps so far) and its workspace. */
interface JobRun {
  repositoryRoot: string;
  harness: ReplayHarness;
  full: JobReplay['context'];
  runnerFiles: string;
  eventFile: string;
  github: Record<string, string>;
  /** GITHUB_WORKSPACE once a checkout made one. */
  workspace: string | undefined;
}

/** The files a step writes its outputs and summary to. */
interface StepFiles {
  output: string;
  summary: string;
}

/** The variables the runner gives every step. */
function runnerEnv(run: JobRun, files: StepFiles): Record<string, string> {
  const { github } = run;
  return {
    ...run.harness.environment,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: run.workspace ?? run.runnerFiles,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_EVENT_PATH: run.eventFile,
    GITHUB_EVENT_NAME: github['event_name'] ?? '',
    GITHUB_REPOSITORY: github['repository'] ?? '',
    GITHUB_REPOSITORY_OWNER: github['repository_owner'] ?? (github['repository'] ?? '').split('/')[0] ?? '',
    GITHUB_SHA: github['sha'] ?? '',
    GITHUB_REF: github['ref'] ?? '',
    GITHUB_ACTOR: github['actor'] ?? '',
    GITHUB_RUN_ID: github['run_id'] ?? '',
    GITHUB_SERVER_URL: github['server_url'] ?? 'https://github.com',
    GITHUB_API_URL: github['api_url'] ?? 'https://api.github.com',
    RUNNER_TEMP: run.runnerFiles,
  };
}

/** Every value of a map (a step's `with:` or `env:`) with its `${{ }}` substituted. */
function substituteValues(values: Record<string, unknown>, context: JobReplay['context']): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, substitute(String(value), context)]));
}

/** Runs one process as a step (an action's main, a script); a failure stops the replay with its output. */
function runStepProcess(
  run: JobRun,
  record: StepRecord,
  spawn: { command: string; args: string[]; env: Record<string, string>; failure: string },
  files: StepFiles,
): void {
  const result = spawnSync(spawn.command, spawn.args, {
    cwd: run.workspace ?? run.runnerFiles,
    env: { ...runnerEnv(run, files), ...spawn.env },
    encoding: 'utf8',
  });
  record.stdout = result.stdout + result.stderr;
  record.outputs = readOutputs(files.output);
  record.summary = readFileSync(files.summary, 'utf8');
  if (result.status !== 0) throw new StepFailed(`${record.label}: ${spawn.failure} (exit ${result.status}):\n${record.stdout}`, record);
}

interface ActionMetadata {
  inputs?: Record<string, { default?: unknown }>;
  outputs?: Record<string, { value?: unknown }>;
  runs: { using: string; main?: string; steps?: WorkflowStep[] };
}

/**
 * A composite action's steps, replayed like a job's with its own `inputs` and `steps` contexts (the
 * caller's env reaches them, as on the runner); its outputs are the `value` expressions of its
 * action.yml over those contexts.
 */
function runCompositeAction(run: JobRun, metadata: ActionMetadata, record: StepRecord, env: Record<string, string>, tag: string): void {
  const nested: JobRun = { ...run, full: { ...run.full, inputs: record.inputs, steps: {} } };
  record.ran = 'action';
  try {
    for (const [index, step] of (metadata.runs.steps ?? []).entries()) {
      const inner = replayStep(nested, env, step, index, `${tag}-`);
      record.stdout += inner.stdout;
      record.summary += inner.summary;
    }
  } catch (error) {
    if (error instanceof StepFailed) {
      record.stdout += error.step.stdout;
      record.summary += error.step.summary;
      throw new StepFailed(`${record.label}: ${error.message}`, record);
    }
    throw error;
  }
  // A checkout inside the composite changes the job's workspace, as on the runner.
  run.workspace = nested.workspace;
  record.outputs = Object.fromEntries(
    Object.entries(metadata.outputs ?? {}).map(([name, spec]) => [name, substitute(asString(spec.value as Value), nested.full)]),
  );
}

/**
 * A local action (`./actions/<name>`): its inputs (given, else action.yml's defaults), run from its
 * committed main (a composite one step by step) unless the harness stands in.
 */
function runLocalAction(
  run: JobRun,
  step: WorkflowStep,
  uses: string,
  record: StepRecord,
  env: Record<string, string>,
  files: StepFiles,
  tag: string,
): void {
  const metadata = parse(readFileSync(join(run.repositoryRoot, uses, 'action.yml'), 'utf8')) as ActionMetadata;
  const given = substituteValues(step.with ?? {}, run.full);
  for (const [input, spec] of Object.entries(metadata.inputs ?? {})) {
    record.inputs[input] = given[input] ?? substitute(asString(spec.default as Value), run.full);
  }
  const standIn = run.harness.standIn(step, record.inputs, run.workspace);
  if (standIn) {
    record.ran = 'harness';
    record.outputs = standIn;
    return;
  }
  if (metadata.runs.using === 'composite') return runCompositeAction(run, metadata, record, env, tag);
  const main = join(run.repositoryRoot, uses, metadata.runs.main ?? '');
  if (!existsSync(main)) throw new ReplayError(`${record.label}: ${uses} has no ${metadata.runs.main ?? 'runs.main'}`);
  const inputEnv = Object.fromEntries(
    Object.entries(record.inputs).map(([input, value]) => [`INPUT_${input.replace(/ /g, '_').toUpperCase()}`, value]),
  );
  record.ran = 'action';
  runStepProcess(run, record, { command: process.execPath, args: [main], env: { ...env, ...inputEnv }, failure: `${uses} failed` }, files);
}

/** Any other step: the harness stands in for it, or its `run:` script runs in bash as the runner runs it. */
function runOtherStep(run: JobRun, step: WorkflowStep, record: StepRecord, env: Record<string, string>, files: StepFiles): void {
  record.inputs = substituteValues(step.with ?? {}, run.full);
  const standIn = run.harness.standIn(step, record.inputs, run.workspace);
  if (standIn) {
    record.ran = 'harness';
    record.outputs = standIn;
  } else if (step.run !== undefined) {
    record.ran = 'script';
    runStepProcess(
      run,
      record,
      { command: 'bash', args: ['--noprofile', '--norc', '-e', '-o', 'pipefail', '-c', step.run], env, failure: 'the script failed' },
      files,
    );
  } else {
    throw new ReplayError(`${record.label}: the harness has no stand-in for ${step.uses}`);
  }
}

/** One step; `prefix` keeps a composite action's step files apart from its caller's. */
function replayStep(run: JobRun, jobEnv: Record<string, unknown>, step: WorkflowStep, index: number, prefix = ''): StepRecord {
  const record: StepRecord = {
    label: label(step, index),
    ...(step.id ? { id: step.id } : {}),
    ran: 'skipped',
    inputs: {},
    outputs: {},
    stdout: '',
    summary: '',
  };
  if (!condition(step.if, run.full)) return record;
  const env = substituteValues({ ...jobEnv, ...(step.env ?? {}) }, run.full);
  const files = { output: join(run.runnerFiles, `output-${prefix}${index}`), summary: join(run.runnerFiles, `summary-${prefix}${index}`) };
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  const { uses } = step;
  if (uses?.startsWith('./')) runLocalAction(run, step, uses, record, env, files, `${prefix}${index}`);
  else if (uses?.startsWith('actions/checkout@')) {
    record.inputs = substituteValues(step.with ?? {}, run.full);
    run.workspace = run.harness.checkout(record.inputs, run.workspace) ?? run.workspace;
    record.ran = 'harness';
  } else if (uses !== undefined || step.run !== undefined) runOtherStep(run, step, record, env, files);
  if (step.id) run.full.steps[step.id] = { outputs: record.outputs, outcome: 'success' };
  return record;
}

/** Replays `jobId` of the workflow file with the given context (github, vars, secrets, inputs, needs). */
export function replayJob(
  repositoryRoot: string,
  workflowFile: string,
  jobId: string,
  context: ExpressionContext,
  harness: ReplayHarness,
): JobReplay {
  const workflow = parse(readFileSync(workflowFile, 'utf8')) as {
    jobs: Record<string, { steps?: WorkflowStep[]; if?: string; env?: Record<string, unknown> }>;
  };
  const job = workflow.jobs[jobId];
  if (!job) throw new ReplayError(`${workflowFile}: no job ${jobId}`);
  const runnerFiles = mkdtempSync(join(tmpdir(), 'slipway-replay-'));
  const full = { ...context, steps: {}, hashFiles: hashFilesIn(() => run.workspace ?? runnerFiles) } as JobReplay['context'];
  const eventFile = join(runnerFiles, 'event.json');
  writeFileSync(eventFile, JSON.stringify(lookup(context, 'github.event') ?? {}));
  const github = (lookup(context, 'github') ?? {}) as Record<string, string>;
  const run: JobRun = { repositoryRoot, harness, full, runnerFiles, eventFile, github, workspace: undefined };
  if (job.if !== undefined && !condition(job.if, full))
    throw new ReplayError(`${workflowFile} ${jobId}: the job's if (${job.if}) is false for this context`);
  const records: StepRecord[] = [];
  (job.steps ?? []).forEach((step, index) => {
    records.push(replayStep(run, job.env ?? {}, step, index));
  });
  return { steps: records, context: full, workspace: run.workspace };
}

/** The job's declared outputs, evaluated after the replay. */
export function jobOutputs(workflowFile: string, jobId: string, replay: JobReplay): Record<string, string> {
  const workflow = parse(readFileSync(workflowFile, 'utf8')) as { jobs: Record<string, { outputs?: Record<string, string> }> };
  return Object.fromEntries(
    Object.entries(workflow.jobs[jobId]?.outputs ?? {}).map(([name, value]) => [name, substitute(value, replay.context)]),
  );
}
