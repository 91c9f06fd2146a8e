// The lifecycle policies of the release repositories and of the preview repositories as ECR receives
// them: modules/ecr's jsonencode(...) evaluated by the real terraform binary (`terraform console` over
// the module's variables and locals; no provider is needed), then checked against ECR's lifecycle
// rules (AWS ECR User Guide, "Lifecycle policy properties in Amazon ECR" and "How lifecycle policies
// work") and against the tags the pipeline really pushes: release images as actions/lib/images/tags.ts
// names them, preview images pr-<number>-<head sha> (the previews ApplicationSet deploys them). And the
// preview repositories' names, which the module, the pull-request workflow's build step and the
// previews ApplicationSet must give alike (ECR API Reference, CreateRepository: repositoryName).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { imageRepository } from '../../actions/lib/images/build-plan.ts';
import { imageTags } from '../../actions/lib/images/tags.ts';
import { previewDefaults } from '../../actions/lib/preview/preview-label.ts';
import { substitute } from '../../.github/workflows-test/workflow-expressions.ts';
import { previewImages } from '../../gitops-repo/test/admission/admission-tree.ts';
import { offlineTerraform } from '../checks/terraform-binary.ts';
import { isBody, loadTerraformModule, typedBlocks } from '../checks/terraform-config.ts';
import type { TerraformModule } from '../checks/terraform-config.ts';

const infraRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(infraRoot, '..');
const scratch = mkdtempSync(join(tmpdir(), 'slipway-ecr-lifecycle-'));
const terraform = offlineTerraform(scratch);
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

/**
 * An attribute as hcl2json gives it, as HCL: `${expr}` alone is the expression itself; any other
 * string (a template such as `${a}/${b}`, or plain text) an HCL string, which keeps its
 * interpolations; any other value an HCL literal.
 */
function hclExpression(value: unknown): string {
  if (typeof value === 'string' && value.startsWith('${') && value.endsWith('}')) {
    let depth = 0;
    const closesAt = [...value].findIndex((char, i) => {
      if (char === '{') depth++;
      if (char === '}') depth--;
      return i > 1 && depth === 0;
    });
    if (closesAt === value.length - 1) return value.slice(2, -1);
  }
  return JSON.stringify(value);
}

/**
 * Evaluates an expression of the module with terraform console in a scratch directory holding the
 * module's variables.tf as it is, its locals and the expression as local.value (`-var` sets
 * variables). Gives the value as JSON.
 */
function evaluateInModule(
  ecr: TerraformModule,
  expression: string,
  vars: string[] = [],
): { status: number | null; value?: unknown; stderr: string } {
  const locals = ecr.files.flatMap((f) => (Array.isArray(f.json.locals) ? f.json.locals.filter(isBody) : []));
  const dir = mkdtempSync(join(scratch, 'module-'));
  writeFileSync(join(dir, 'variables.tf'), readFileSync(join(infraRoot, 'modules/ecr/variables.tf'), 'utf8'));
  const assignments = locals.flatMap((block) => Object.entries(block).map(([name, value]) => `  ${name} = ${hclExpression(value)}`));
  writeFileSync(join(dir, 'locals.tf'), `locals {\n${assignments.join('\n')}\n  value = ${expression}\n}\n`);
  const result = terraform(dir, ['console', ...vars.flatMap((v) => ['-var', v])], 'jsonencode(local.value)\n');
  if (result.status !== 0) return { status: result.status, stderr: result.stderr };
  // console prints the string quoted: a JSON string whose content is the value's JSON.
  return { status: 0, value: JSON.parse(JSON.parse(result.stdout.trim()) as string) as unknown, stderr: result.stderr };
}

/** An attribute of one of the module's resources, as its expression. */
function resourceAttribute(ecr: TerraformModule, type: string, name: string, attribute: string): string {
  const resource = typedBlocks(ecr, 'resource').find((r) => r.type === type && r.name === name);
  if (!resource) throw new Error(`modules/ecr has no ${type}.${name}`);
  return hclExpression(resource.body[attribute]);
}

/** The lifecycle policy of the release repositories (`service`) or of the preview repositories, as ECR receives it. */
function evaluatePolicy(
  ecr: TerraformModule,
  repositories: 'service' | 'preview',
  vars: string[] = [],
): { status: number | null; policy?: { rules: LifecycleRule[] }; stderr: string } {
  const result = evaluateInModule(ecr, resourceAttribute(ecr, 'aws_ecr_lifecycle_policy', repositories, 'policy'), vars);
  // jsonencode(...) gives the document as a JSON string.
  return result.status === 0
    ? { status: 0, policy: JSON.parse(result.value as string) as { rules: LifecycleRule[] }, stderr: result.stderr }
    : { status: result.status, stderr: result.stderr };
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

/** What ECR itself requires of a policy document (AWS ECR User Guide, "Lifecycle policy properties in Amazon ECR"). */
function ecrRuleFindings(rules: LifecycleRule[]): string[] {
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
  return findings;
}

/** The rule that decides an image: the first (lowest rulePriority) whose selection matches it. */
const deciding = (rules: LifecycleRule[], tags: string[]) =>
  [...rules].sort((a, b) => a.rulePriority - b.rulePriority).find((rule) => selects(rule, tags));

const described = (rule: LifecycleRule | undefined) =>
  rule ? `rule ${rule.rulePriority} (${rule.selection.tagStatus} ${rule.selection.countType} ${rule.selection.countNumber})` : 'no rule';

/** The release repositories' policy: release images kept by count, untagged ones expired by age, no rule for preview tags. */
function releasePolicyFindings(
  rules: LifecycleRule[],
  expect_: { releaseTags: string[]; keptImages: number; untaggedDays: number },
): string[] {
  const findings = ecrRuleFindings(rules);
  for (const tag of expect_.releaseTags) {
    const release = deciding(rules, [tag]);
    if (
      release?.selection.tagStatus !== 'any' ||
      release.selection.countType !== 'imageCountMoreThan' ||
      release.selection.countNumber !== expect_.keptImages
    )
      findings.push(`the release image ${tag} is decided by ${described(release)}, not by keeping the newest ${expect_.keptImages}`);
  }
  const untagged = deciding(rules, []);
  if (untagged?.selection.tagStatus !== 'untagged' || untagged.selection.countNumber !== expect_.untaggedDays)
    findings.push(`untagged images are not expired after ${expect_.untaggedDays} days`);
  for (const rule of rules.filter((r) => r.selection.tagStatus === 'tagged'))
    findings.push(
      `rule ${rule.rulePriority} selects tags ${JSON.stringify(rule.selection.tagPatternList ?? rule.selection.tagPrefixList)}: release repositories hold release images only`,
    );
  return findings;
}

/** The preview repositories' policy: every image, whatever its tags, expired the given days after its push. */
function previewPolicyFindings(
  rules: LifecycleRule[],
  expect_: { previewTag: string; releaseTags: string[]; previewExpiryDays: number },
): string[] {
  const findings = ecrRuleFindings(rules);
  for (const tags of [[expect_.previewTag], [], ...expect_.releaseTags.map((tag) => [tag])]) {
    const rule = deciding(rules, tags);
    const what = tags.length === 0 ? 'an untagged image' : `an image tagged ${tags.join(', ')}`;
    if (rule?.selection.countType !== 'sinceImagePushed' || rule.selection.countNumber !== expect_.previewExpiryDays)
      findings.push(`${what} is decided by ${described(rule)}, not expired ${expect_.previewExpiryDays} days after its push`);
  }
  return findings;
}

let ecr: TerraformModule;
let release: { rules: LifecycleRule[] };
let preview: { rules: LifecycleRule[] };
beforeAll(async () => {
  ecr = await loadTerraformModule(infraRoot, join(infraRoot, 'modules/ecr'));
  const service = evaluatePolicy(ecr, 'service');
  expect(service.status, service.stderr).toBe(0);
  release = service.policy!;
  const previews = evaluatePolicy(ecr, 'preview');
  expect(previews.status, previews.stderr).toBe(0);
  preview = previews.policy!;
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

const expected = () => ({ previewTag: previewTag(), releaseTags: releaseTags(), previewExpiryDays: 7, keptImages: 200, untaggedDays: 7 });

/** The rules with a tagged rule put first (rulePriority 0) that expires the images `tags` select 7 days after their push. */
const taggedRuleFirst =
  (tags: Pick<LifecycleRule['selection'], 'tagPatternList' | 'tagPrefixList'>) =>
  (rules: LifecycleRule[]): LifecycleRule[] => [
    {
      ...structuredClone(rules[0]!),
      rulePriority: 0,
      selection: { tagStatus: 'tagged', ...tags, countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
    },
    ...rules,
  ];

describe('the release repositories keep release images (modules/ecr, evaluated by terraform console)', () => {
  it('release images by the newest-200 rule, untagged images after 7 days; no rule for preview tags, which never come here', () => {
    expect(releaseTags()).toEqual(['sha-bbbbbbb', '1.4.2', 'sha-ccccccc']);
    expect(releasePolicyFindings(release.rules, expected())).toEqual([]);
    expect(release.rules.map((r) => [r.rulePriority, r.selection.tagStatus, r.selection.countType, r.selection.countNumber])).toEqual([
      [1, 'untagged', 'sinceImagePushed', 7],
      [2, 'any', 'imageCountMoreThan', 200],
    ]);
  });

  it.each([
    [
      'the any rule before the untagged rule',
      (rules: LifecycleRule[]) => rules.map((r) => (r.rulePriority === 1 ? { ...r, rulePriority: 3 } : r)),
      'rule 2: tagStatus "any" must have the highest rulePriority (3)',
    ],
    [
      'a tagged rule that also takes release tags',
      taggedRuleFirst({ tagPatternList: ['*'] }),
      'the release image sha-bbbbbbb is decided by rule 0 (tagged sinceImagePushed 7), not by keeping the newest 200',
    ],
    [
      'both tagPatternList and tagPrefixList',
      taggedRuleFirst({ tagPatternList: ['pr-*'], tagPrefixList: ['pr-'] }),
      'rule 0: a tagged rule takes tagPatternList or tagPrefixList, exactly one',
    ],
    [
      'a rule for preview tags left behind',
      taggedRuleFirst({ tagPatternList: ['pr-*'] }),
      'rule 0 selects tags ["pr-*"]: release repositories hold release images only',
    ],
  ])('finds %s', (_what, breakRules, finding) => {
    expect(releasePolicyFindings(breakRules(structuredClone(release.rules)), expected())).toContain(finding);
  });
});

describe('the preview repositories expire every image (modules/ecr, evaluated by terraform console)', () => {
  it('one rule: every image, preview-tagged, untagged or any other, 7 days after its push', () => {
    expect(previewTag()).toBe(`pr-42-${'a'.repeat(40)}`);
    expect(previewPolicyFindings(preview.rules, expected())).toEqual([]);
    expect(preview.rules).toEqual([
      {
        rulePriority: 1,
        description: 'Delete every preview image 7 days after its push',
        selection: { tagStatus: 'any', countType: 'sinceImagePushed', countUnit: 'days', countNumber: 7 },
        action: { type: 'expire' },
      },
    ]);
  });

  it("outlives a live preview: longer than the previews workflow's idle timeout (whole days, checked hourly) plus a day", () => {
    // The previews workflow's idle timeout when PREVIEW_IDLE_DAYS is unset (slipway preview-label expire).
    expect(previewDefaults.idleDays).toBe(3);
    expect(preview.rules[0]?.selection.countNumber).toBeGreaterThan(previewDefaults.idleDays + 1);
  });

  it('follows preview_image_expiry_days, and refuses a value a live preview would outlast', () => {
    const three = evaluatePolicy(ecr, 'preview', ['preview_image_expiry_days=3']);
    expect(three.status, three.stderr).toBe(0);
    expect(previewPolicyFindings(three.policy!.rules, { ...expected(), previewExpiryDays: 3 })).toEqual([]);
    const one = evaluatePolicy(ecr, 'preview', ['preview_image_expiry_days=1']);
    expect(one.status).not.toBe(0);
    expect(one.stderr.replace(/[│\s]+/g, ' ')).toContain('preview_image_expiry_days must be between 2 and 30');
  });

  it.each([
    [
      'a rule for pr-* tags only (untagged attestations and other tags stay)',
      (rules: LifecycleRule[]) =>
        rules.map((r) => ({ ...r, selection: { ...r.selection, tagStatus: 'tagged' as const, tagPatternList: ['pr-*'] } })),
      'an untagged image is decided by no rule, not expired 7 days after its push',
    ],
    [
      'a count rule instead of an age',
      (rules: LifecycleRule[]) =>
        rules.map((r) => ({
          ...r,
          selection: { tagStatus: r.selection.tagStatus, countType: 'imageCountMoreThan' as const, countNumber: 7 },
        })),
      `an image tagged pr-42-${'a'.repeat(40)} is decided by rule 1 (any imageCountMoreThan 7), not expired 7 days after its push`,
    ],
    [
      'another expiry than the variable says',
      (rules: LifecycleRule[]) => rules.map((r) => ({ ...r, selection: { ...r.selection, countNumber: 30 } })),
      `an image tagged pr-42-${'a'.repeat(40)} is decided by rule 1 (any sinceImagePushed 30), not expired 7 days after its push`,
    ],
  ])('finds %s', (_what, breakRules, finding) => {
    expect(previewPolicyFindings(breakRules(structuredClone(preview.rules)), expected())).toContain(finding);
  });
});

// ---------------------------------------------------------------- where preview images live
// The preview repository of a service is <name_prefix>/preview/<service>: modules/ecr says so in one
// local (preview_repository_prefix); the pull-request workflow's build step derives it from the same
// prefix (ECR_REPOSITORY_PREFIX, default slipway, as release.yml) and the previews ApplicationSet
// names it per service beside the registry. The three must agree, and none may name a release
// repository, or the preview role (allowed the preview repositories only) could not push, or the
// previews would run release images.

interface Workflow {
  jobs: Record<string, { steps: { id?: string; uses?: string; with?: Record<string, string> }[] }>;
}
const readWorkflow = (file: 'pull-request.yml' | 'release.yml') =>
  parse(readFileSync(join(repoRoot, '.github/workflows', file), 'utf8')) as Workflow;
const pullRequestWorkflow = () => readWorkflow('pull-request.yml');
const releaseWorkflow = () => readWorkflow('release.yml');

/** The build-images step's repository-prefix in a job, as the runner substitutes it with these repository variables. */
function buildPrefix(workflow: Workflow, job: string, vars: Record<string, string> = {}): string {
  const step = workflow.jobs[job]?.steps.find((s) => s.uses === './actions/build-images');
  expect(step, `${job} runs ./actions/build-images`).toBeDefined();
  return substitute(step?.with?.['repository-prefix'] ?? '', { vars });
}

/** Service → the repository (without the registry host) the job's build step pushes it to. */
function pushedTo(workflow: Workflow, job: string, vars: Record<string, string>): Record<string, string> {
  const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  return Object.fromEntries(
    services.map((service) => [service, imageRepository(registry, buildPrefix(workflow, job, vars), service).slice(registry.length + 1)]),
  );
}

/** Service → the repository (without the registry host) the previews ApplicationSet deploys it from. */
const previewsRepositories = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(previewImages()).map(([service, { repository }]) => [service, repository.slice(repository.indexOf('/') + 1)]),
  );

/**
 * Service → the repository name modules/ecr gives it (release: aws_ecr_repository.service; preview:
 * .preview), every service in one terraform console run: the resource's name over var.services, as
 * its for_each gives each.value (the for_each itself is asserted below).
 */
function moduleRepositories(kind: 'service' | 'preview', vars: string[] = []): Record<string, string> {
  const name = resourceAttribute(ecr, 'aws_ecr_repository', kind, 'name').replaceAll('each.value', 'service');
  const result = evaluateInModule(ecr, `{ for service in var.services : service => ${name} }`, vars);
  expect(result.status, result.stderr).toBe(0);
  return result.value as Record<string, string>;
}

const services = ['frontend', 'product', 'cart', 'order'];

/** ECR's rules for a repository name (ECR API Reference, CreateRepository, repositoryName: length 2–256 and this pattern). */
const ecrRepositoryName = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;

describe('the preview repositories, named alike by modules/ecr, the pull-request workflow and the previews ApplicationSet', () => {
  it('are <prefix>/preview/<service>, one per service, created only with create_preview_repositories (dev), none a release repository', () => {
    const previews = moduleRepositories('preview');
    const releases = moduleRepositories('service');
    expect(previews).toEqual({
      frontend: 'slipway/preview/frontend',
      product: 'slipway/preview/product',
      cart: 'slipway/preview/cart',
      order: 'slipway/preview/order',
    });
    for (const name of Object.values(previews)) {
      expect(name).toMatch(ecrRepositoryName);
      expect(name.length).toBeLessThanOrEqual(256);
      expect(Object.values(releases)).not.toContain(name);
    }
    const forEach = typedBlocks(ecr, 'resource').find((r) => r.type === 'aws_ecr_repository' && r.name === 'preview')?.body['for_each'];
    expect(forEach).toBe('${var.create_preview_repositories ? toset(var.services) : toset([])}');
    const dev = readFileSync(join(infraRoot, 'environments/dev/main.tf'), 'utf8');
    expect(dev).toMatch(/module "ecr" \{[^}]*create_preview_repositories\s*=\s*true/);
  });

  it('the pull-request workflow pushes preview images to exactly those repositories, and the release workflow to the release ones', () => {
    for (const vars of [{}, { ECR_REPOSITORY_PREFIX: 'acme-shop' }] as Record<string, string>[]) {
      const terraformVars = [`name_prefix=${vars['ECR_REPOSITORY_PREFIX'] ?? 'slipway'}`];
      expect(pushedTo(pullRequestWorkflow(), 'preview', vars)).toEqual(moduleRepositories('preview', terraformVars));
      expect(pushedTo(releaseWorkflow(), 'build', vars)).toEqual(moduleRepositories('service', terraformVars));
    }
  });

  it('the previews ApplicationSet deploys each service from its preview repository', () => {
    expect(previewsRepositories()).toEqual(moduleRepositories('preview'));
  });

  it('finds a preview build step or an ApplicationSet that names the release repositories', () => {
    const workflow = pullRequestWorkflow();
    const step = workflow.jobs['preview']?.steps.find((s) => s.uses === './actions/build-images');
    step!.with!['repository-prefix'] = "${{ vars.ECR_REPOSITORY_PREFIX || 'slipway' }}";
    expect(pushedTo(workflow, 'preview', {})).toEqual(moduleRepositories('service'));
    expect(pushedTo(workflow, 'preview', {})).not.toEqual(moduleRepositories('preview'));
    const releaseNamed = Object.fromEntries(Object.keys(previewsRepositories()).map((service) => [service, `slipway/${service}`]));
    expect(releaseNamed).not.toEqual(moduleRepositories('preview'));
  });
});
