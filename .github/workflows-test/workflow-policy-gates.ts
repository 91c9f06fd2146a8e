/**
 * The workflow policy's rules about the ways around the production gate, each a pure check over one
 * job of a parsed workflow (see workflow-policy.ts for the rest and the shape of a finding):
 *
 *   - a job that may run on `workflow_run` checks who produced that run: its `if:` compares
 *     github.event.workflow_run.event with 'push', .path with the workflow file and
 *     .head_repository.full_name with github.repository (or it needs a job that does);
 *   - artifacts are read from one named run only (no repository-wide `actions/artifacts` listing, no
 *     `gh run download` without a run id, no download action without a run id);
 *   - a secret that can write (an App private key, a GitOps or write token) is used only by a job
 *     bound to a GitHub Environment (whose protection rules decide who may run it);
 *   - a checkout that gets a token, or runs in a job that may write contents, leaves no credentials
 *     behind (`persist-credentials: false`);
 *   - `needs.*.outputs` and `steps.*.outputs` are passed to scripts through env:, never expanded in them;
 *   - no `secrets: inherit`;
 *   - a promotion that copies what another environment runs (`./actions/promote` with
 *     `from-environment`) promotes only the images an earlier job checked (`checked-images`, from
 *     `slipway release-run --from`): what that environment runs can change while the job waits.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';

export type GateRule =
  | 'workflow-run-unchecked'
  | 'cross-run-artifact'
  | 'write-secret-outside-environment'
  | 'persisted-credentials'
  | 'output-in-run'
  | 'secrets-inherit'
  | 'unchecked-environment-copy';

export interface JobFinding {
  line: number;
  job: string;
  step?: string;
  rule: GateRule;
  message: string;
}

export type LineOf = (node: YamlNode | undefined) => number;

export function get(map: unknown, key: string): unknown {
  return isMap(map) ? map.get(key, true) : undefined;
}

export function scalarText(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const value = node.value;
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/** The three facts of a `workflow_run` event that say which run triggered it (GitHub webhook payload `workflow_run`). */
const workflowRunChecks: { fact: string; pattern: RegExp }[] = [
  {
    fact: "github.event.workflow_run.event == 'push'",
    pattern: /github\.event\.workflow_run\.event\s*==\s*'push'|'push'\s*==\s*github\.event\.workflow_run\.event/,
  },
  {
    fact: "github.event.workflow_run.path == '.github/workflows/<file>'",
    pattern:
      /github\.event\.workflow_run\.path\s*==\s*'\.github\/workflows\/[^']+'|'\.github\/workflows\/[^']+'\s*==\s*github\.event\.workflow_run\.path/,
  },
  {
    fact: 'github.event.workflow_run.head_repository.full_name == github.repository',
    pattern:
      /github\.event\.workflow_run\.head_repository\.full_name\s*==\s*github\.repository\b|github\.repository\s*==\s*github\.event\.workflow_run\.head_repository\.full_name/,
  },
];

function unwrap(condition: string): string {
  const trimmed = condition.trim();
  return /^\$\{\{([\s\S]*)\}\}$/.exec(trimmed)?.[1]?.trim() ?? trimmed;
}

/** The `&&` operands of an expression at its top level (outside parentheses and strings). */
export function topLevelConjuncts(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let index = 0; index < expression.length; index += 1) {
    const character = expression[index];
    if (character === "'") quoted = !quoted;
    else if (!quoted && character === '(') depth += 1;
    else if (!quoted && character === ')') depth -= 1;
    else if (!quoted && depth === 0 && expression.startsWith('&&', index)) {
      parts.push(expression.slice(start, index).trim());
      start = index + 2;
      index += 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts;
}

/** Whether an `if:` can only be true for events other than workflow_run. */
function excludesWorkflowRun(condition: string): boolean {
  return topLevelConjuncts(unwrap(condition)).some((part) => {
    const only = /^github\.event_name\s*==\s*'([^']+)'$/.exec(part);
    return (only !== null && only[1] !== 'workflow_run') || /^github\.event_name\s*!=\s*'workflow_run'$/.test(part);
  });
}

/** Status functions make a job run although a job it needs was skipped. */
const runsAfterSkip = /\b(always|failure|cancelled)\s*\(/;

function needsOf(job: YAMLMap): string[] {
  const needs = get(job, 'needs');
  if (isSeq(needs)) return needs.items.map((item) => scalarText(item) ?? '');
  const one = scalarText(needs);
  return one === undefined ? [] : [one];
}

/** Jobs that may start on a `workflow_run` event without checking which run triggered them, with the missing checks. */
export function uncheckedWorkflowRunJobs(jobs: YAMLMap): Map<string, string[]> {
  const byId = new Map(jobs.items.filter((pair) => isMap(pair.value)).map((pair) => [scalarText(pair.key) ?? '?', pair.value as YAMLMap]));
  const guarded = new Map<string, boolean>();
  const isGuarded = (id: string, seen: Set<string>): boolean => {
    const known = guarded.get(id);
    if (known !== undefined) return known;
    const job = byId.get(id);
    if (!job || seen.has(id)) return false;
    const condition = unwrap(scalarText(get(job, 'if')) ?? '');
    const checked = workflowRunChecks.every((check) => check.pattern.test(condition));
    const inherits = !runsAfterSkip.test(condition) && needsOf(job).some((needed) => isGuarded(needed, new Set([...seen, id])));
    const result = checked || excludesWorkflowRun(condition) || inherits;
    guarded.set(id, result);
    return result;
  };
  const unchecked = new Map<string, string[]>();
  for (const id of byId.keys()) {
    if (isGuarded(id, new Set())) continue;
    const condition = unwrap(scalarText(get(byId.get(id), 'if')) ?? '');
    unchecked.set(
      id,
      workflowRunChecks.filter((check) => !check.pattern.test(condition)).map((check) => check.fact),
    );
  }
  return unchecked;
}

const expression = /\$\{\{([\s\S]*?)\}\}/g;
const stepOrJobOutput = /\b(?:needs|steps)\.[\w-]+\.outputs\b/;

/** `needs.*.outputs` / `steps.*.outputs` expanded in a script: their text comes from earlier scripts and artifacts. */
export function outputsInScript(script: string): string[] {
  return [...script.matchAll(expression)].map((match) => (match[1] ?? '').trim()).filter((inner) => stepOrJobOutput.test(inner));
}

/** What in a script reads artifacts of runs it does not name. */
export function crossRunArtifactReads(script: string): string[] {
  const found: string[] = [];
  // One run's list is actions/runs/<id>/artifacts; actions/artifacts is the repository's, every run's.
  if (/\bactions\/artifacts\b/.test(script)) {
    found.push('the repository-wide artifacts list (actions/artifacts) mixes artifacts of every run, pull requests and forks included');
  }
  for (const match of script.matchAll(/\bgh\s+run\s+download\b([^\n;&|]*)/g)) {
    const first = (match[1] ?? '').trim().split(/\s+/)[0] ?? '';
    if (first === '' || first.startsWith('-')) found.push('`gh run download` without a run id picks artifacts from any recent run');
  }
  return found;
}

/** Secrets that can write somewhere: App private keys, GitOps credentials, tokens named for writing. */
export function isWriteSecret(name: string): boolean {
  if (name === 'GITHUB_TOKEN') return false;
  if (/PRIVATE_KEY|WRITE/i.test(name)) return true;
  return /GITOPS/i.test(name) && !/READ/i.test(name);
}

const writeTokenInputs: { uses: RegExp; inputs: string[] }[] = [
  { uses: /^actions\/create-github-app-token@/, inputs: ['private-key'] },
  { uses: /^\.\/actions\/gitops-token$/, inputs: ['private-key'] },
  { uses: /(^\.\/|\/)actions\/(?:promote|verify)(@|$)/, inputs: ['token'] },
];

function secretNames(text: string): string[] {
  return [...text.matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1] ?? '');
}

function stepLabel(step: YAMLMap, index: number): string {
  return scalarText(get(step, 'name')) ?? scalarText(get(step, 'id')) ?? scalarText(get(step, 'uses')) ?? `step ${index + 1}`;
}

function grantsContentsWrite(job: YAMLMap): boolean {
  const permissions = get(job, 'permissions');
  const text = scalarText(permissions);
  if (text !== undefined) return text === 'write-all';
  return scalarText(get(permissions, 'contents')) === 'write';
}

/** Write secrets a job reads, in its text or through the token inputs of the actions it uses. */
function writeSecretsUsed(jobNode: YAMLMap, items: YAMLMap[]): string[] {
  const used = new Set<string>();
  for (const name of secretNames(String(jobNode))) if (isWriteSecret(name)) used.add(name);
  items.forEach((step) => {
    const uses = scalarText(get(step, 'uses')) ?? '';
    for (const { uses: pattern, inputs } of writeTokenInputs) {
      if (!pattern.test(uses)) continue;
      for (const input of inputs)
        for (const name of secretNames(scalarText(get(get(step, 'with'), input)) ?? '')) if (name !== 'GITHUB_TOKEN') used.add(name);
    }
  });
  return [...used].sort();
}

type StepFinding = Omit<JobFinding, 'job' | 'step'>;

/** A checkout that leaves a token (or a job's write access) in .git/config. */
function checkoutFindings(step: YAMLMap, uses: string, inputs: unknown, writes: boolean, lineOf: LineOf): StepFinding[] {
  if (!/^actions\/checkout@/.test(uses)) return [];
  const persist = scalarText(get(inputs, 'persist-credentials'));
  const token = get(inputs, 'token');
  if (persist === 'false' || (token === undefined && !writes)) return [];
  const message = `this checkout ${token !== undefined ? 'gets a token' : 'runs in a job that may write contents'} and keeps it in .git/config for every later step; set \`persist-credentials: false\` and hand the token to the step that pushes`;
  return [{ line: lineOf(step), rule: 'persisted-credentials', message }];
}

/** Download actions that take artifacts of a run they do not name. */
function downloadActionFindings(step: YAMLMap, uses: string, inputs: unknown, lineOf: LineOf): StepFinding[] {
  const found: StepFinding[] = [];
  if (/^dawidd6\/action-download-artifact@/.test(uses) && get(inputs, 'run_id') === undefined) {
    found.push({
      line: lineOf(step),
      rule: 'cross-run-artifact',
      message: `${uses.split('@')[0] ?? uses} without run_id takes the artifact of whichever run matches; name the run (run_id) after checking who produced it`,
    });
  }
  if (
    /^actions\/download-artifact@/.test(uses) &&
    (get(inputs, 'github-token') !== undefined || get(inputs, 'repository') !== undefined) &&
    get(inputs, 'run-id') === undefined
  ) {
    found.push({
      line: lineOf(step),
      rule: 'cross-run-artifact',
      message:
        'actions/download-artifact with a token or repository but no run-id reads another run; give run-id after checking who produced that run',
    });
  }
  return found;
}

/** A promotion that copies another environment's images without the ones an earlier job checked. */
function environmentCopyFindings(step: YAMLMap, uses: string, inputs: unknown, lineOf: LineOf): StepFinding[] {
  const from = scalarText(get(inputs, 'from-environment'));
  if (uses !== './actions/promote' || from === undefined || get(inputs, 'checked-images') !== undefined) return [];
  return [
    {
      line: lineOf(step),
      rule: 'unchecked-environment-copy',
      message: `this step promotes what ${from} runs without checked-images: what runs there can change while the job waits for its reviewer; check its releases in an earlier job (slipway release-run --from) and pass that job's checked-images output`,
    },
  ];
}

/** A step's script: artifacts of unnamed runs, outputs expanded into the script. */
function scriptFindings(step: YAMLMap, lineOf: LineOf): StepFinding[] {
  const run = get(step, 'run');
  const script = scalarText(run);
  if (script === undefined) return [];
  const line = lineOf(run as YamlNode);
  return [
    ...crossRunArtifactReads(script).map((reason): StepFinding => ({
      line,
      rule: 'cross-run-artifact',
      message: `${reason}; list the artifacts of one run (actions/runs/<id>/artifacts) after checking that run's workflow, event, branch and repository`,
    })),
    ...outputsInScript(script).map((inner): StepFinding => ({
      line,
      rule: 'output-in-run',
      message: `\${{ ${inner} }} is expanded into the script before it runs, and an output can carry text from artifacts or other scripts; pass it through env: (e.g. \`env: { VALUE: \${{ ${inner} }} }\`) and use "$VALUE"`,
    })),
  ];
}

/** The rules of this file that look at one job's steps. */
export function checkJobGates(job: string, jobNode: YAMLMap, lineOf: LineOf): JobFinding[] {
  const findings: JobFinding[] = [];
  const inherit = get(jobNode, 'secrets');
  if (scalarText(inherit) === 'inherit') {
    findings.push({
      line: lineOf(inherit as YamlNode),
      job,
      rule: 'secrets-inherit',
      message: `job ${job} passes every secret of the repository to the called workflow (secrets: inherit); pass only the secrets it needs by name`,
    });
  }
  const steps = get(jobNode, 'steps');
  const items = isSeq(steps) ? steps.items.filter((item): item is YAMLMap => isMap(item)) : [];
  if (get(jobNode, 'environment') === undefined) {
    for (const name of writeSecretsUsed(jobNode, items)) {
      findings.push({
        line: lineOf(jobNode),
        job,
        rule: 'write-secret-outside-environment',
        message: `job ${job} reads secrets.${name}, which can write, without an environment: any workflow on any branch could do the same; store it as a secret of a GitHub Environment and add \`environment:\` to the job`,
      });
    }
  }
  const writes = grantsContentsWrite(jobNode);
  items.forEach((step, index) => {
    const uses = scalarText(get(step, 'uses')) ?? '';
    const inputs = get(step, 'with');
    const found = [
      ...checkoutFindings(step, uses, inputs, writes, lineOf),
      ...downloadActionFindings(step, uses, inputs, lineOf),
      ...environmentCopyFindings(step, uses, inputs, lineOf),
      ...scriptFindings(step, lineOf),
    ];
    for (const { line, rule, message } of found) findings.push({ line, job, step: stepLabel(step, index), rule, message });
  });
  return findings;
}
