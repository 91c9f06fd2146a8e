/**
 * The workflow policy's rules for steps (see workflow-policy.ts): actions pinned to a commit with
 * their exact version, no untrusted `${{ }}` in scripts, and which steps promote (and where to).
 */
import { isMap, isSeq } from 'yaml';
import type { Node as YamlNode, YAMLMap } from 'yaml';
import type { Add, LineOf } from './workflow-policy.ts';
import { get, scalarText } from './workflow-policy-gates.ts';

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

/** A step that promotes (or rolls back): into which environment (undefined: an expression decides), where. */
export interface Promotion {
  target: string | undefined;
  line: number;
  step: string;
}

/** The job's steps checked; returns the step that promotes, a prod one before any other. */
export function checkSteps(job: string, jobNode: YAMLMap, text: string, lineOf: LineOf, add: Add): Promotion | undefined {
  const steps = get(jobNode, 'steps');
  let promotes: Promotion | undefined;
  if (!isSeq(steps)) return promotes;
  steps.items.forEach((stepNode, index) => {
    if (!isMap(stepNode)) return;
    const step =
      scalarText(get(stepNode, 'name')) ?? scalarText(get(stepNode, 'id')) ?? scalarText(get(stepNode, 'uses')) ?? `step ${index + 1}`;
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
    if (promotion && (!promotes || isProd(promotion.target))) promotes = { ...promotion, line: lineOf(stepNode), step };
  });
  return promotes;
}

export function checkUses(node: YamlNode, text: string, where: { job: string; step?: string }, lineOf: LineOf, add: Add): void {
  const uses = scalarText(node) ?? '';
  if (uses.startsWith('./')) return;
  if (uses.startsWith('docker://')) {
    if (!/@sha256:[0-9a-f]{64}$/.test(uses))
      add({ line: lineOf(node), ...where, rule: 'unpinned-action', message: `${uses}: pin the image by digest (docker://image@sha256:…)` });
    return;
  }
  if (!pinnedUses.test(uses)) {
    const name = uses.split('@')[0] ?? uses;
    add({
      line: lineOf(node),
      ...where,
      rule: 'unpinned-action',
      message: `${uses}: pin ${name} to a full 40-hex commit SHA with its version in a trailing comment, e.g. \`uses: ${name}@<commit sha> # v1.2.3\``,
    });
    return;
  }
  const end = node.range?.[1] ?? 0;
  const lineEnd = text.indexOf('\n', end);
  const rest = text.slice(end, lineEnd === -1 ? undefined : lineEnd);
  const version = versionComment.exec(rest)?.[1];
  if (version === undefined) {
    add({
      line: lineOf(node),
      ...where,
      rule: 'pin-without-version',
      message: `${uses}: add the version the SHA stands for as a trailing comment (\`# v1.2.3\`) so updates can be reviewed`,
    });
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

export function isProd(target: string | undefined): boolean {
  return target === undefined || prodTargets.has(target);
}
