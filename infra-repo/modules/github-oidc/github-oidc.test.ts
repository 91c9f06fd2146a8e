// The GitHub deploy roles: who may assume them (the trust policies, parsed from the module's HCL) and
// what they may do in the cluster (the RBAC the module renders, by the real terraform).
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { serviceProxy } from '../../../actions/lib/verify/http-transport.ts';
import { locateTerraform } from '../../checks/terraform-binary.ts';
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

const defaultOf = (name: string): unknown => namedBlocks(oidc, 'variable').find((variable) => variable.name === name)?.body['default'];

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
    expect(locals.find((block) => 'deploy_access' in block)?.['deploy_access']).toEqual({ kubernetes_groups: ['${var.deploy_kubernetes_group}'], policy_associations: {} });
    for (const output of ['dev_deploy_access_entry', 'prod_deploy_access_entry']) {
      expect(String(namedBlocks(oidc, 'output').find((block) => block.name === output)?.body['value']), output).toMatch(/merge\(local\.deploy_access, \{ ?principal_arn/);
    }
  });

  /** deploy-rbac.yaml.tftpl rendered by terraform's own templatefile, as the module's output does. */
  function rendered(values: Record<string, string>): HclBody[] {
    const args = Object.entries(values).map(([key, value]) => `${key} = "${value}"`).join(', ');
    const console = spawnSync(locateTerraform(), ['console'], { cwd: mkdtempSync(join(tmpdir(), 'slipway-tf-console-')), input: `templatefile("${join(moduleDir, 'deploy-rbac.yaml.tftpl')}", { ${args} })\n`, encoding: 'utf8' });
    expect(console.status, console.stderr).toBe(0);
    const lines = console.stdout.trim().split('\n');
    expect([lines[0], lines.at(-1)]).toEqual(['<<EOT', 'EOT']);
    return parseAllDocuments(lines.slice(1, -1).join('\n')).map((document) => document.toJSON() as HclBody);
  }

  it('read and refresh Applications in the Argo CD namespace and GET the one Prometheus service through the proxy the verify action uses, bound to their group only', async () => {
    const output = namedBlocks(oidc, 'output').find((block) => block.name === 'deploy_kubernetes_rbac');
    expect(String(output?.body['value'])).toContain('templatefile("${path.module}/deploy-rbac.yaml.tftpl"');
    const service = String(defaultOf('prometheus_service'));
    const [namespace = '', proxied = ''] = service.split('/');
    const group = String(defaultOf('deploy_kubernetes_group'));
    const objects = rendered({ group, argocd_namespace: String(defaultOf('argocd_namespace')), prometheus_namespace: namespace, prometheus_proxy_name: proxied });
    const roles = objects.filter((object) => object['kind'] === 'Role');
    expect(roles.map((role) => [(role['metadata'] as HclBody)['namespace'], role['rules']])).toEqual([
      ['argocd', [{ apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get', 'list', 'watch', 'patch'] }]],
      ['monitoring', [{ apiGroups: [''], resources: ['services/proxy'], resourceNames: ['kube-prometheus-stack-prometheus:9090'], verbs: ['get'] }]],
    ]);
    const bindings = objects.filter((object) => object['kind'] === 'RoleBinding');
    expect(bindings).toHaveLength(2);
    for (const binding of bindings) expect(binding['subjects']).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }]);

    // The verify action's requests: GET …/namespaces/<ns>/services/<name>:<port>/proxy/…, which the
    // API server authorizes as get on services/proxy named by that path segment.
    // @kubernetes/client-node as the actions workspace (which depends on it) resolves it.
    const client = (await import(createRequire(fileURLToPath(new URL('../../../actions/package.json', import.meta.url))).resolve('@kubernetes/client-node'))) as { KubeConfig: new () => Parameters<typeof serviceProxy>[0] };
    const config = new client.KubeConfig();
    config.loadFromOptions({ clusters: [{ name: 'eks', server: 'https://eks.example' }], users: [{ name: 'ci' }], contexts: [{ name: 'ci', cluster: 'eks', user: 'ci' }], currentContext: 'ci' });
    const path = new URL(serviceProxy(config, service, 'PROMETHEUS_SERVICE').baseUrl).pathname.split('/');
    expect([path[4], path[5], path[6], path[7]]).toEqual([namespace, 'services', proxied, 'proxy']);
  });
});
