// Pods that get AWS credentials from EKS Pod Identity ask the agent on their node, at
// 169.254.170.23:80 (IPv4) or [fd00:ec2::23]:80 (IPv6): Amazon EKS User Guide, "Set up the Amazon EKS
// Pod Identity Agent"; aws/eks-pod-identity-agent configuration/config.go (the addresses) and
// cmd/server.go (--port, default 80). Every such workload's NetworkPolicies must let it reach the agent,
// or its AWS calls fail for want of credentials. Evaluated here the way Kubernetes applies
// NetworkPolicies: a pod is egress-isolated once a policy with Egress selects it, and then reaches
// what any selecting policy's egress rules allow.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlockList, isIPv6 } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Environment, Json, TreeApplication } from './platform-tree.ts';
import { environmentApplications, environments, repositoryRoot } from './platform-tree.ts';

const agent = [
  { address: '169.254.170.23', port: 80 },
  { address: 'fd00:ec2::23', port: 80 },
];

/**
 * The workloads infra-repo associates a Pod Identity role with (modules/controller-iam: the load balancer
 * controller, external-dns, Kyverno's admission controller; modules/db-backups: the database's backups;
 * modules/eks: the EBS CSI controller, the cluster autoscaler), with the labels their pods carry.
 */
interface PodIdentityWorkload {
  workload: string;
  namespace: string;
  serviceAccount: string;
  podLabels: Record<string, string>;
}

const podIdentityWorkloads: PodIdentityWorkload[] = [
  // external-dns chart 1.21.1, templates/_helpers.tpl "external-dns.selectorLabels".
  {
    workload: 'external-dns',
    namespace: 'external-dns',
    serviceAccount: 'external-dns',
    podLabels: { 'app.kubernetes.io/name': 'external-dns', 'app.kubernetes.io/instance': 'external-dns' },
  },
  // aws-load-balancer-controller chart 3.4.0, templates/_helpers.tpl "aws-load-balancer-controller.selectorLabels".
  {
    workload: 'aws-load-balancer-controller',
    namespace: 'kube-system',
    serviceAccount: 'aws-load-balancer-controller',
    podLabels: { 'app.kubernetes.io/name': 'aws-load-balancer-controller', 'app.kubernetes.io/instance': 'aws-load-balancer-controller' },
  },
  // cluster-autoscaler chart 9.52.1, templates/_helpers.tpl "cluster-autoscaler.instance-name" (name <cloudProvider>-cluster-autoscaler).
  {
    workload: 'cluster-autoscaler',
    namespace: 'kube-system',
    serviceAccount: 'cluster-autoscaler',
    podLabels: { 'app.kubernetes.io/name': 'aws-cluster-autoscaler', 'app.kubernetes.io/instance': 'cluster-autoscaler' },
  },
  // The EKS add-on aws-ebs-csi-driver: its chart (v1.64.0) templates/controller.yaml selector.
  {
    workload: 'EBS CSI controller',
    namespace: 'kube-system',
    serviceAccount: 'ebs-csi-controller-sa',
    podLabels: { app: 'ebs-csi-controller', 'app.kubernetes.io/name': 'aws-ebs-csi-driver' },
  },
  // kyverno chart 3.9.0 (kyverno/kyverno, tag kyverno-chart-3.9.0), templates/admission-controller/_helpers.tpl
  // "kyverno.admission-controller.labels" (release kyverno): the admission controller reads the attestations from ECR.
  {
    workload: 'kyverno admission controller',
    namespace: 'kyverno',
    serviceAccount: 'kyverno-admission-controller',
    podLabels: {
      'app.kubernetes.io/name': 'kyverno-admission-controller',
      'app.kubernetes.io/component': 'admission-controller',
      'app.kubernetes.io/instance': 'kyverno',
      'app.kubernetes.io/part-of': 'kyverno',
    },
  },
  // CloudNativePG labels every instance pod cnpg.io/cluster=<cluster>; its service account is named after the Cluster.
  {
    workload: 'shop-db (CloudNativePG backups)',
    namespace: 'shop',
    serviceAccount: 'shop-db',
    podLabels: { 'cnpg.io/cluster': 'shop-db' },
  },
];

function selects(selector: Json | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  const matchLabels = Object.entries((selector.matchLabels ?? {}) as Record<string, string>).every(([key, value]) => labels[key] === value);
  const matchExpressions = ((selector.matchExpressions ?? []) as Json[]).every((expression) => {
    const value = labels[expression.key];
    if (expression.operator === 'In') return value !== undefined && expression.values.includes(value);
    if (expression.operator === 'NotIn') return value === undefined || !expression.values.includes(value);
    if (expression.operator === 'Exists') return value !== undefined;
    return value === undefined; // DoesNotExist
  });
  return matchLabels && matchExpressions;
}

function blockAllows(peer: Json, address: string): boolean {
  const block = peer.ipBlock as Json | undefined;
  if (!block) return false; // pod and namespace selectors match pods, never the node's agent address
  const family = isIPv6(address) ? 'ipv6' : 'ipv4';
  const within = (cidr: string) => {
    const [network, prefix] = cidr.split('/');
    const list = new BlockList();
    if ((isIPv6(network ?? '') ? 'ipv6' : 'ipv4') !== family) return false;
    list.addSubnet(network ?? '', Number(prefix), family);
    return list.check(address, family);
  };
  return within(String(block.cidr)) && !((block.except ?? []) as string[]).some(within);
}

function portAllows(ports: Json[] | undefined, port: number): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some(
    (entry) =>
      (entry.protocol ?? 'TCP') === 'TCP' &&
      (entry.port === undefined ||
        entry.port === port ||
        (typeof entry.endPort === 'number' && entry.port <= port && port <= entry.endPort)),
  );
}

/** Whether the NetworkPolicies let pods with these labels in this namespace reach an address and port. */
function egressAllowed(policies: Json[], namespace: string, labels: Record<string, string>, address: string, port: number): boolean {
  const selecting = policies.filter((policy) => policy.metadata?.namespace === namespace && selects(policy.spec?.podSelector, labels));
  const isolating = selecting.filter((policy) =>
    ((policy.spec?.policyTypes ?? (policy.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'])) as string[]).includes('Egress'),
  );
  if (isolating.length === 0) return true;
  return isolating.some((policy) =>
    ((policy.spec?.egress ?? []) as Json[]).some(
      (rule) =>
        (!rule.to || rule.to.length === 0 || rule.to.some((peer: Json) => blockAllows(peer, address))) && portAllows(rule.ports, port),
    ),
  );
}

function networkPolicies(applications: TreeApplication[]): Json[] {
  return applications
    .flatMap((application) => application.manifests.map(({ object }) => object))
    .filter((object) => object.kind === 'NetworkPolicy');
}

function blockedWorkloads(policies: Json[]): string[] {
  return podIdentityWorkloads.flatMap(({ workload, namespace, podLabels }) =>
    agent
      .filter(({ address, port }) => !egressAllowed(policies, namespace, podLabels, address, port))
      .map(({ address, port }) => `${workload} (${namespace}) cannot reach the Pod Identity agent at ${address}:${port}`),
  );
}

const byEnvironment = Object.fromEntries(environments.map((environment) => [environment, environmentApplications(environment)])) as Record<
  Environment,
  TreeApplication[]
>;

describe.each(environments)('%s: Pod Identity workloads reach the agent', (environment) => {
  const policies = networkPolicies(byEnvironment[environment]);

  it('every workload with a Pod Identity role has egress to 169.254.170.23:80 and [fd00:ec2::23]:80', () => {
    // Not vacuous: the restricted namespaces do isolate these workloads' egress.
    expect(egressAllowed(policies, 'external-dns', podIdentityWorkloads[0]?.podLabels ?? {}, '192.0.2.10', 80)).toBe(false);
    expect(egressAllowed(policies, 'shop', { 'cnpg.io/cluster': 'shop-db' }, '192.0.2.10', 80)).toBe(false);
    expect(
      egressAllowed(policies, 'kyverno', podIdentityWorkloads.find((w) => w.namespace === 'kyverno')?.podLabels ?? {}, '192.0.2.10', 80),
    ).toBe(false);
    // Only the admission controller, which has the role, reaches the agent; Kyverno's other controllers do not.
    expect(
      egressAllowed(
        policies,
        'kyverno',
        { 'app.kubernetes.io/component': 'reports-controller', 'app.kubernetes.io/instance': 'kyverno' },
        '169.254.170.23',
        80,
      ),
    ).toBe(false);
    expect(blockedWorkloads(policies)).toEqual([]);
  });

  it('reports the workloads whose policies allow only HTTPS and DNS', () => {
    const withoutAgent = policies.map((policy) => ({
      ...policy,
      spec: {
        ...policy.spec,
        egress: ((policy.spec?.egress ?? []) as Json[]).filter((rule) => !(rule.to ?? []).some((peer: Json) => peer.ipBlock)),
      },
    }));
    expect(blockedWorkloads(withoutAgent)).toEqual([
      'external-dns (external-dns) cannot reach the Pod Identity agent at 169.254.170.23:80',
      'external-dns (external-dns) cannot reach the Pod Identity agent at fd00:ec2::23:80',
      'kyverno admission controller (kyverno) cannot reach the Pod Identity agent at 169.254.170.23:80',
      'kyverno admission controller (kyverno) cannot reach the Pod Identity agent at fd00:ec2::23:80',
      'shop-db (CloudNativePG backups) (shop) cannot reach the Pod Identity agent at 169.254.170.23:80',
      'shop-db (CloudNativePG backups) (shop) cannot reach the Pod Identity agent at fd00:ec2::23:80',
    ]);
  });
});

describe('the Pod Identity workloads listed here', () => {
  it('are the service accounts infra-repo associates roles with', () => {
    const terraform = readdirSync(join(repositoryRoot, 'infra-repo/modules'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.tf'))
      .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
      .join('\n');
    for (const { workload, serviceAccount } of podIdentityWorkloads) expect(terraform, workload).toContain(`"${serviceAccount}"`);
  });
});
