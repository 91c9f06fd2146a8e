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
 *   - and the production-gate rules of workflow-policy-gates.ts (workflow_run, artifacts, secrets, credentials).
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import { checkJobGates, get, scalarText, uncheckedWorkflowRunJobs } from './workflow-policy-gates.ts';
import type { GateRule } from './workflow-policy-gates.ts';

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
/** GitOps environment names that are prod. */
const prodTargets = new Set(['prod', 'production']);

const pinnedUses = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+(?:\/[^@\s]+)?@[0-9a-f]{40}$/;
const versionComment = /#\s*(v?\d+(?:\.\d+)*\S*)/;
/** An exact release: major.minor.patch, with an optional pre-release or build suffix. */
const exactVersion = /^v?\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/;
const expression = /\$\{\{([\s\S]*?)\}\}/g;
/** Contexts an outsider (a pull request's author, whoever starts a dispatch) can write. */
const untrustedContext = /\bgithub\.event\.|\bgithub\.head_ref\b|(?<![\w.])inputs\.|\bgithub\.event\b(?!_)/;
/** `slipway promote <environment> …` / `slipway rollback <environment> …` in a script. */
const slipwayPromotion = /\bslipway\s+(?:promote|rollback)(?:\s+(\S+))?/;

/** Checks one workflow file's text. */
export function checkWorkflow(file: string, text: string): WorkflowFinding[] {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const findings: WorkflowFinding[] = [];
  const lineOf = (node: YamlNode | undefined): number => {
    const offset = node?.range?.[0];
    return offset === undefined ? 1 : lineCounter.linePos(offset).line;
  };
  const add = (finding: Omit<WorkflowFinding, 'file'>): void => {
    findings.push({ file, ...finding });
  };

  if (document.errors.length > 0) {
    // The first error is the cause; the rest usually follow from it.
    const [error] = document.errors;
    add({ line: error?.linePos?.[0]?.line ?? 1, rule: 'invalid-workflow', message: `not valid YAML: ${error?.message.split('\n')[0] ?? ''}; fix the syntax` });
    return findings;
  }
  const root = document.contents;
  if (!isMap(root)) {
    add({ line: 1, rule: 'invalid-workflow', message: 'a workflow is a mapping with on: and jobs:; this file is not' });
    return findings;
  }
  const jobs = get(root, 'jobs');
  if (!isMap(jobs)) {
    add({ line: lineOf(root), rule: 'invalid-workflow', message: 'the workflow has no jobs: mapping; add one' });
    return findings;
  }

  const onWorkflowRun = checkTriggers(root, lineOf, add);
  checkTopLevelPermissions(root, lineOf, add);
  const workflowConcurrency = get(root, 'concurrency');
  if (onWorkflowRun) checkWorkflowRunJobs(jobs, lineOf, add);

  for (const jobPair of jobs.items) {
    const job = scalarText(jobPair.key) ?? '?';
    const jobNode = jobPair.value;
    if (!isMap(jobNode)) continue;
    const jobPermissions = get(jobNode, 'permissions');
    if (scalarText(jobPermissions) === 'write-all') {
      add({ line: lineOf(jobPermissions as YamlNode), job, rule: 'write-all-permissions', message: `job ${job} asks for write-all; list only the scopes it writes (e.g. contents: write)` });
    }
    const reusable = get(jobNode, 'uses');
    if (reusable !== undefined) checkUses(reusable as YamlNode, text, { job }, lineOf, add);
    for (const finding of checkJobGates(job, jobNode, lineOf)) add(finding);

    const steps = get(jobNode, 'steps');
    let promotes: { target: string | undefined; line: number; step: string } | undefined;
    if (isSeq(steps)) {
      steps.items.forEach((stepNode, index) => {
        if (!isMap(stepNode)) return;
        const step = scalarText(get(stepNode, 'name')) ?? scalarText(get(stepNode, 'id')) ?? scalarText(get(stepNode, 'uses')) ?? `step ${index + 1}`;
        const uses = get(stepNode, 'uses');
        if (uses !== undefined) checkUses(uses as YamlNode, text, { job, step }, lineOf, add);
        const run = get(stepNode, 'run');
        const script = scalarText(run);
        if (script !== undefined) checkRun(script, { job, step, line: lineOf(run as YamlNode) }, add);
        // actions/github-script evaluates its script input as JavaScript: the same injection, in another language.
        const inlineScript = /^actions\/github-script@/.test(scalarText(uses) ?? '') ? get(get(stepNode, 'with'), 'script') : undefined;
        const javascript = scalarText(inlineScript);
        if (javascript !== undefined) checkRun(javascript, { job, step, line: lineOf(inlineScript as YamlNode) }, add, 'process.env.VALUE');
        const promotion = promotionTarget(stepNode, scalarText(uses), script);
        if (promotion && !promotes) promotes = { ...promotion, line: lineOf(stepNode), step };
        else if (promotion && promotes && isProd(promotion.target)) promotes = { ...promotion, line: lineOf(stepNode), step };
      });
    }
    if (!promotes) continue;

    if (isProd(promotes.target) && jobEnvironment(jobNode) !== productionEnvironment) {
      const what = promotes.target === undefined ? 'may promote prod (its target environment is an expression)' : `promotes ${promotes.target}`;
      add({
        line: promotes.line,
        job,
        step: promotes.step,
        rule: 'prod-promotion-outside-production',
        message: `job ${job} ${what} outside the ${productionEnvironment} environment; add \`environment: ${productionEnvironment}\` to the job (its required reviewers are the approval)`,
      });
    }
    const jobConcurrency = get(jobNode, 'concurrency');
    const concurrency = jobConcurrency ?? workflowConcurrency;
    if (concurrency === undefined) {
      add({ line: lineOf(jobPair.key as YamlNode), job, rule: 'promotion-concurrency', message: `job ${job} promotes without a concurrency group; add \`concurrency: { group: slipway-promote-<environment>, cancel-in-progress: false }\` so promotions queue` });
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
  return findings;
}

type LineOf = (node: YamlNode | undefined) => number;
type Add = (finding: Omit<WorkflowFinding, 'file'>) => void;

function checkWorkflowRunJobs(jobs: YAMLMap, lineOf: LineOf, add: Add): void {
  for (const [job, missing] of uncheckedWorkflowRunJobs(jobs)) {
    const key = jobs.items.find((pair) => scalarText(pair.key) === job)?.key as YamlNode | undefined;
    const why = "any workflow of that name (one a fork's pull request adds, or one run by pull_request) can start it";
    add({ line: lineOf(key), job, rule: 'workflow-run-unchecked', message: `job ${job} runs on workflow_run without checking which run triggered it: ${why}; add to its if: ${missing.join(' && ')}` });
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
        message: 'pull_request_target runs with write access and secrets on code from forks; use pull_request (and workflow_run for anything that must write)',
      });
    }
  }
  return names.some(({ name }) => name === 'workflow_run');
}

function checkTopLevelPermissions(root: YAMLMap, lineOf: LineOf, add: Add): void {
  const permissions = get(root, 'permissions');
  const fix = 'set top-level `permissions: { contents: read }` and grant writes in the jobs that need them';
  if (permissions === undefined) {
    add({ line: lineOf(root), rule: 'top-level-permissions', message: `no top-level permissions: the token gets the repository default, which may be write; ${fix}` });
    return;
  }
  const asText = scalarText(permissions);
  if (asText !== undefined) {
    add({ line: lineOf(permissions as YamlNode), rule: asText === 'write-all' ? 'write-all-permissions' : 'top-level-permissions', message: `top-level permissions: ${asText}; ${fix}` });
    return;
  }
  if (!isMap(permissions)) {
    add({ line: lineOf(permissions as YamlNode), rule: 'top-level-permissions', message: `top-level permissions is not a mapping; ${fix}` });
    return;
  }
  for (const pair of permissions.items) {
    const level = scalarText(pair.value);
    if (level !== 'read' && level !== 'none') {
      add({ line: lineOf(pair.value as YamlNode), rule: 'top-level-permissions', message: `top-level permissions grant ${scalarText(pair.key) ?? '?'}: ${level ?? '?'} to every job; ${fix}` });
    }
  }
}

function checkUses(node: YamlNode, text: string, where: { job: string; step?: string }, lineOf: LineOf, add: Add): void {
  const uses = scalarText(node) ?? '';
  if (uses.startsWith('./')) return;
  if (uses.startsWith('docker://')) {
    if (!/@sha256:[0-9a-f]{64}$/.test(uses)) add({ line: lineOf(node), ...where, rule: 'unpinned-action', message: `${uses}: pin the image by digest (docker://image@sha256:…)` });
    return;
  }
  if (!pinnedUses.test(uses)) {
    const name = uses.split('@')[0] ?? uses;
    add({ line: lineOf(node), ...where, rule: 'unpinned-action', message: `${uses}: pin ${name} to a full 40-hex commit SHA with its version in a trailing comment, e.g. \`uses: ${name}@<commit sha> # v1.2.3\`` });
    return;
  }
  const end = node.range?.[1] ?? 0;
  const lineEnd = text.indexOf('\n', end);
  const rest = text.slice(end, lineEnd === -1 ? undefined : lineEnd);
  const version = versionComment.exec(rest)?.[1];
  if (version === undefined) {
    add({ line: lineOf(node), ...where, rule: 'pin-without-version', message: `${uses}: add the version the SHA stands for as a trailing comment (\`# v1.2.3\`) so updates can be reviewed` });
  } else if (!exactVersion.test(version)) {
    add({
      line: lineOf(node),
      ...where,
      rule: 'inexact-version-comment',
      message: `${uses}: the comment '# ${version}' names a moving version, not the release this SHA is; write the exact version the SHA was tagged as (\`# v1.2.3\`), so a reviewer and Dependabot compare the right releases`,
    });
  }
}

/** Untrusted `${{ }}` in a script (bash for `run:`, JavaScript for github-script); `reads` is how the script reads an env variable. */
function checkRun(script: string, where: { job: string; step: string; line: number }, add: Add, reads = '"$VALUE"'): void {
  for (const match of script.matchAll(expression)) {
    const inner = (match[1] ?? '').trim();
    if (untrustedContext.test(inner)) {
      add({
        ...where,
        rule: 'untrusted-context-in-run',
        message: `\${{ ${inner} }} is expanded into the script before it runs, so its text can inject commands; pass it through env: (e.g. \`env: { VALUE: \${{ ${inner} }} }\`) and use ${reads}`,
      });
    }
  }
}

/** Whether a step promotes, and into which environment: a literal name, or undefined when an expression decides. */
function promotionTarget(step: YAMLMap, uses: string | undefined, script: string | undefined): { target: string | undefined } | undefined {
  const inputs = get(step, 'with');
  if (uses !== undefined && /(^\.\/|\/)actions\/promote(@|$)/.test(uses)) {
    return { target: literal(scalarText(get(inputs, 'environment'))) };
  }
  // verify rolls the environment back on failure when asked: a write like a promotion.
  if (uses !== undefined && /(^\.\/|\/)actions\/verify(@|$)/.test(uses) && (scalarText(get(inputs, 'rollback')) ?? 'false') !== 'false') {
    return { target: literal(scalarText(get(inputs, 'environment'))) };
  }
  if (script !== undefined) {
    const match = slipwayPromotion.exec(script);
    if (match) return { target: match[1]?.startsWith('-') ? undefined : literal(match[1]) };
  }
  return undefined;
}

function literal(value: string | undefined): string | undefined {
  if (value === undefined || value.includes('${{') || value.includes('$')) return undefined;
  return value.trim();
}

function isProd(target: string | undefined): boolean {
  return target === undefined || prodTargets.has(target);
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
