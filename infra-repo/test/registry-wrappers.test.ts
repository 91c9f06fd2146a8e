// modules/vpc and modules/eks are thin wrappers: the network, cluster, node group, add-on and
// access entry resources come from the pinned registry modules, not from resources of their own.
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInfraRepo, namedBlocks, typedBlocks } from '../checks/terraform-config.ts';
import type { TerraformModule } from '../checks/terraform-config.ts';

const infraRoot = fileURLToPath(new URL('..', import.meta.url));
let repo: TerraformModule[] = [];

beforeAll(async () => {
  repo = await loadInfraRepo(infraRoot);
});

describe.each([
  [
    'modules/vpc',
    'vpc',
    'terraform-aws-modules/vpc/aws',
    '6.6.0',
    ['aws_vpc', 'aws_subnet', 'aws_internet_gateway', 'aws_nat_gateway', 'aws_eip', 'aws_route_table', 'aws_route', 'aws_vpc_endpoint'],
  ],
  [
    'modules/eks',
    'eks',
    'terraform-aws-modules/eks/aws',
    '21.19.0',
    [
      'aws_eks_cluster',
      'aws_eks_node_group',
      'aws_eks_addon',
      'aws_eks_access_entry',
      'aws_eks_access_policy_association',
      'aws_iam_role',
      'aws_kms_key',
      'aws_cloudwatch_log_group',
    ],
  ],
])('%s', (dir, callName, source, version, upstreamTypes) => {
  it(`calls ${source} ${version}`, () => {
    const module = repo.find((m) => m.dir === dir)!;
    const call = namedBlocks(module, 'module').find((c) => c.name === callName);
    expect(call?.body.source).toBe(source);
    expect(call?.body.version).toBe(version);
  });

  it('declares none of the resources the registry module makes', () => {
    const module = repo.find((m) => m.dir === dir)!;
    const own = typedBlocks(module, 'resource').filter((r) => upstreamTypes.includes(r.type));
    expect(own.map((r) => `${r.type}.${r.name}`)).toEqual([]);
  });
});
