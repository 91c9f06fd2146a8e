// The GitHub deploy roles: who may assume them (the trust policies, parsed from the module's HCL) and
// the access entry they get in the cluster (a Kubernetes group, no EKS access policy). What that group
// may do is gitops-repo's RBAC: infra-repo/test/deploy-access.test.ts reads both trees.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { childBlocks, loadTerraformModule, namedBlocks, typedBlocks } from '../../checks/terraform-config.ts';
import type { HclBody, TerraformModule } from '../../checks/terraform-config.ts';

const infraRoot = fileURLToPath(new URL('../..', import.meta.url));
const moduleDir = fileURLToPath(new URL('.', import.meta.url));
let oidc: TerraformModule;
beforeAll(async () => {
  oidc = await loadTerraformModule(infraRoot, moduleDir);
});

function subjects(document: string): string[] {
  const trust = typedBlocks(oidc, 'data').find((block) => block.type === 'aws_iam_policy_document' && block.name === document);
  expect(trust, document).toBeDefined();
  return childBlocks(trust?.body ?? {}, 'statement').flatMap((statement) =>
    childBlocks(statement, 'condition')
      .filter((condition) => condition['variable'] === 'token.actions.githubusercontent.com:sub')
      .flatMap((condition) => condition['values'] as string[]),
  );
}

describe('who may assume the deploy roles', () => {
  it('dev: only a job bound to the dev environment, not any job of main', () => {
    expect(subjects('dev_deploy_trust')).toEqual(['repo:${var.github_org}/${var.github_repo}:environment:dev']);
  });

  it('prod: only a job bound to the production environment', () => {
    expect(subjects('prod_deploy_trust')).toEqual(['repo:${var.github_org}/${var.github_repo}:environment:production']);
  });
});

describe('what the deploy roles may do in the cluster', () => {
  it('their access entry names a Kubernetes group and no EKS access policy (none grants Argo CD Applications; Edit in argocd would control Argo CD)', () => {
    const text = oidc.files.map((file) => file.text).join('\n');
    expect(text).not.toMatch(/AmazonEKS(Edit|Admin|ClusterAdmin)Policy"/);
    const locals = oidc.files.flatMap((file) => (Array.isArray(file.json['locals']) ? (file.json['locals'] as HclBody[]) : []));
    expect(locals.find((block) => 'deploy_access' in block)?.['deploy_access']).toEqual({
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
