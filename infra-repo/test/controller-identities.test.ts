// The controllers' AWS identities come from terraform-aws-modules/eks-pod-identity/aws with its
// maintained policies (no hand-written controller policy is left), and every Pod Identity
// association names the namespace/service account the GitOps tree really runs the controller
// with: this test reads infra-repo's module calls and gitops-repo's Applications and values.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isBody, loadInfraRepo, namedBlocks, typedBlocks } from '../checks/terraform-config.ts';
import type { HclBody, NamedBlock, TerraformModule } from '../checks/terraform-config.ts';

const infraRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(infraRoot, '..');
const POD_IDENTITY = 'terraform-aws-modules/eks-pod-identity/aws';
const ENVIRONMENTS = ['dev', 'prod'];

let repo: TerraformModule[] = [];
const module = (dir: string) => repo.find((m) => m.dir === dir)!;

beforeAll(async () => {
  repo = await loadInfraRepo(infraRoot);
});

/** The pod-identity module calls of the infra repository, by "<module dir> <call name>". */
function podIdentityCalls(): Map<string, { dir: string; call: NamedBlock }> {
  return new Map(
    repo.flatMap((m) =>
      namedBlocks(m, 'module')
        .filter((c) => c.body.source === POD_IDENTITY)
        .map((call) => [`${m.dir} ${call.name}`, { dir: m.dir, call }] as const),
    ),
  );
}

function locals(m: TerraformModule): HclBody {
  return Object.assign({}, ...namedBlocksOfLocals(m));
}

function namedBlocksOfLocals(m: TerraformModule): HclBody[] {
  return m.files.flatMap((f) => (Array.isArray(f.json.locals) ? f.json.locals.filter(isBody) : []));
}

/**
 * The value an association attribute has in one environment: a literal, `${local.x.field}`, or
 * `${var.x.field}` (the environment's argument to the module when it passes one, else the default).
 */
function resolve(dir: string, value: unknown, env: string): unknown {
  if (typeof value !== 'string') return value;
  const reference = /^\$\{(var|local)\.([\w-]+)\.([\w-]+)\}$/.exec(value);
  if (!reference) return value;
  const [, kind, name = '', field = ''] = reference;
  if (kind === 'local') return (locals(module(dir))[name] as HclBody | undefined)?.[field];
  const passed = namedBlocks(module(`environments/${env}`), 'module').find((c) => c.body.source === `../../${dir}`)?.body[name];
  const variable = namedBlocks(module(dir), 'variable').find((v) => v.name === name)?.body;
  return ((passed ?? variable?.default) as HclBody | undefined)?.[field];
}

/** namespace/service account of each association of a pod-identity call, in one environment. */
function associations(dir: string, call: NamedBlock, env: string): string[] {
  const byKey = isBody(call.body.associations) ? call.body.associations : {};
  return Object.values(byKey)
    .filter(isBody)
    .map((a) => `${String(resolve(dir, a.namespace, env))}/${String(resolve(dir, a.service_account, env))}`);
}

function readYaml(path: string): Record<string, unknown> {
  return parse(readFileSync(join(repoRoot, path), 'utf8')) as Record<string, unknown>;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isBody(current) && isBody(value) ? deepMerge(current, value) : value;
  }
  return merged;
}

/** namespace/service account a chart Application runs with: its destination and its merged valueFiles. */
function gitopsServiceAccount(env: string, application: string, path: string[]): string {
  const app = readYaml(`gitops-repo/environments/${env}/platform/${application}.yaml`) as {
    spec: { destination: { namespace: string }; sources: { helm?: { valueFiles?: string[] } }[] };
  };
  const valueFiles = app.spec.sources.flatMap((s) => s.helm?.valueFiles ?? []).map((f) => f.replace(/^\$values\//, ''));
  const values = valueFiles.reduce((merged, file) => deepMerge(merged, readYaml(file) ?? {}), {} as Record<string, unknown>);
  const name = path.reduce<unknown>((node, key) => (isBody(node) ? node[key] : undefined), values);
  expect(
    name,
    `${application} (${env}): ${path.join('.')} is unset in ${valueFiles.join(', ')}, so the chart derives a name; set it explicitly`,
  ).toEqual(expect.any(String));
  return `${app.spec.destination.namespace}/${String(name)}`;
}

/** namespace/service account of the CloudNativePG database: the Cluster's namespace and name. */
function databaseServiceAccount(env: string): string {
  const cluster = readYaml(`gitops-repo/apps/platform/database/${env}/cluster.yaml`) as {
    metadata: { name: string; namespace: string };
    spec: { serviceAccountName?: string };
  };
  return `${cluster.metadata.namespace}/${cluster.spec.serviceAccountName ?? cluster.metadata.name}`;
}

/** What each pod-identity call must associate, read from gitops-repo. */
const EXPECTED: Record<string, (env: string) => string> = {
  'modules/controller-iam load_balancer_controller_pod_identity': (env) =>
    gitopsServiceAccount(env, 'aws-load-balancer-controller', ['serviceAccount', 'name']),
  'modules/controller-iam external_dns_pod_identity': (env) => gitopsServiceAccount(env, 'external-dns', ['serviceAccount', 'name']),
  // kyverno chart 3.9.0 values.yaml: admissionController.rbac.serviceAccount.name.
  'modules/controller-iam kyverno_pod_identity': (env) =>
    gitopsServiceAccount(env, 'kyverno', ['admissionController', 'rbac', 'serviceAccount', 'name']),
  'modules/eks cluster_autoscaler_pod_identity': (env) =>
    gitopsServiceAccount(env, 'cluster-autoscaler', ['rbac', 'serviceAccount', 'name']),
  'modules/db-backups pod_identity': databaseServiceAccount,
};

describe('controller identities from terraform-aws-modules/eks-pod-identity', () => {
  it('every Pod Identity association names the namespace/service account gitops-repo runs the workload with', () => {
    const calls = podIdentityCalls();
    expect([...calls.keys()].filter((key) => key !== 'modules/eks ebs_csi_pod_identity').sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const env of ENVIRONMENTS) {
      for (const [key, expected] of Object.entries(EXPECTED)) {
        const { dir, call } = calls.get(key)!;
        expect(associations(dir, call, env), `${key} in ${env}`).toEqual([expected(env)]);
      }
    }
  });

  it("the Load Balancer Controller role attaches the module's maintained policy and no hand-written one remains", () => {
    const lbc = podIdentityCalls().get('modules/controller-iam load_balancer_controller_pod_identity')?.call.body;
    expect(lbc?.version).toBe('2.8.1');
    expect(lbc?.attach_aws_lb_controller_policy).toBe(true);
    const handWritten = repo.flatMap((m) => m.files).filter((f) => f.text.includes('elasticloadbalancing:'));
    expect(handWritten.map((f) => f.path)).toEqual([]);
  });

  it("external-dns may change the environment's hosted zone only; the autoscaler is scoped to its cluster", () => {
    const calls = podIdentityCalls();
    const dns = calls.get('modules/controller-iam external_dns_pod_identity')?.call.body;
    expect(dns?.attach_external_dns_policy).toBe(true);
    expect(dns?.external_dns_hosted_zone_arns).toEqual(['${var.hosted_zone_arn}']);
    for (const env of ENVIRONMENTS) {
      const controllerIam = namedBlocks(module(`environments/${env}`), 'module').find((c) => c.name === 'controller_iam');
      expect(controllerIam?.body.hosted_zone_arn).toBe('${module.certificate.hosted_zone_arn}');
    }
    const autoscaler = calls.get('modules/eks cluster_autoscaler_pod_identity')?.call.body;
    expect(autoscaler?.attach_cluster_autoscaler_policy).toBe(true);
    expect(autoscaler?.cluster_autoscaler_cluster_names).toEqual(['${var.cluster_name}']);
  });

  it("Kyverno's admission controller reads ECR with AWS's managed read-only policy (eks-pod-identity 2.8.1 has no ECR switch: additional_policy_arns)", () => {
    const kyverno = podIdentityCalls().get('modules/controller-iam kyverno_pod_identity')?.call.body;
    expect(kyverno?.version).toBe('2.8.1');
    expect(kyverno?.additional_policy_arns).toEqual({
      AmazonEC2ContainerRegistryReadOnly: 'arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
    });
    expect(Object.keys(kyverno ?? {}).filter((key) => key.startsWith('attach_') || key === 'policy_statements')).toEqual([]);
  });

  it('the EBS CSI add-on gets its Pod Identity role (kube-system/ebs-csi-controller-sa) and sets no default StorageClass', () => {
    const ebs = podIdentityCalls().get('modules/eks ebs_csi_pod_identity')?.call.body;
    expect(ebs?.attach_aws_ebs_csi_policy).toBe(true);
    const eksLocals = locals(module('modules/eks'));
    expect(eksLocals.ebs_csi_service_account).toBe('ebs-csi-controller-sa');
    const addon = (eksLocals.addon_settings as Record<string, HclBody>)['aws-ebs-csi-driver'];
    expect(addon?.pod_identity_association).toEqual([
      { role_arn: '${module.ebs_csi_pod_identity.iam_role_arn}', service_account: '${local.ebs_csi_service_account}' },
    ]);
    expect(JSON.stringify(eksLocals.addon_settings)).not.toMatch(/defaultStorageClass/);
  });

  it('no role trusted by pods.eks.amazonaws.com and no association is written by hand', () => {
    const handWritten = repo.flatMap((m) => [
      ...typedBlocks(m, 'resource').filter((r) => r.type === 'aws_eks_pod_identity_association'),
      ...typedBlocks(m, 'data').filter(
        (d) => d.type === 'aws_iam_policy_document' && JSON.stringify(d.body).includes('pods.eks.amazonaws.com'),
      ),
    ]);
    expect(handWritten.map((b) => `${b.file.path} ${b.type}.${b.name}`)).toEqual([]);
  });
});
