/**
 * The hardening rules every GitHub workflow of this repository follows, as a pure check over the
 * workflow's YAML text: each finding names the file, line, job and step and says what to do.
 *
 *   - third-party actions pinned to a full 40-hex commit SHA, the exact version (v1.2.3) in a
 *     trailing comment;
 *   - top-level `permissions` read-only (e.g. `contents: read`), writes granted per job;
 *   - no untrusted context (`github.event.*`, `github.head_ref`, `inputs.*`) inside `run:` or an
 *     actions/github-script `script:`;
 *   - a job that promotes or rolls back prod (the promote action, `slipway promote|rollback`, the
 *     verify action with rollback) runs in the `production` environment;
 *   - promotions queue in a concurrency group that never cancels a run in progress;
 *   - no `pull_request_target` trigger;
 *   - `deployments: write` only in a job bound to an environment that posts its deployment's status
 *     (`slipway deployment-status`), and every such job grants it;
 *   - and the production-gate rules of workflow-policy-gates.ts (workflow_run, artifacts, secrets, credentials).
 * The step rules (pins, scripts, which steps promote) live in workflow-policy-steps.ts.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import { checkJobGates, get, scalarText, uncheckedWorkflowRunJobs } from './workflow-policy-gates.ts';
import type { GateRule } from './workflow-policy-gates.ts';
import { checkSteps, checkUses, isProd } from './workflow-policy-steps.ts';
import type { Promotion } from './workflow-policy-steps.ts';

export type WorkflowRule =
  | 'invalid-workflow'
  | 'unpinned-action'
  | 'pin-without-version'
  | 'inexact-version-comment'
  | 'top-level-permissions'
  | 'write-all-permissions'
  | 'untrusted-context-in-run'
  | 'prod-promotion-outside-production'
  | 'promotion-concurrency'
  | 'pull-request-target'
  | 'deployments-write'
  | GateRule;

export interface WorkflowFinding {
  file: string;
  line: number;
  job?: string;
  step?: string;
  rule: WorkflowRule;
  /** What is wrong and what to do. */
  message: string;
}

/** The GitHub Environment a prod promotion must run in (its required reviewers are the approval). */
export const productionEnvironment = 'production';

/** A parsed workflow: its root and jobs maps, or the finding that says why it is not one. */
type ParsedWorkflow = { root: YAMLMap; jobs: YAMLMap; lineOf: LineOf } | { invalid: Omit<WorkflowFinding, 'file'> };

function parseWorkflow(text: string): ParsedWorkflow {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const lineOf = (node: YamlNode | undefined): number => {
    const offset = node?.range?.[0];
    return offset === undefined ? 1 : lineCounter.linePos(offset).line;
  };
  if (document.errors.length > 0) {
    // The first error is the cause; the rest usually follow from it.
    const [error] = document.errors;
    return {
      invalid: {
        line: error?.linePos?.[0]?.line ?? 1,
        rule: 'invalid-workflow',
        message: `not valid YAML: ${error?.message.split('\n')[0] ?? ''}; fix the syntax`,
      },
    };
  }
  const root = document.contents;
  if (!isMap(root))
    return { invalid: { line: 1, rule: 'invalid-workflow', message: 'a workflow is a mapping with on: and jobs:; this file is not' } };
  const jobs = get(root, 'jobs');
  if (!isMap(jobs))
    return { invalid: { line: lineOf(root), rule: 'invalid-workflow', message: 'the workflow has no jobs: mapping; add one' } };
  return { root, jobs, lineOf };
}

/** Checks one workflow file's text. */
export function checkWorkflow(file: string, text: string): WorkflowFinding[] {
  const findings: WorkflowFinding[] = [];
  const add: Add = (finding) => {
    findings.push({ file, ...finding });
  };
  const parsed = parseWorkflow(text);
  if ('invalid' in parsed) {
    add(parsed.invalid);
    return findings;
  }
  const { root, jobs, lineOf } = parsed;
  const onWorkflowRun = checkTriggers(root, lineOf, add);
  checkTopLevelPermissions(root, lineOf, add);
  const workflowConcurrency = get(root, 'concurrency');
  if (onWorkflowRun) checkWorkflowRunJobs(jobs, lineOf, add);
  for (const jobPair of jobs.items) {
    const job = scalarText(jobPair.key) ?? '?';
    if (!isMap(jobPair.value)) continue;
    const promotes = checkJob(job, jobPair.value, text, lineOf, add);
    if (promotes) checkPromotingJob({ job, key: jobPair.key as YamlNode, node: jobPair.value }, promotes, workflowConcurrency, lineOf, add);
  }
  return findings;
}

/** One job's own rules and its steps'; returns the promotion the job makes, if any. */
function checkJob(job: string, jobNode: YAMLMap, text: string, lineOf: LineOf, add: Add): Promotion | undefined {
  const jobPermissions = get(jobNode, 'permissions');
  if (scalarText(jobPermissions) === 'write-all') {
    add({
      line: lineOf(jobPermissions as YamlNode),
      job,
      rule: 'write-all-permissions',
      message: `job ${job} asks for write-all; list only the scopes it writes (e.g. contents: write)`,
    });
  }
  const reusable = get(jobNode, 'uses');
  if (reusable !== undefined) checkUses(reusable as YamlNode, text, { job }, lineOf, add);
  for (const finding of checkJobGates(job, jobNode, lineOf)) add(finding);
  checkDeploymentsWrite(job, jobNode, lineOf, add);
  return checkSteps(job, jobNode, text, lineOf, add);
}

/** `deployments: write` exactly where a job bound to an environment records its deployment (slipway deployment-status). */
function checkDeploymentsWrite(job: string, jobNode: YAMLMap, lineOf: LineOf, add: Add): void {
  const grant = get(get(jobNode, 'permissions'), 'deployments');
  const granted = scalarText(grant) === 'write';
  const steps = get(jobNode, 'steps');
  const records = (isSeq(steps) ? steps.items : []).some((step) =>
    /\bslipway(\.js)? deployment-status\b/.test(scalarText(get(step, 'run')) ?? ''),
  );
  if (granted && (!records || get(jobNode, 'environment') === undefined)) {
    add({
      line: lineOf(grant as YamlNode),
      job,
      rule: 'deployments-write',
      message: `job ${job} grants deployments: write but ${records ? 'is bound to no environment (GitHub makes no deployment for it)' : 'records no deployment (no slipway deployment-status step)'}; drop the grant, or bind the job to its environment and record its deployment`,
    });
  } else if (records && !granted) {
    add({
      line: lineOf(jobNode),
      job,
      rule: 'deployments-write',
      message: `job ${job} runs slipway deployment-status without permissions: deployments: write; grant it in the job (and only there)`,
    });
  }
}

/** A job that promotes: prod only in the production environment, and always in a concurrency group that queues. */
function checkPromotingJob(
  jobOf: { job: string; key: YamlNode; node: YAMLMap },
  promotes: Promotion,
  workflowConcurrency: unknown,
  lineOf: LineOf,
  add: Add,
): void {
  const { job, node: jobNode } = jobOf;
  if (isProd(promotes.target) && jobEnvironment(jobNode) !== productionEnvironment) {
    const what =
      promotes.target === undefined ? 'may promote prod (its target environment is an expression)' : `promotes ${promotes.target}`;
    add({
      line: promotes.line,
      job,
      step: promotes.step,
      rule: 'prod-promotion-outside-production',
      message: `job ${job} ${what} outside the ${productionEnvironment} environment; add \`environment: ${productionEnvironment}\` to the job (its required reviewers are the approval)`,
    });
  }
  const jobConcurrency = get(jobNode, 'concurrency');
  if ((jobConcurrency ?? workflowConcurrency) === undefined) {
    add({
      line: lineOf(jobOf.key),
      job,
      rule: 'promotion-concurrency',
      message: `job ${job} promotes without a concurrency group; add \`concurrency: { group: slipway-promote-<environment>, cancel-in-progress: false }\` so promotions queue`,
    });
  }
  for (const [where, node] of [
    ['job', jobConcurrency],
    ['workflow', workflowConcurrency],
  ] as const) {
    if (node === undefined) continue;
    const cancel = get(node, 'cancel-in-progress');
    const cancelText = scalarText(cancel);
    if (cancelText !== undefined && cancelText !== 'false') {
      add({
        line: lineOf(cancel as YamlNode),
        job,
        rule: 'promotion-concurrency',
        message: `job ${job} promotes, and its ${where} concurrency sets cancel-in-progress: ${cancelText}; a promotion cut off midway is lost, so set cancel-in-progress: false to queue them`,
      });
    }
  }
}

export type LineOf = (node: YamlNode | undefined) => number;
export type Add = (finding: Omit<WorkflowFinding, 'file'>) => void;

function checkWorkflowRunJobs(jobs: YAMLMap, lineOf: LineOf, add: Add): void {
  for (const [job, missing] of uncheckedWorkflowRunJobs(jobs)) {
    const key = jobs.items.find((pair) => scalarText(pair.key) === job)?.key as YamlNode | undefined;
    const why = "any workflow of that name (one a fork's pull request adds, or one run by pull_request) can start it";
    add({
      line: lineOf(key),
      job,
      rule: 'workflow-run-unchecked',
      message: `job ${job} runs on workflow_run without checking which run triggered it: ${why}; add to its if: ${missing.join(' && ')}`,
    });
  }
}

/** Checks the triggers; true when the workflow runs on `workflow_run`. */
function checkTriggers(root: YAMLMap, lineOf: LineOf, add: Add): boolean {
  const on = get(root, 'on');
  const names: { name: string; node: YamlNode }[] = [];
  if (isScalar(on)) names.push({ name: String(on.value), node: on });
  else if (isSeq(on)) for (const item of on.items) names.push({ name: scalarText(item) ?? '', node: item as YamlNode });
  else if (isMap(on)) for (const pair of on.items) names.push({ name: scalarText(pair.key) ?? '', node: pair.key as YamlNode });
  else add({ line: lineOf(root), rule: 'invalid-workflow', message: 'the workflow has no on: trigger; add one' });
  for (const { name, node } of names) {
    if (name === 'pull_request_target') {
      add({
        line: lineOf(node),
        rule: 'pull-request-target',
        message:
          'pull_request_target runs with write access and secrets on code from forks; use pull_request (and workflow_run for anything that must write)',
      });
    }
  }
  return names.some(({ name }) => name === 'workflow_run');
}

function checkTopLevelPermissions(root: YAMLMap, lineOf: LineOf, add: Add): void {
  const permissions = get(root, 'permissions');
  const fix = 'set top-level `permissions: { contents: read }` and grant writes in the jobs that need them';
  if (permissions === undefined) {
    add({
      line: lineOf(root),
      rule: 'top-level-permissions',
      message: `no top-level permissions: the token gets the repository default, which may be write; ${fix}`,
    });
    return;
  }
  const asText = scalarText(permissions);
  if (asText !== undefined) {
    add({
      line: lineOf(permissions as YamlNode),
      rule: asText === 'write-all' ? 'write-all-permissions' : 'top-level-permissions',
      message: `top-level permissions: ${asText}; ${fix}`,
    });
    return;
  }
  if (!isMap(permissions)) {
    add({
      line: lineOf(permissions as YamlNode),
      rule: 'top-level-permissions',
      message: `top-level permissions is not a mapping; ${fix}`,
    });
    return;
  }
  for (const pair of permissions.items) {
    const level = scalarText(pair.value);
    if (level !== 'read' && level !== 'none') {
      add({
        line: lineOf(pair.value as YamlNode),
        rule: 'top-level-permissions',
        message: `top-level permissions grant ${scalarText(pair.key) ?? '?'}: ${level ?? '?'} to every job; ${fix}`,
      });
    }
  }
}

function jobEnvironment(job: YAMLMap): string | undefined {
  const environment = get(job, 'environment');
  return scalarText(environment) ?? scalarText(get(environment, 'name'));
}

/** `file:line job › step: message`, one line per finding. */
export function formatWorkflowFinding(finding: WorkflowFinding): string {
  const where = [finding.job, finding.step].filter(Boolean).join(' › ');
  return `${finding.file}:${finding.line}${where ? ` ${where}` : ''}: [${finding.rule}] ${finding.message}`;
}
