// The service repositories' lifecycle policy as ECR receives it: modules/ecr's jsonencode(...)
// evaluated by the real terraform binary (`terraform console` over the module's variables and locals;
// no provider is needed), then checked against ECR's lifecycle rules (AWS ECR User Guide, "Lifecycle
// policy properties in Amazon ECR" and "How lifecycle policies work") and against the tags the
// pipeline really pushes: preview images pr-<number>-<head sha> (the previews ApplicationSet deploys
// them), release images as actions/lib/images/tags.ts names them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { imageTags } from '../../actions/lib/images/tags.ts';
import { locateTerraform } from '../checks/terraform-binary.ts';
import { isBody, loadTerraformModule, typedBlocks } from '../checks/terraform-config.ts';
import type { TerraformModule } from '../checks/terraform-config.ts';

const infraRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(infraRoot, '..');
const scratch = mkdtempSync(join(tmpdir(), 'slipway-ecr-lifecycle-'));
const cliConfig = join(scratch, 'terraformrc');
writeFileSync(cliConfig, '');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface LifecycleRule {
  rulePriority: number;
  description?: string;
  selection: {
    tagStatus: 'tagged' | 'untagged' | 'any';
    tagPatternList?: string[];
    tagPrefixList?: string[];
    countType: 'imageCountMoreThan' | 'sinceImagePushed';
    countUnit?: string;
    countNumber: number;
  };
  action: { type: string };
}

/** `${expr}` as hcl2json gives an attribute: the expression itself; a plain value as an HCL literal. */
function hclExpression(value: unknown): string {
  if (typeof value === 'string') {
    const interpolation = /^\$\{([\s\S]*)\}$/.exec(value);
    return interpolation ? (interpolation[1] ?? '') : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

/**
 * Evaluates the module's lifecycle policy with terraform console in a scratch directory holding the
 * module's variables.tf as it is, its locals and the policy expression (`-var` sets variables).
 */
function evaluatePolicy(
  ecr: TerraformModule,
  vars: string[] = [],
): { status: number | null; policy?: { rules: LifecycleRule[] }; stderr: string } {
  const policy = typedBlocks(ecr, 'resource').find((r) => r.type === 'aws_ecr_lifecycle_policy' && r.name === 'service');
  if (!policy) throw new Error('modules/ecr has no aws_ecr_lifecycle_policy.service');
  const locals = ecr.files.flatMap((f) => (Array.isArray(f.json.locals) ? f.json.locals.filter(isBody) : []));
  const dir = mkdtempSync(join(scratch, 'module-'));
  writeFileSync(join(dir, 'variables.tf'), readFileSync(join(infraRoot, 'modules/ecr/variables.tf'), 'utf8'));
  const assignments = locals.flatMap((block) => Object.entries(block).map(([name, value]) => `  ${name} = ${hclExpression(value)}`));
  writeFileSync(join(dir, 'locals.tf'), `locals {\n${assignments.join('\n')}\n  policy = ${hclExpression(policy.body.policy)}\n}\n`);
  const result = spawnSync(locateTerraform(), ['console', ...vars.flatMap((v) => ['-var', v])], {
    cwd: dir,
    input: 'local.policy\n',
    encoding: 'utf8',
    env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: cliConfig },
  });
  if (result.error) throw new Error(`could not run terraform console: ${result.error.message}`);
  if (result.status !== 0) return { status: result.status, stderr: result.stderr };
  // console prints the string value quoted: a JSON string whose content is the policy document.
  return { status: 0, policy: JSON.parse(JSON.parse(result.stdout.trim()) as string) as { rules: LifecycleRule[] }, stderr: result.stderr };
}

/** An ECR tag pattern (`*` matches any run of characters) as a regular expression. */
const patternRegExp = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );

/** Whether a rule's tag selection matches an image carrying `tags` (every pattern/prefix must match one of them). */
function selects(rule: LifecycleRule, tags: string[]): boolean {
  const { tagStatus, tagPatternList = [], tagPrefixList = [] } = rule.selection;
  if (tagStatus === 'any') return true;
  if (tagStatus === 'untagged') return tags.length === 0;
  return (
    tags.length > 0 &&
    tagPatternList.every((pattern) => tags.some((tag) => patternRegExp(pattern).test(tag))) &&
    tagPrefixList.every((prefix) => tags.some((tag) => tag.startsWith(prefix)))
  );
}

/** ECR's own rules for a policy document, and what this repository needs of the preview rule. */
function lifecycleFindings(
  rules: LifecycleRule[],
  expect_: { previewTag: string; releaseTags: string[]; previewExpiryDays: number; keptImages: number; untaggedDays: number },
): string[] {
  const findings: string[] = [];
  const priorities = rules.map((r) => r.rulePriority);
  if (new Set(priorities).size !== priorities.length) findings.push(`rulePriority values repeat: ${priorities.join(', ')}`);
  const highest = Math.max(...priorities);
  for (const rule of rules) {
    const { tagStatus, tagPatternList, tagPrefixList, countType, countUnit } = rule.selection;
    if (tagStatus === 'any' && rule.rulePriority !== highest)
      findings.push(`rule ${rule.rulePriority}: tagStatus "any" must have the highest rulePriority (${highest})`);
    if (tagStatus === 'tagged' && (tagPatternList === undefined) === (tagPrefixList === undefined))
      findings.push(`rule ${rule.rulePriority}: a tagged rule takes tagPatternList or tagPrefixList, exactly one`);
    if (tagStatus !== 'tagged' && (tagPatternList ?? tagPrefixList) !== undefined)
      findings.push(`rule ${rule.rulePriority}: only a tagged rule names tags`);
    for (const pattern of tagPatternList ?? [])
      if ((pattern.match(/\*/g) ?? []).length > 4) findings.push(`rule ${rule.rulePriority}: more than four wildcards in ${pattern}`);
    if ((countType === 'sinceImagePushed') !== (countUnit === 'days'))
      findings.push(`rule ${rule.rulePriority}: countUnit "days" goes with sinceImagePushed only`);
    if (rule.action.type !== 'expire') findings.push(`rule ${rule.rulePriority}: action ${rule.action.type}, not expire`);
  }
  if (rules.filter((r) => r.selection.tagStatus === 'untagged').length > 1) findings.push('more than one rule selects untagged images');
  // The rule that decides an image is the first (lowest rulePriority) whose selection matches it.
  const deciding = (tags: string[]) => [...rules].sort((a, b) => a.rulePriority - b.rulePriority).find((rule) => selects(rule, tags));
  const preview = deciding([expect_.previewTag]);
  if (preview?.selection.tagStatus !== 'tagged' || preview.selection.countType !== 'sinceImagePushed')
    findings.push(
      `the preview image ${expect_.previewTag} is decided by ${preview ? `rule ${preview.rulePriority} (${preview.selection.tagStatus}, ${preview.selection.countType})` : 'no rule'}, not by a tagged sinceImagePushed rule`,
    );
  else if (preview.selection.countNumber !== expect_.previewExpiryDays)
    findings.push(`preview images expire after ${preview.selection.countNumber} days, not ${expect_.previewExpiryDays}`);
  for (const tag of expect_.releaseTags) {
    const release = deciding([tag]);
    if (
      release?.selection.tagStatus !== 'any' ||
      release.selection.countType !== 'imageCountMoreThan' ||
      release.selection.countNumber !== expect_.keptImages
    )
      findings.push(
        `the release image ${tag} is decided by ${release ? `rule ${release.rulePriority} (${release.selection.tagStatus} ${release.selection.countType} ${release.selection.countNumber})` : 'no rule'}, not by keeping the newest ${expect_.keptImages}`,
      );
  }
  const untagged = deciding([]);
  if (untagged?.selection.tagStatus !== 'untagged' || untagged.selection.countNumber !== expect_.untaggedDays)
    findings.push(`untagged images are not expired after ${expect_.untaggedDays} days`);
  return findings;
}

let ecr: TerraformModule;
let evaluated: { rules: LifecycleRule[] };
beforeAll(async () => {
  ecr = await loadTerraformModule(infraRoot, join(infraRoot, 'modules/ecr'));
  const result = evaluatePolicy(ecr);
  expect(result.status, result.stderr).toBe(0);
  evaluated = result.policy!;
});

/** The image tag the previews ApplicationSet deploys, for pull request 42 at a head commit. */
function previewTag(): string {
  const appset = parse(readFileSync(join(repoRoot, 'gitops-repo/environments/dev/previews.yaml'), 'utf8')) as unknown;
  const template = /"tag":"(pr-[^"]*)"/.exec(JSON.stringify(appset))?.[1];
  expect(template, 'previews.yaml sets the services image.tag').toBeDefined();
  return (template ?? '').replace('{{ .number }}', '42').replace('{{ .head_sha }}', 'a'.repeat(40));
}

/** What the release workflow tags on main and on a version tag (actions/lib/images/tags.ts). */
const releaseTags = (): string[] => [
  ...imageTags({ eventName: 'push', ref: 'refs/heads/main', sha: 'b'.repeat(40) })
    .tags.filter((t) => !t.mutable)
    .map((t) => t.tag),
  ...imageTags({ eventName: 'push', ref: 'refs/tags/v1.4.2', sha: 'c'.repeat(40) })
    .tags.filter((t) => !t.mutable)
    .map((t) => t.tag),
];

/** PREVIEW_IDLE_DAYS as .github/workflows/previews.yml defaults it. */
function previewIdleDays(): number {
  const text = readFileSync(join(repoRoot, '.github/workflows/previews.yml'), 'utf8');
  return Number(/vars\.PREVIEW_IDLE_DAYS \|\| '(\d+)'/.exec(text)?.[1]);
}

const expected = () => ({ previewTag: previewTag(), releaseTags: releaseTags(), previewExpiryDays: 7, keptImages: 200, untaggedDays: 7 });

describe('the service repositories expire preview images (modules/ecr, evaluated by terraform console)', () => {
  it('pr-* images 7 days after their push; release images still by the newest-200 rule; untagged after 7 days', () => {
    expect(releaseTags()).toEqual(['sha-bbbbbbb', '1.4.2', 'sha-ccccccc']);
    expect(previewTag()).toBe(`pr-42-${'a'.repeat(40)}`);
    expect(lifecycleFindings(evaluated.rules, expected())).toEqual([]);
    expect(evaluated.rules.map((r) => [r.rulePriority, r.selection.tagStatus, r.selection.countType])).toEqual([
      [1, 'untagged', 'sinceImagePushed'],
      [2, 'tagged', 'sinceImagePushed'],
      [3, 'any', 'imageCountMoreThan'],
    ]);
    expect(evaluated.rules[1]?.selection).toEqual({
      tagStatus: 'tagged',
      tagPatternList: ['pr-*'],
      countType: 'sinceImagePushed',
      countUnit: 'days',
      countNumber: 7,
    });
  });

  it("outlives a live preview: longer than the previews workflow's idle timeout (whole days, checked hourly) plus a day", () => {
    expect(previewIdleDays()).toBe(3);
    expect(evaluated.rules[1]?.selection.countNumber).toBeGreaterThan(previewIdleDays() + 1);
  });

  it('follows preview_image_expiry_days, and refuses a value a live preview would outlast', () => {
    const three = evaluatePolicy(ecr, ['preview_image_expiry_days=3']);
    expect(three.status, three.stderr).toBe(0);
    expect(lifecycleFindings(three.policy!.rules, { ...expected(), previewExpiryDays: 3 })).toEqual([]);
    const one = evaluatePolicy(ecr, ['preview_image_expiry_days=1']);
    expect(one.status).not.toBe(0);
    expect(one.stderr.replace(/[│\s]+/g, ' ')).toContain('preview_image_expiry_days must be between 2 and 30');
  });

  it.each([
    [
      'the any rule before the preview rule',
      (rules: LifecycleRule[]) => rules.map((r) => (r.rulePriority === 2 ? { ...r, rulePriority: 4 } : r)),
      'rule 3: tagStatus "any" must have the highest rulePriority (4)',
    ],
    [
      'a prefix that also takes release tags',
      (rules: LifecycleRule[]) =>
        rules.map((r) => (r.rulePriority === 2 ? { ...r, selection: { ...r.selection, tagPatternList: ['*'] } } : r)),
      'the release image sha-bbbbbbb is decided by rule 2 (tagged sinceImagePushed 7), not by keeping the newest 200',
    ],
    [
      'a pattern the preview tags do not match',
      (rules: LifecycleRule[]) =>
        rules.map((r) => (r.rulePriority === 2 ? { ...r, selection: { ...r.selection, tagPatternList: ['preview-*'] } } : r)),
      'the preview image pr-42-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa is decided by rule 3 (any, imageCountMoreThan), not by a tagged sinceImagePushed rule',
    ],
    [
      'both tagPatternList and tagPrefixList',
      (rules: LifecycleRule[]) =>
        rules.map((r) => (r.rulePriority === 2 ? { ...r, selection: { ...r.selection, tagPrefixList: ['pr-'] } } : r)),
      'rule 2: a tagged rule takes tagPatternList or tagPrefixList, exactly one',
    ],
    [
      'another expiry than the variable says',
      (rules: LifecycleRule[]) => rules.map((r) => (r.rulePriority === 2 ? { ...r, selection: { ...r.selection, countNumber: 30 } } : r)),
      'preview images expire after 30 days, not 7',
    ],
  ])('finds %s', (_what, breakRules, finding) => {
    expect(lifecycleFindings(breakRules(structuredClone(evaluated.rules)), expected())).toContain(finding);
  });
});
