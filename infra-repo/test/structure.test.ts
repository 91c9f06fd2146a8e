// Structural checks on the real Terraform code, and proof that each check fails
// on a broken snippet (and passes the corrected one).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { declarationFindings } from '../checks/declarations.ts';
import { infraFindings, isEnvironmentRoot } from '../checks/infra-checks.ts';
import { hardcodedLiteralFindings } from '../checks/literals.ts';
import { moduleCallFindings, moduleOutputFindings } from '../checks/module-calls.ts';
import type { ModuleIndex } from '../checks/module-calls.ts';
import { oidcTrustFindings } from '../checks/oidc-trust.ts';
import { stateBackendFindings } from '../checks/state-backend.ts';
import { expandLocals, formatFinding, loadInfraRepo, moduleLocals, parseTerraformModule } from '../checks/terraform-config.ts';
import type { Finding, TerraformModule } from '../checks/terraform-config.ts';
import { loadUpstreamModules, UPSTREAM_INPUTS_DIR } from '../checks/upstream-modules.ts';
import { constraintHasUpperBound, versionPinFindings } from '../checks/version-pins.ts';

const infraRoot = fileURLToPath(new URL('..', import.meta.url));
const MODULES = ['vpc', 'eks', 'ecr', 'github-oidc', 'argocd', 'controller-iam', 'db-backups', 'certificate'];
const upstream = loadUpstreamModules(UPSTREAM_INPUTS_DIR);

let repo: TerraformModule[] = [];
let byDir = new Map<string, TerraformModule>();
let index: ModuleIndex = { local: byDir, upstream };

beforeAll(async () => {
  repo = await loadInfraRepo(infraRoot);
  byDir = new Map(repo.map((m) => [m.dir, m]));
  index = { local: byDir, upstream };
});

function messages(findings: Finding[]): string[] {
  return findings.map(formatFinding);
}

/** Fails, listing what was found, unless one finding's message contains `expected`. */
function expectFindingWith(found: string[], expected: string): void {
  expect(
    found.some((f) => f.includes(expected)),
    found.join('\n') || 'no findings',
  ).toBe(true);
}

/** A one-directory module from inline files. */
function snippet(dir: string, files: Record<string, string>): Promise<TerraformModule> {
  return parseTerraformModule(
    dir,
    Object.entries(files).map(([name, text]) => ({ path: `${dir}/${name}`, text })),
  );
}

describe('infra-repo layout', () => {
  it.each([
    ...MODULES.flatMap((m) => ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md'].map((f) => `modules/${m}/${f}`)),
    ...['dev', 'prod'].flatMap((e) =>
      ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'providers.tf'].map((f) => `environments/${e}/${f}`),
    ),
    'bootstrap/main.tf',
    'bootstrap/variables.tf',
    'bootstrap/outputs.tf',
    'bootstrap/versions.tf',
    'README.md',
  ])('has %s', (path) => {
    expect(existsSync(join(infraRoot, path)), `${path} is missing`).toBe(true);
  });

  it('parses every Terraform directory: bootstrap, eight modules, two environments', () => {
    expect(repo.map((m) => m.dir).sort()).toEqual(
      ['bootstrap', 'environments/dev', 'environments/prod', ...MODULES.map((m) => `modules/${m}`)].sort(),
    );
  });
});

describe('the infra repository passes every structural check', () => {
  const checks: [string, (m: TerraformModule) => Finding[]][] = [
    ['every variable has a type and a description; every output a description', declarationFindings],
    ['required_version is set; providers pinned with an upper bound; charts pinned exactly', versionPinFindings],
    ['no hard-coded account ids, regions or secrets', hardcodedLiteralFindings],
    ['module calls pass only declared variables and every required one', (m) => moduleCallFindings(m, index)],
    ['every module.X.Y reference names an existing output', (m) => moduleOutputFindings(m, index)],
    ['OIDC trust policies pin aud and sub; prod roles trust only environment:production', oidcTrustFindings],
  ];
  it.each(checks)('%s', (_name, check) => {
    expect(messages(repo.flatMap(check))).toEqual([]);
  });

  it.each(['dev', 'prod'])('environments/%s keeps state in S3 with use_lockfile and no DynamoDB table', (env) => {
    const root = byDir.get(`environments/${env}`);
    expect(root).toBeDefined();
    expect(isEnvironmentRoot(root!)).toBe(true);
    expect(messages(stateBackendFindings(root!))).toEqual([]);
  });

  it('the environments call the modules they are built from', () => {
    for (const env of ['dev', 'prod']) {
      const calls = Object.keys(byDir.get(`environments/${env}`)!.files.find((f) => f.path.endsWith('main.tf'))!.json.module as object);
      expect(calls).toEqual(expect.arrayContaining(['vpc', 'eks', 'github_oidc', 'certificate', 'controller_iam', 'db_backups', 'argocd']));
    }
  });

  it('the prod deploy role trusts exactly <repository>:environment:production, in the one form the repository issues', () => {
    const oidc = byDir.get('modules/github-oidc')!;
    const text = oidc.files.map((f) => f.text).join('\n');
    expect(text).toMatch(
      /resource "aws_iam_role" "prod_deploy"[\s\S]*?assume_role_policy\s*=\s*data\.aws_iam_policy_document\.prod_deploy_trust\.json/,
    );
    expect(text).toMatch(/data "aws_iam_policy_document" "prod_deploy_trust"[\s\S]*?values\s*=\s*\[local\.oidc_subjects\.prod_deploy\]/);
    // One entry, whose value github_subject_format chooses: GitHub's immutable form or the legacy one.
    expect(expandLocals('${local.oidc_subjects.prod_deploy}', moduleLocals(oidc))).toEqual([
      'repo:${var.github_org}@${var.github_owner_id}/${var.github_repo}@${var.github_repository_id}:environment:production',
      'repo:${var.github_org}/${var.github_repo}:environment:production',
    ]);
  });

  it('the VPC CNI add-on enforces NetworkPolicies (EKS ignores them by default) and metrics-server feeds the HPAs', () => {
    const main = byDir.get('modules/eks')!.files.find((f) => f.path.endsWith('main.tf'))!;
    const locals = (main.json.locals as Record<string, unknown>[]).find((l) => 'addon_settings' in l) as Record<
      string,
      Record<string, Record<string, unknown>>
    >;
    expect(locals.addon_settings?.['vpc-cni']?.configuration_values).toMatch(
      /^\$\{jsonencode\(\{\s*"?enableNetworkPolicy"?\s*=\s*"true"\s*\}\)\}$/,
    );
    const eks = (main.json.module as Record<string, Record<string, unknown>[]>).eks?.[0];
    expect(eks?.addons).toBe('${local.addons}');
    const variable = (
      byDir.get('modules/eks')!.files.find((f) => f.path.endsWith('variables.tf'))!.json.variable as Record<
        string,
        Record<string, unknown>[]
      >
    ).addon_versions?.[0];
    expect(Object.keys(variable?.default as object)).toEqual(
      expect.arrayContaining(['vpc-cni', 'metrics-server', 'eks-pod-identity-agent', 'aws-ebs-csi-driver']),
    );
  });

  it('all checks together report nothing', () => {
    expect(messages(infraFindings(repo, upstream))).toEqual([]);
  });
});

describe('each check fails on a broken snippet and passes the fixed one', () => {
  it('declarations: a variable without type or description, an output without description', async () => {
    const broken = await snippet('modules/x', {
      'variables.tf': 'variable "size" {\n  default = 1\n}\n',
      'outputs.tf': 'output "id" {\n  value = 1\n}\n',
    });
    expect(messages(declarationFindings(broken))).toEqual([
      'modules/x/variables.tf:1: [variable-declaration] variable "size" has no type: add `type = ...` (string, number, bool, list(...), object({...}))',
      'modules/x/variables.tf:1: [variable-declaration] variable "size" has no description: add `description = "..."` saying what it is for',
      'modules/x/outputs.tf:1: [output-declaration] output "id" has no description: add `description = "..."`',
    ]);
    const fixed = await snippet('modules/x', {
      'variables.tf': 'variable "size" {\n  type        = number\n  description = "How many."\n  default     = 1\n}\n',
      'outputs.tf': 'output "id" {\n  description = "The id."\n  value       = 1\n}\n',
    });
    expect(declarationFindings(fixed)).toEqual([]);
  });

  it.each([
    ['~> 6.9', true],
    ['>= 6.9, < 7.0', true],
    ['<= 7.0', true],
    ['6.9.1', true],
    ['= 6.9.1', true],
    ['>= 6.9', false],
    ['~> 6', false],
    ['> 5.0, != 5.3.0', false],
  ])('version constraint %j has an upper bound: %s', (constraint, expected) => {
    expect(constraintHasUpperBound(constraint)).toBe(expected);
  });

  it('version pins: no required_version, an unbounded provider, a provider without version, an unpinned chart', async () => {
    const broken = await snippet('modules/x', {
      'versions.tf':
        'terraform {\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = ">= 6.0"\n    }\n    helm = {\n      source = "hashicorp/helm"\n    }\n  }\n}\n',
      'main.tf':
        'resource "helm_release" "argocd" {\n  name    = "argocd"\n  chart   = "argo-cd"\n  version = var.chart_version\n}\nvariable "chart_version" {\n  type        = string\n  description = "Chart."\n  default     = "~> 9.0"\n}\n',
    });
    const found = messages(versionPinFindings(broken));
    expect(found).toHaveLength(4);
    expect(found[0]).toContain('sets no required_version');
    expect(found[1]).toContain('provider "aws" version ">= 6.0" has no upper bound');
    expect(found[2]).toContain('provider "helm" has no version constraint');
    expect(found[3]).toContain('helm_release "argocd" chart version "~> 9.0" is not an exact version');

    const fixed = await snippet('modules/x', {
      'versions.tf':
        'terraform {\n  required_version = ">= 1.10"\n  required_providers {\n    aws = {\n      source  = "hashicorp/aws"\n      version = ">= 6.9, < 7.0"\n    }\n  }\n}\n',
      'main.tf': 'resource "helm_release" "argocd" {\n  name    = "argocd"\n  chart   = "argo-cd"\n  version = "9.5.4"\n}\n',
    });
    expect(versionPinFindings(fixed)).toEqual([]);
  });

  it.each([
    ['an account id in an ARN', 'locals {\n  role = "arn:aws:iam::123456789012:role/admin"\n}\n', 'looks like an AWS account id'],
    ['a region in a provider', 'provider "aws" {\n  region = "eu-west-1"\n}\n', '"eu-west-1" is a hard-coded region'],
    [
      'an availability zone',
      'resource "aws_subnet" "a" {\n  availability_zone = "us-east-1a"\n}\n',
      '"us-east-1a" is a hard-coded region or AZ',
    ],
    ['a region in a service name', 'locals {\n  s3 = "com.amazonaws.ap-southeast-2.s3"\n}\n', '"ap-southeast-2" is a hard-coded region'],
    ['an AWS access key id', 'locals {\n  k = "AKIAABCDEFGHIJKLMNOP"\n}\n', 'looks like an AWS access key id'],
    ['a literal password', 'resource "aws_db_instance" "d" {\n  password = "hunter2hunter2"\n}\n', '"password" is set to a literal'],
    ['a GitHub token', 'locals {\n  t = "ghp_abcdefghijklmnopqrstuvwxyz0123456789"\n}\n', 'looks like a GitHub token'],
    ['a private key', 'locals {\n  k = "-----BEGIN RSA PRIVATE KEY-----"\n}\n', 'looks like a private key'],
  ])('literals: %s', async (_what, text, expected) => {
    const found = messages(hardcodedLiteralFindings(await snippet('modules/x', { 'main.tf': text })));
    expectFindingWith(found, expected);
    expect(found[0]).toMatch(/^modules\/x\/main\.tf:2: \[hardcoded-literal\]/);
  });

  it('literals: references, a region as a variable default and a policy date are fine', async () => {
    const fine = await snippet('modules/x', {
      'main.tf': [
        'variable "region" {\n  type        = string\n  description = "Region."\n  default     = "eu-west-1"\n}',
        'locals {\n  arn      = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"\n  version  = "2012-10-17"\n  password = var.password\n  s3       = "com.amazonaws.${data.aws_region.current.region}.s3"\n}',
      ].join('\n'),
    });
    expect(hardcodedLiteralFindings(fine)).toEqual([]);
  });

  describe('module calls', () => {
    let callee: TerraformModule;
    beforeAll(async () => {
      callee = await snippet('modules/net', {
        'variables.tf':
          'variable "name" {\n  type        = string\n  description = "Name."\n}\nvariable "az_count" {\n  type        = number\n  description = "AZs."\n  default     = 2\n}\n',
        'outputs.tf': 'output "vpc_id" {\n  description = "VPC."\n  value       = 1\n}\n',
      });
    });

    it('an undeclared argument and a missing required variable are found', async () => {
      const caller = await snippet('environments/dev', {
        'main.tf': 'module "net" {\n  source   = "../../modules/net"\n  az_count = 3\n  az_cuont = 3\n}\n',
      });
      const found = messages(moduleCallFindings(caller, { local: new Map([[callee.dir, callee]]), upstream: new Map() }));
      expect(found).toEqual([
        'environments/dev/main.tf:4: [module-call] module "net" passes "az_cuont", which modules/net does not declare (did you mean "az_count"?)',
        'environments/dev/main.tf:1: [module-call] module "net" does not pass "name", which modules/net requires (it has no default)',
      ]);
    });

    it('a local source that is not a module of this repository is reported', async () => {
      const caller = await snippet('environments/dev', {
        'main.tf': 'module "net" {\n  source = "../../modules/network"\n}\n',
      });
      expect(messages(moduleCallFindings(caller, { local: new Map([[callee.dir, callee]]), upstream: new Map() }))[0]).toContain(
        'source "../../modules/network" is not a module directory of this repository',
      );
    });

    it('a reference to a missing output or an unknown module is found; existing outputs pass', async () => {
      const caller = await snippet('environments/dev', {
        'main.tf':
          'module "net" {\n  source = "../../modules/net"\n  name   = "dev"\n}\nlocals {\n  ok      = module.net.vpc_id\n  missing = module.net.subnet_ids\n  unknown = module.dns.zone_id\n}\n',
      });
      const modules: ModuleIndex = { local: new Map([[callee.dir, callee]]), upstream: new Map() };
      expect(moduleCallFindings(caller, modules)).toEqual([]);
      expect(messages(moduleOutputFindings(caller, modules))).toEqual([
        'environments/dev/main.tf:7: [module-output] module.net.subnet_ids: modules/net has no output "subnet_ids" (did you mean "vpc_id"?)',
        'environments/dev/main.tf:8: [module-output] module.dns.zone_id refers to module "dns", which environments/dev does not call',
      ]);
    });
  });

  describe('state backend', () => {
    it.each([
      ['no backend', 'terraform {\n  required_version = ">= 1.10"\n}\n', 'has no backend'],
      [
        'no use_lockfile',
        'terraform {\n  backend "s3" {\n    key     = "dev"\n    encrypt = true\n  }\n}\n',
        'does not set use_lockfile = true',
      ],
      [
        'a DynamoDB lock table',
        'terraform {\n  backend "s3" {\n    key            = "dev"\n    encrypt        = true\n    use_lockfile   = true\n    dynamodb_table = "locks"\n  }\n}\n',
        'sets dynamodb_table: DynamoDB locking is deprecated',
      ],
      [
        'no encryption',
        'terraform {\n  backend "s3" {\n    key          = "dev"\n    use_lockfile = true\n  }\n}\n',
        'does not set encrypt = true',
      ],
      ['a local backend', 'terraform {\n  backend "local" {\n    path = "x"\n  }\n}\n', 'environments keep state in the S3 bucket'],
    ])('%s is found', async (_what, text, expected) => {
      const found = messages(stateBackendFindings(await snippet('environments/dev', { 'versions.tf': text })));
      expect(found).toHaveLength(1);
      expect(found[0]).toContain(expected);
    });

    it('an encrypted S3 backend with use_lockfile passes', async () => {
      const root = await snippet('environments/dev', {
        'versions.tf':
          'terraform {\n  backend "s3" {\n    key          = "dev"\n    encrypt      = true\n    use_lockfile = true\n  }\n}\n',
      });
      expect(stateBackendFindings(root)).toEqual([]);
    });
  });

  describe('OIDC trust', () => {
    const trust = (name: string, conditions: string) =>
      `data "aws_iam_policy_document" "${name}" {\n  statement {\n    actions = ["sts:AssumeRoleWithWebIdentity"]\n    principals {\n      type        = "Federated"\n      identifiers = [aws_iam_openid_connect_provider.github.arn]\n    }\n${conditions}  }\n}\n`;
    const condition = (test: string, claim: string, values: string) =>
      `    condition {\n      test     = "${test}"\n      variable = "token.actions.githubusercontent.com:${claim}"\n      values   = ${values}\n    }\n`;
    const aud = condition('StringEquals', 'aud', '["sts.amazonaws.com"]');
    const role = (name: string, document: string) =>
      `resource "aws_iam_role" "${name}" {\n  name               = "${name.replace(/_/g, '-')}"\n  assume_role_policy = data.aws_iam_policy_document.${document}.json\n}\n`;

    it.each([
      ['no sub condition', trust('t', aud) + role('build', 't'), 'has no token.actions.githubusercontent.com:sub condition'],
      [
        'no aud condition',
        trust('t', condition('StringEquals', 'sub', '["repo:${var.github_org}/${var.github_repo}:ref:refs/heads/main"]')) +
          role('build', 't'),
        'must require token.actions.githubusercontent.com:aud',
      ],
      [
        'a wildcard repository',
        trust('t', aud + condition('StringLike', 'sub', '["repo:${var.github_org}/*"]')) + role('build', 't'),
        'is not pinned to one repository and context',
      ],
      [
        'any context of the repository',
        trust('t', aud + condition('StringLike', 'sub', '["repo:my-org/slipway:*"]')) + role('build', 't'),
        'use StringEquals with exact subjects',
      ],
      [
        'a prod role also trusted from main',
        trust(
          'prod_trust',
          aud +
            condition(
              'StringEquals',
              'sub',
              '["repo:${var.github_org}/${var.github_repo}:environment:production", "repo:${var.github_org}/${var.github_repo}:ref:refs/heads/main"]',
            ),
        ) + role('prod_deploy', 'prod_trust'),
        'prod role "prod_deploy" must be trusted only from repo:<repository>:environment:production',
      ],
      [
        'a prod role trusted from another environment',
        trust('prod_trust', aud + condition('StringEquals', 'sub', '["repo:${var.github_org}/${var.github_repo}:environment:staging"]')) +
          role('prod_deploy', 'prod_trust'),
        'also allows "repo:${var.github_org}/${var.github_repo}:environment:staging"',
      ],
      [
        'an immutable subject whose owner id ends in a wildcard',
        trust('t', aud + condition('StringLike', 'sub', '["repo:my-org@123456*/slipway@456789:ref:refs/heads/main"]')) + role('build', 't'),
        'subject "repo:my-org@123456*/slipway@456789:ref:refs/heads/main" is not pinned to one repository and context',
      ],
      [
        'an immutable subject whose repository id is a wildcard',
        trust(
          't',
          aud + condition('StringLike', 'sub', '["repo:${var.github_org}@${var.github_owner_id}/${var.github_repo}@*:pull_request"]'),
        ) + role('preview', 't'),
        'is not pinned to one repository and context',
      ],
      [
        'an owner id without the repository id (no @-closure)',
        trust('t', aud + condition('StringEquals', 'sub', '["repo:my-org@123456/slipway:ref:refs/heads/main"]')) + role('build', 't'),
        'subject "repo:my-org@123456/slipway:ref:refs/heads/main" is not pinned to one repository and context (expected repo:<owner>@<owner id>/<repo>@<repo id>:<context> or repo:<owner>/<repo>:<context>',
      ],
      [
        'an id that is not a number',
        trust('t', aud + condition('StringEquals', 'sub', '["repo:my-org@my-org/slipway@slipway:ref:refs/heads/main"]')) +
          role('build', 't'),
        'is not pinned to one repository and context',
      ],
      [
        'another repository in one of the trust policies',
        trust('build_trust', aud + condition('StringEquals', 'sub', '["repo:my-org@123456/slipway@456789:ref:refs/heads/main"]')) +
          trust('preview_trust', aud + condition('StringEquals', 'sub', '["repo:my-org@123456/other@999999:pull_request"]')) +
          role('build', 'build_trust') +
          role('preview', 'preview_trust'),
        'trust policy "preview_trust": subject "repo:my-org@123456/other@999999:pull_request" names another repository than "repo:my-org@123456/slipway@456789:ref:refs/heads/main"',
      ],
      [
        'the same repository name with other ids (a recycled name)',
        trust('build_trust', aud + condition('StringEquals', 'sub', '["repo:my-org@123456/slipway@456789:ref:refs/heads/main"]')) +
          trust('dev_trust', aud + condition('StringEquals', 'sub', '["repo:my-org@777/slipway@888:environment:dev"]')) +
          role('build', 'build_trust') +
          role('dev_deploy', 'dev_trust'),
        'subject "repo:my-org@777/slipway@888:environment:dev" names another repository',
      ],
      [
        'both subject forms of one context (the legacy one matches a recycled name)',
        trust(
          't',
          aud +
            condition(
              'StringEquals',
              'sub',
              '["repo:${var.github_org}@${var.github_owner_id}/${var.github_repo}@${var.github_repository_id}:environment:dev", "repo:${var.github_org}/${var.github_repo}:environment:dev"]',
            ),
        ) + role('dev_deploy', 't'),
        'trusts both "repo:${var.github_org}@${var.github_owner_id}/${var.github_repo}@${var.github_repository_id}:environment:dev" and "repo:${var.github_org}/${var.github_repo}:environment:dev"',
      ],
      [
        'a prod role trusted from another environment, immutable form',
        trust('prod_trust', aud + condition('StringEquals', 'sub', '["repo:my-org@123456/slipway@456789:environment:staging"]')) +
          role('prod_deploy', 'prod_trust'),
        'also allows "repo:my-org@123456/slipway@456789:environment:staging"',
      ],
      [
        'a subject from a local the check cannot read (a conditional expression)',
        'locals {\n  subject = var.immutable ? "repo:my-org@1/slipway@2:pull_request" : "repo:my-org/*"\n}\n' +
          trust('t', aud + condition('StringEquals', 'sub', '[local.subject]')) +
          role('preview', 't'),
        '(from ${local.subject}) is not pinned to one repository and context',
      ],
      [
        'a wildcard behind a local map',
        'locals {\n  prefixes = {\n    immutable = "repo:my-org@1/slipway@2"\n    legacy    = "repo:my-org/*"\n  }\n}\n' +
          trust('t', aud + condition('StringLike', 'sub', '["${local.prefixes[var.format]}:pull_request"]')) +
          role('preview', 't'),
        'subject "repo:my-org/*:pull_request" (from ${local.prefixes[var.format]}:pull_request) is not pinned',
      ],
      [
        'an inline trust policy',
        'resource "aws_iam_role" "r" {\n  assume_role_policy = jsonencode({ Statement = [{ Action = "sts:AssumeRoleWithWebIdentity" }] })\n}\n',
        'writes its OIDC trust policy inline',
      ],
    ])('%s is found', async (_what, text, expected) => {
      const found = messages(oidcTrustFindings(await snippet('modules/github-oidc', { 'main.tf': text })));
      expectFindingWith(found, expected);
    });

    it('exact subjects with a pinned audience pass, prod only from environment:production', async () => {
      const text =
        trust('build_trust', aud + condition('StringEquals', 'sub', '["repo:${var.github_org}/${var.github_repo}:ref:refs/heads/main"]')) +
        trust(
          'prod_trust',
          aud + condition('StringEquals', 'sub', '["repo:${var.github_org}/${var.github_repo}:environment:production"]'),
        ) +
        role('build_push', 'build_trust') +
        role('prod_deploy', 'prod_trust');
      expect(oidcTrustFindings(await snippet('modules/github-oidc', { 'main.tf': text }))).toEqual([]);
    });

    it('immutable subjects pass, with literal ids or variables', async () => {
      const text =
        trust('build_trust', aud + condition('StringEquals', 'sub', '["repo:my-org@123456/slipway@456789:ref:refs/heads/main"]')) +
        trust('prod_trust', aud + condition('StringEquals', 'sub', '["repo:my-org@123456/slipway@456789:environment:production"]')) +
        role('build_push', 'build_trust') +
        role('prod_deploy', 'prod_trust');
      expect(oidcTrustFindings(await snippet('modules/github-oidc', { 'main.tf': text }))).toEqual([]);
      const variables = trust(
        'prod_trust',
        aud +
          condition(
            'StringEquals',
            'sub',
            '["repo:${var.github_org}@${var.github_owner_id}/${var.github_repo}@${var.github_repository_id}:environment:production"]',
          ),
      );
      expect(oidcTrustFindings(await snippet('modules/github-oidc', { 'main.tf': variables + role('prod_deploy', 'prod_trust') }))).toEqual(
        [],
      );
    });

    it('subjects from one local, the form chosen by a variable, pass: every form the variable may choose is checked', async () => {
      const locals =
        'locals {\n  prefixes = {\n    immutable = "repo:${var.github_org}@${var.github_owner_id}/${var.github_repo}@${var.github_repository_id}"\n    legacy    = "repo:${var.github_org}/${var.github_repo}"\n  }\n  prefix = local.prefixes[var.github_subject_format]\n  subjects = {\n    build  = "${local.prefix}:ref:refs/heads/main"\n    prod   = "${local.prefix}:environment:production"\n  }\n}\n';
      const text =
        locals +
        trust('build_trust', aud + condition('StringEquals', 'sub', '[local.subjects.build]')) +
        trust('prod_trust', aud + condition('StringEquals', 'sub', '[local.subjects["prod"]]')) +
        role('build_push', 'build_trust') +
        role('prod_deploy', 'prod_trust');
      expect(oidcTrustFindings(await snippet('modules/github-oidc', { 'main.tf': text }))).toEqual([]);
      // The same local naming main for prod: both forms are found.
      const broken = text.replace('prod   = "${local.prefix}:environment:production"', 'prod   = "${local.prefix}:ref:refs/heads/main"');
      const found = messages(oidcTrustFindings(await snippet('modules/github-oidc', { 'main.tf': broken })));
      expectFindingWith(
        found,
        'also allows "repo:${var.github_org}@${var.github_owner_id}/${var.github_repo}@${var.github_repository_id}:ref:refs/heads/main", "repo:${var.github_org}/${var.github_repo}:ref:refs/heads/main"',
      );
    });
  });
});
