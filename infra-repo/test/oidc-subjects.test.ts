// The `sub` every GitHub role trusts, computed by the real terraform binary from the github-oidc
// module's own files: variables.tf (with its validations) and subjects.tf (the one local that builds
// the subjects), copied into a scratch root with an output of the local. Neither file needs a
// provider, so this runs offline (terraform init has nothing to download).
//
// Expected values: GitHub Docs, "OpenID Connect reference" (github/docs
// content/actions/reference/security/oidc.md), "Example subject claims" (repo:ORG-NAME/REPO-NAME:
// environment:ENVIRONMENT-NAME, repo:ORG-NAME/REPO-NAME:pull_request,
// repo:ORG-NAME/REPO-NAME:ref:refs/heads/BRANCH-NAME) and "Immutable subject claims"
// (repo:OWNER@OWNER-ID/REPO@REPO-ID:ref:refs/heads/BRANCH, e.g.
// repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { offlineTerraform } from '../checks/terraform-binary.ts';

const moduleDir = fileURLToPath(new URL('../modules/github-oidc', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'slipway-oidc-subjects-'));
const terraform = offlineTerraform(scratch);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const OUTPUTS = 'output "prefix" {\n  value = local.oidc_subject_prefix\n}\n\noutput "subjects" {\n  value = local.oidc_subjects\n}\n';
let roots = 0;

/** Applies the module's subject files with these variables: the prefix and subjects, or terraform's error. */
function subjectsFor(variables: Record<string, string | number | undefined>): {
  prefix?: string;
  subjects?: Record<string, string>;
  error: string;
} {
  const dir = join(scratch, `root-${++roots}`);
  mkdirSync(dir);
  for (const file of ['variables.tf', 'subjects.tf']) copyFileSync(join(moduleDir, file), join(dir, file));
  writeFileSync(join(dir, 'outputs.tf'), OUTPUTS);
  const init = terraform(dir, ['init', '-input=false', '-no-color']);
  expect(init.status, init.stderr).toBe(0);
  const vars = Object.entries({ cluster_name: 'slipway-dev', ...variables })
    .filter(([, value]) => value !== undefined)
    .flatMap(([name, value]) => ['-var', `${name}=${value}`]);
  const apply = terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color', ...vars]);
  if (apply.status !== 0) return { error: apply.stderr.replace(/\s+/g, ' ') };
  const outputs = JSON.parse(terraform(dir, ['output', '-json']).stdout) as Record<string, { value: unknown }>;
  return { prefix: outputs.prefix?.value as string, subjects: outputs.subjects?.value as Record<string, string>, error: '' };
}

const repository = { github_org: 'my-org', github_repo: 'slipway', github_owner_id: 123456, github_repository_id: 456789 };

describe('the subjects the GitHub roles trust (modules/github-oidc/subjects.tf, evaluated by terraform)', () => {
  it('subjects.tf needs nothing but variables and locals, so it evaluates offline', () => {
    const text = readFileSync(join(moduleDir, 'subjects.tf'), 'utf8').replace(/^\s*#.*$/gm, '');
    expect(text).not.toMatch(/\b(data|resource|module|provider)\s+"|\b(data|module|aws_\w+)\./);
  });

  it('immutable: repo:OWNER@OWNER-ID/REPO@REPO-ID:<context>, for every role', () => {
    expect(subjectsFor({ ...repository, github_subject_format: 'immutable' })).toEqual({
      prefix: 'repo:my-org@123456/slipway@456789',
      subjects: {
        build_push: 'repo:my-org@123456/slipway@456789:ref:refs/heads/main',
        dev_deploy: 'repo:my-org@123456/slipway@456789:environment:dev',
        prod_deploy: 'repo:my-org@123456/slipway@456789:environment:production',
        preview: 'repo:my-org@123456/slipway@456789:pull_request',
      },
      error: '',
    });
  });

  it('legacy: repo:OWNER/REPO:<context>, and no id anywhere', () => {
    expect(subjectsFor({ ...repository, github_subject_format: 'legacy' })).toEqual({
      prefix: 'repo:my-org/slipway',
      subjects: {
        build_push: 'repo:my-org/slipway:ref:refs/heads/main',
        dev_deploy: 'repo:my-org/slipway:environment:dev',
        prod_deploy: 'repo:my-org/slipway:environment:production',
        preview: 'repo:my-org/slipway:pull_request',
      },
      error: '',
    });
  });

  it('a ten-digit id is written out in digits, as GitHub writes it', () => {
    const { prefix } = subjectsFor({
      ...repository,
      github_owner_id: 50894789,
      github_repository_id: 1318865130,
      github_subject_format: 'immutable',
    });
    expect(prefix).toBe('repo:my-org@50894789/slipway@1318865130');
  });

  it.each([
    ['a format that is neither', { github_subject_format: 'both' }, 'github_subject_format must be "immutable"'],
    ['no format', { github_subject_format: undefined }, 'No value for required variable'],
    ['an owner id of 0', { github_owner_id: 0, github_subject_format: 'immutable' }, "github_owner_id must be the owner's numeric id"],
    [
      'a negative repository id',
      { github_repository_id: -456789, github_subject_format: 'immutable' },
      "github_repository_id must be the repository's numeric id",
    ],
    [
      'a fractional repository id',
      { github_repository_id: 4567.5, github_subject_format: 'immutable' },
      "github_repository_id must be the repository's numeric id",
    ],
    ['an id with a trailing wildcard', { github_owner_id: '123456*', github_subject_format: 'immutable' }, 'a number is required'],
    [
      'no repository id, even for the legacy form',
      { github_repository_id: undefined, github_subject_format: 'legacy' },
      'No value for required variable',
    ],
    [
      'an owner name with a wildcard',
      { github_org: 'my-org*', github_subject_format: 'immutable' },
      'github_org must be a GitHub account name',
    ],
    [
      'a repository name carrying an id',
      { github_repo: 'slipway@456789', github_subject_format: 'legacy' },
      'github_repo must be a repository name',
    ],
  ])('refuses %s, saying what to give', (_what, override, message) => {
    const result = subjectsFor({ ...repository, ...override });
    expect(result.subjects).toBeUndefined();
    expect(result.error).toContain(message);
  });
});

describe("the preview role's repositories (variables.tf, evaluated by terraform)", () => {
  const release = 'arn:aws:ecr:xx-test-1:111122223333:repository/slipway/cart';
  const preview = 'arn:aws:ecr:xx-test-1:111122223333:repository/slipway/preview/cart';

  it('takes preview repositories apart from the release ones', () => {
    const result = subjectsFor({
      ...repository,
      github_subject_format: 'immutable',
      ecr_repository_arns: JSON.stringify([release]),
      preview_ecr_repository_arns: JSON.stringify([preview]),
    });
    expect(result.error).toBe('');
  });

  it('refuses a release repository among the preview ones, saying which output to pass', () => {
    const result = subjectsFor({
      ...repository,
      github_subject_format: 'immutable',
      ecr_repository_arns: JSON.stringify([release]),
      preview_ecr_repository_arns: JSON.stringify([preview, release]),
    });
    expect(result.subjects).toBeUndefined();
    expect(result.error).toContain('preview_ecr_repository_arns must not name a release repository');
    expect(result.error).toContain('preview_repository_arns');
  });
});
