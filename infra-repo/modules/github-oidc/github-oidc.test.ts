// The GitHub deploy roles and the preview role: who may assume them (the trust policies, parsed from
// the module's HCL), what the preview role may do in AWS, and the access entry each gets in the
// cluster (a Kubernetes group, no EKS access policy). What the groups may do is gitops-repo's RBAC:
// infra-repo/test/deploy-access.test.ts reads both trees.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { childBlocks, expandLocals, loadTerraformModule, moduleLocals, namedBlocks, typedBlocks } from '../../checks/terraform-config.ts';
import type { HclBody, TerraformModule } from '../../checks/terraform-config.ts';

const infraRoot = fileURLToPath(new URL('../..', import.meta.url));
const moduleDir = fileURLToPath(new URL('.', import.meta.url));
let oidc: TerraformModule;
let devRoot: TerraformModule;
beforeAll(async () => {
  oidc = await loadTerraformModule(infraRoot, moduleDir);
  devRoot = await loadTerraformModule(infraRoot, join(infraRoot, 'environments/dev'));
});

function policyDocument(name: string): HclBody {
  const document = typedBlocks(oidc, 'data').find((block) => block.type === 'aws_iam_policy_document' && block.name === name);
  expect(document, name).toBeDefined();
  return document?.body ?? {};
}

/** The `sub` entries of a trust policy, each with the values github_subject_format may give it (subjects.tf). */
function subjects(document: string): string[][] {
  return childBlocks(policyDocument(document), 'statement').flatMap((statement) =>
    childBlocks(statement, 'condition')
      .filter((condition) => condition['variable'] === 'token.actions.githubusercontent.com:sub')
      .flatMap((condition) => (condition['values'] as string[]).map((entry) => expandLocals(entry, moduleLocals(oidc)))),
  );
}

/** One entry: GitHub's immutable subject of this repository, or the legacy one, with the given context. */
const inOneForm = (context: string) => [
  [
    `repo:\${var.github_org}@\${var.github_owner_id}/\${var.github_repo}@\${var.github_repository_id}:${context}`,
    `repo:\${var.github_org}/\${var.github_repo}:${context}`,
  ],
];

/**
 * The push and pull actions both image roles get, each in its own repositories: the push actions of AWS
 * ECR User Guide, "IAM permissions for pushing an image to an Amazon ECR private repository", and
 * GetDownloadUrlForLayer to pull. No ecr:DescribeImages nor ecr:DescribeImageScanFindings, which
 * nothing in the build job calls (main.tf says what does).
 */
const ecrPushActions = [
  'ecr:BatchCheckLayerAvailability',
  'ecr:BatchGetImage',
  'ecr:CompleteLayerUpload',
  'ecr:GetDownloadUrlForLayer',
  'ecr:InitiateLayerUpload',
  'ecr:PutImage',
  'ecr:UploadLayerPart',
];

/** A statement's actions, a list written in place or the module's local.ecr_push_actions. */
function statementActions(statement: HclBody | undefined): unknown {
  const actions = statement?.['actions'];
  return actions === '${local.ecr_push_actions}' ? moduleLocals(oidc)['ecr_push_actions'] : actions;
}

const resource = (type: string, name: string) => typedBlocks(oidc, 'resource').find((r) => r.type === type && r.name === name)?.body;
const variableDefault = (name: string) => namedBlocks(oidc, 'variable').find((v) => v.name === name)?.body['default'];

describe('who may assume the roles', () => {
  it('build/push: only a push to main', () => {
    expect(subjects('build_push_trust')).toEqual(inOneForm('ref:refs/heads/main'));
  });

  it('dev: only a job bound to the dev environment, not any job of main', () => {
    expect(subjects('dev_deploy_trust')).toEqual(inOneForm('environment:dev'));
  });

  it('prod: only a job bound to the production environment', () => {
    expect(subjects('prod_deploy_trust')).toEqual(inOneForm('environment:production'));
  });

  it('every trust policy takes its subject from local.oidc_subjects, the one place subjects are built', () => {
    const documents = typedBlocks(oidc, 'data').filter((d) => d.type === 'aws_iam_policy_document' && d.name.endsWith('_trust'));
    const entries = documents.flatMap((d) =>
      childBlocks(d.body, 'statement').flatMap((s) =>
        childBlocks(s, 'condition')
          .filter((c) => c['variable'] === 'token.actions.githubusercontent.com:sub')
          .map((c) => [d.name, c['values']]),
      ),
    );
    expect(entries.sort()).toEqual([
      ['build_push_trust', ['${local.oidc_subjects.build_push}']],
      ['dev_deploy_trust', ['${local.oidc_subjects.dev_deploy}']],
      ['preview_trust', ['${local.oidc_subjects.preview}']],
      ['prod_deploy_trust', ['${local.oidc_subjects.prod_deploy}']],
    ]);
    expect(moduleLocals(oidc)['oidc_subject_prefix']).toBe('${local.oidc_subject_prefixes[var.github_subject_format]}');
  });
});

describe('the preview role (pull-request workflow, job preview; dev only)', () => {
  it("is trusted only from this repository's pull_request runs: GitHub's sub for a pull_request job without an environment", () => {
    // github/docs content/actions/reference/security/oidc.md, "Filtering for pull_request events":
    // syntax repo:ORG-NAME/REPO-NAME:pull_request; "Immutable subject claims": the repository part is
    // OWNER@OWNER-ID/REPO@REPO-ID for repositories that issue the immutable form.
    expect(subjects('preview_trust')).toEqual(inOneForm('pull_request'));
    const audience = childBlocks(policyDocument('preview_trust'), 'statement').flatMap((s) =>
      childBlocks(s, 'condition').filter((c) => c['variable'] === 'token.actions.githubusercontent.com:aud'),
    );
    expect(audience).toEqual([
      { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] },
    ]);
    expect(resource('aws_iam_role', 'preview')).toMatchObject({
      count: '${var.create_preview_role ? 1 : 0}',
      name: '${var.name_prefix}-github-preview',
      assume_role_policy: '${data.aws_iam_policy_document.preview_trust.json}',
      max_session_duration: 3600,
    });
  });

  it('may log in to ECR, push and pull the preview repositories only (never a release repository), and describe the one cluster; nothing else', () => {
    const statements = childBlocks(policyDocument('preview'), 'statement').map((s) => [s['sid'], statementActions(s), s['resources']]);
    expect(statements).toEqual([
      ['Login', ['ecr:GetAuthorizationToken'], ['*']],
      ['PushAndPullPreviewImages', ecrPushActions, '${var.preview_ecr_repository_arns}'],
      ['Kubeconfig', ['eks:DescribeCluster'], ['${local.cluster_arn}']],
    ]);
    expect(resource('aws_iam_role_policy', 'preview')).toMatchObject({ policy: '${data.aws_iam_policy_document.preview[0].json}' });
    // The variable refuses a release repository among the preview ones (oidc-subjects.test.ts runs it).
    const validations = childBlocks(
      namedBlocks(oidc, 'variable').find((v) => v.name === 'preview_ecr_repository_arns')?.body ?? {},
      'validation',
    );
    expect(validations.map((v) => v['condition'])).toEqual([
      '${length(setintersection(toset(var.preview_ecr_repository_arns), toset(var.ecr_repository_arns))) == 0}',
    ]);
    const dev = namedBlocks(devRoot, 'module').find((c) => c.name === 'github_oidc')?.body;
    expect(dev).toMatchObject({
      create_preview_role: true,
      preview_ecr_repository_arns: '${values(module.ecr.preview_repository_arns)}',
      cluster_name: '${local.name}',
    });
  });

  it('the build/push role keeps the release repositories and gets no preview repository', () => {
    const push = childBlocks(policyDocument('build_push'), 'statement').find((s) => s['sid'] === 'PushAndReadServiceImages');
    expect(push?.['resources']).toBe('${var.ecr_repository_arns}');
    expect(statementActions(push)).toEqual(ecrPushActions);
    expect(childBlocks(policyDocument('build_push'), 'statement').map((s) => s['sid'])).toEqual(['Login', 'PushAndReadServiceImages']);
    expect(JSON.stringify(policyDocument('build_push'))).not.toContain('preview');
    const dev = namedBlocks(devRoot, 'module').find((c) => c.name === 'github_oidc')?.body;
    expect(dev).toMatchObject({ create_build_role: true, ecr_repository_arns: '${values(module.ecr.repository_arns)}' });
  });

  it("gets its own Kubernetes group, never the deploy roles' (which may patch and proxy to Prometheus), and no EKS access policy", () => {
    expect(variableDefault('preview_kubernetes_group')).toBe('slipway-preview-readers');
    expect(variableDefault('preview_kubernetes_group')).not.toBe(variableDefault('deploy_kubernetes_group'));
    const validations = childBlocks(
      namedBlocks(oidc, 'variable').find((v) => v.name === 'preview_kubernetes_group')?.body ?? {},
      'validation',
    );
    expect(validations.map((v) => v['condition'])).toContain('${var.preview_kubernetes_group != var.deploy_kubernetes_group}');
    expect(String(namedBlocks(oidc, 'output').find((o) => o.name === 'preview_access_entry')?.body['value'])).toMatch(
      /merge\(local\.preview_access, \{ ?principal_arn = aws_iam_role\.preview\[0\]\.arn/,
    );
    expect(namedBlocks(oidc, 'output').find((o) => o.name === 'preview_role_arn')?.body['value']).toBe(
      '${one(aws_iam_role.preview[*].arn)}',
    );
  });
});

describe('what the deploy roles may do in the cluster', () => {
  it('their access entries name a Kubernetes group and no EKS access policy (none grants Argo CD Applications; Edit in argocd would control Argo CD)', () => {
    const text = oidc.files.map((file) => file.text).join('\n');
    expect(text).not.toMatch(/AmazonEKS(Edit|Admin|ClusterAdmin)Policy"/);
    expect(moduleLocals(oidc)['deploy_access']).toEqual({
      kubernetes_groups: ['${var.deploy_kubernetes_group}'],
      policy_associations: {},
    });
    for (const output of ['dev_deploy_access_entry', 'prod_deploy_access_entry']) {
      expect(String(namedBlocks(oidc, 'output').find((block) => block.name === output)?.body['value']), output).toMatch(
        /merge\(local\.deploy_access, \{ ?principal_arn/,
      );
    }
  });
});
