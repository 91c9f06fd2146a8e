// What the GitHub roles may do in the cluster (issue 13, point 6; issue 18 for the preview role), read
// from both trees: infra-repo gives their EKS access entry a Kubernetes group and no EKS access
// policy; gitops-repo binds each group (apps/platform/namespaces/deploy-access.yaml) to exactly what
// its jobs do: the deploy roles' group to the verify action's reads, refreshes and Prometheus queries,
// the preview role's group to reading Applications. Each group's one source is a github-oidc variable
// (deploy_kubernetes_group, preview_kubernetes_group: their defaults).
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { serviceProxy } from '../../actions/lib/verify/http-transport.ts';
import { environmentApplications, environments } from '../../gitops-repo/test/platform-tree.ts';
import type { Environment } from '../../gitops-repo/test/platform-tree.ts';
import { deployAccessFindings } from '../checks/deploy-access.ts';
import { formatFinding, loadInfraRepo, moduleLocals, namedBlocks, parseTerraformModule } from '../checks/terraform-config.ts';
import type { HclBody, TerraformModule } from '../checks/terraform-config.ts';

const infraRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(infraRoot, '..');
const RBAC_FILE = 'gitops-repo/apps/platform/namespaces/deploy-access.yaml';
/** The workflows' PROMETHEUS_SERVICE (README, "Variables and secrets"). */
const PROMETHEUS_SERVICE = 'monitoring/kube-prometheus-stack-prometheus:9090';

let repo: TerraformModule[] = [];
const module = (dir: string) => repo.find((m) => m.dir === dir)!;
beforeAll(async () => {
  repo = await loadInfraRepo(infraRoot);
});

/** environments/dev with only its eks module call, whose access_entries hold `entry` (HCL) under `key`, at main.tf line 4. */
const devRootWithAccessEntry = (key: string, entry: string): Promise<TerraformModule> =>
  parseTerraformModule('environments/dev', [
    {
      path: 'environments/dev/main.tf',
      text: `module "eks" {\n  source = "../../modules/eks"\n  access_entries = {\n    ${key} = ${entry}\n  }\n}\n`,
    },
  ]);

/** The Kubernetes groups of a github-oidc access entry local, its variables replaced by their defaults. */
function accessEntryGroups(local: 'deploy_access' | 'preview_access' = 'deploy_access'): string[] {
  const oidc = module('modules/github-oidc');
  const access = moduleLocals(oidc)[local] as HclBody;
  return (access.kubernetes_groups as string[]).map((group) => {
    const variable = /^\$\{var\.([\w-]+)\}$/.exec(group)?.[1];
    return variable ? String(namedBlocks(oidc, 'variable').find((v) => v.name === variable)?.body.default) : group;
  });
}

/**
 * The Kubernetes groups of the role each GitHub variable names, followed through the Terraform: the
 * root output whose description names the variable (AWS_DEPLOY_ROLE_ARN, AWS_PREVIEW_ROLE_ARN, …) →
 * module.github_oidc.<role>_role_arn → github-oidc's output <role>_access_entry → the local it merges →
 * that local's kubernetes_groups. A role without an access entry (the build role) has none.
 */
function groupsByRoleVariable(): Map<string, string[]> {
  const oidc = module('modules/github-oidc');
  const groups = new Map<string, string[]>();
  for (const env of ['dev', 'prod']) {
    for (const output of namedBlocks(module(`environments/${env}`), 'output')) {
      const variable = /\b(AWS_[A-Z_]+_ROLE_ARN)\b/.exec(String(output.body.description ?? ''))?.[1];
      const role = /^\$\{module\.github_oidc\.(\w+)_role_arn\}$/.exec(String(output.body.value ?? ''))?.[1];
      if (!variable || !role) continue;
      const entry = namedBlocks(oidc, 'output').find((o) => o.name === `${role}_access_entry`);
      const local = /merge\(local\.(deploy_access|preview_access),/.exec(String(entry?.body.value ?? ''))?.[1] as
        'deploy_access' | 'preview_access' | undefined;
      groups.set(variable, [...new Set([...(groups.get(variable) ?? []), ...(local ? accessEntryGroups(local) : [])])]);
    }
  }
  return groups;
}

const rbac = (): Record<string, unknown>[] =>
  parseAllDocuments(readFileSync(join(repoRoot, RBAC_FILE), 'utf8')).map((d) => d.toJS() as Record<string, unknown>);

/** What the RBAC gives each subject: "<namespace> <subject> <apiGroup>/<resource>[<names>] <verbs>". */
function grants(objects: Record<string, unknown>[]): string[] {
  const roles = objects.filter((o) => o.kind === 'Role') as {
    metadata: { name: string; namespace: string };
    rules: Record<string, string[]>[];
  }[];
  const bindings = objects.filter((o) => o.kind === 'RoleBinding') as {
    metadata: { namespace: string };
    roleRef: { kind: string; name: string };
    subjects: { kind: string; name: string }[];
  }[];
  return bindings.flatMap((binding) => {
    const role = roles.find(
      (r) =>
        binding.roleRef.kind === 'Role' && r.metadata.name === binding.roleRef.name && r.metadata.namespace === binding.metadata.namespace,
    );
    return binding.subjects.flatMap((subject) =>
      (role?.rules ?? []).flatMap((rule) =>
        (rule.resources ?? []).map(
          (resource) =>
            `${binding.metadata.namespace} ${subject.kind}:${subject.name} ${(rule.apiGroups ?? []).join(',') || 'core'}/${resource}${rule.resourceNames ? `[${rule.resourceNames.join(',')}]` : ''} ${(rule.verbs ?? []).join(',')}`,
        ),
      ),
    );
  });
}

/** What a group may do to applications.argoproj.io in argocd: read them, and patch which (by name; '*': all). */
function applicationRights(objects: Record<string, unknown>[], group: string): { read: boolean; patch: string[] | '*' } {
  const mine = grants(objects).filter((g) => g.startsWith(`argocd Group:${group} argoproj.io/applications`));
  const names = (g: string) => /applications\[([^\]]*)\]/.exec(g)?.[1]?.split(',');
  const verbs = (g: string) => g.split(' ').at(-1)?.split(',') ?? [];
  const patching = mine.filter((g) => verbs(g).includes('patch'));
  return {
    read: mine.some((g) => verbs(g).includes('get') && names(g) === undefined),
    patch: patching.some((g) => names(g) === undefined) ? '*' : patching.flatMap((g) => names(g) ?? []),
  };
}

interface WorkflowStep {
  uses?: string;
  with?: Record<string, unknown>;
}
type Workflows = { file: string; jobs: Record<string, { steps?: WorkflowStep[] }> }[];

const workflows = (): Workflows => {
  const dir = join(repoRoot, '.github/workflows');
  return readdirSync(dir)
    .filter((file) => /\.ya?ml$/.test(file))
    .map((file) => ({ file, jobs: (parse(readFileSync(join(dir, file), 'utf8')) as { jobs?: Workflows[number]['jobs'] }).jobs ?? {} }));
};

/**
 * Every verify step (./actions/verify) either turns the refresh off (refresh: 'false'), and then its
 * job's role need only read Applications, or every Application it waits for (its applications input,
 * else the environment's service Applications, which the promoted services are) may be patched by the
 * group of the role its job assumes (configure-aws-credentials' role-to-assume: vars.AWS_*_ROLE_ARN).
 */
function refreshFindings(all: Workflows, roleGroups: Map<string, string[]>, objects: Record<string, unknown>[]): string[] {
  const findings: string[] = [];
  for (const { file, jobs } of all) {
    for (const [name, job] of Object.entries(jobs)) {
      const steps = job.steps ?? [];
      const assumed = steps.find((step) => step.uses?.startsWith('aws-actions/configure-aws-credentials@'))?.with?.['role-to-assume'];
      const variable = /vars\.(AWS_[A-Z_]+_ROLE_ARN)/.exec(String(assumed ?? ''))?.[1];
      for (const step of steps.filter((s) => s.uses === './actions/verify')) {
        const where = `${file} job ${name}`;
        const groups = variable ? (roleGroups.get(variable) ?? []) : [];
        if (groups.length === 0) {
          findings.push(`${where}: verify runs with ${variable ?? 'no assumed role'}, which joins no Kubernetes group`);
          continue;
        }
        const rights = groups.map((group) => ({ group, ...applicationRights(objects, group) }));
        for (const { group } of rights.filter((r) => !r.read))
          findings.push(`${where}: ${variable}'s group ${group} may not read Applications in argocd`);
        if (String(step.with?.['refresh']) === 'false') continue;
        const environment = String(step.with?.['environment'] ?? '');
        const named = step.with?.['applications'];
        if (named === undefined && !(environments as readonly string[]).includes(environment)) {
          findings.push(`${where}: verify's environment '${environment}' is not one of ${environments.join(', ')}`);
          continue;
        }
        const applications =
          named === undefined
            ? environmentApplications(environment as Environment)
                .filter((a) => a.object.spec?.project === 'shop')
                .map((a) => a.name)
            : String(named)
                .split(/[\n,]/)
                .map((a) => a.trim())
                .filter(Boolean);
        for (const { group, patch } of rights) {
          const refused = applications.filter((a) => patch !== '*' && !patch.includes(a));
          if (refused.length > 0)
            findings.push(
              `${where}: verify asks Argo CD to refresh ${refused.join(', ')}, which ${variable}'s group ${group} may not patch: set refresh: 'false' on the step, or grant patch by name in ${RBAC_FILE}`,
            );
        }
      }
    }
  }
  return findings;
}

describe('the deploy and preview roles get no EKS access policy', () => {
  it('each root passes the github-oidc access entries (a Kubernetes group, no policy) to the cluster; only dev has the preview role', () => {
    expect(repo.flatMap(deployAccessFindings).map(formatFinding)).toEqual([]);
    const entries = (env: string) =>
      namedBlocks(module(`environments/${env}`), 'module').find((c) => c.name === 'eks')?.body.access_entries as HclBody;
    expect(entries('dev')).toEqual({
      'github-deploy': '${module.github_oidc.dev_deploy_access_entry}',
      'github-preview': '${module.github_oidc.preview_access_entry}',
    });
    expect(entries('prod')).toEqual({ 'github-deploy': '${module.github_oidc.prod_deploy_access_entry}' });
    const oidcCall = (env: string) => namedBlocks(module(`environments/${env}`), 'module').find((c) => c.name === 'github_oidc')?.body;
    expect([oidcCall('dev')?.create_preview_role, oidcCall('prod')?.create_preview_role]).toEqual([true, undefined]);
    for (const local of ['deploy_access', 'preview_access'] as const) {
      expect(moduleLocals(module('modules/github-oidc'))[local], local).toEqual({
        kubernetes_groups: [`\${var.${local.replace('_access', '')}_kubernetes_group}`],
        policy_associations: {},
      });
    }
  });

  it('reports a deploy role given AmazonEKSEditPolicy on argocd, and passes the access entry output', async () => {
    const root = (entry: string) => devRootWithAccessEntry('github-deploy', entry);
    const edit = `{
      principal_arn = module.github_oidc.dev_deploy_role_arn
      policy_associations = {
        view = { policy_name = "AmazonEKSViewPolicy" }
        edit = { policy_name = "AmazonEKSEditPolicy", namespaces = ["argocd", "monitoring"] }
      }
    }`;
    expect(deployAccessFindings(await root(edit)).map(formatFinding)).toEqual([
      expect.stringMatching(
        /^environments\/dev\/main\.tf:4: \[deploy-access\] access entry "github-deploy" gives the dev deploy role the EKS access policies AmazonEKSEditPolicy on argocd, monitoring; AmazonEKSViewPolicy cluster-wide: .*use module\.github_oidc\.dev_deploy_access_entry/,
      ),
    ]);
    expect(deployAccessFindings(await root('module.github_oidc.dev_deploy_access_entry'))).toEqual([]);
  });

  it('reports the preview role given AmazonEKSViewPolicy, or its access entry written by hand; passes its access entry output', async () => {
    const root = (entry: string) => devRootWithAccessEntry('github-preview', entry);
    const view = `{
      principal_arn = module.github_oidc.preview_role_arn
      policy_associations = { view = { policy_name = "AmazonEKSViewPolicy", namespaces = ["argocd"] } }
    }`;
    expect(deployAccessFindings(await root(view)).map(formatFinding)).toEqual([
      expect.stringMatching(
        /^environments\/dev\/main\.tf:4: \[deploy-access\] access entry "github-preview" gives the preview role the EKS access policies AmazonEKSViewPolicy on argocd: .*use module\.github_oidc\.preview_access_entry/,
      ),
    ]);
    const byHand = `{
      principal_arn     = module.github_oidc.preview_role_arn
      kubernetes_groups = ["slipway-deploy-verifiers"]
    }`;
    expect(deployAccessFindings(await root(byHand)).map(formatFinding)).toEqual([
      expect.stringContaining(
        'access entry "github-preview" of the preview role is written by hand: use module.github_oidc.preview_access_entry',
      ),
    ]);
    expect(deployAccessFindings(await root('module.github_oidc.preview_access_entry'))).toEqual([]);
  });

  it("the eks module passes an entry's Kubernetes groups to upstream (terraform-aws-modules/eks 21.19.0 variables.tf: kubernetes_groups = optional(list(string)))", () => {
    const eks = module('modules/eks');
    const variable = namedBlocks(eks, 'variable').find((v) => v.name === 'access_entries')?.body;
    expect(String(variable?.type)).toMatch(/kubernetes_groups\s*=\s*"?\$?\{?optional\(list\(string\)\)/);
    const translated = (moduleLocals(eks).access_entries as string).replace(/\s+/g, ' ');
    expect(translated).toContain('kubernetes_groups = entry.kubernetes_groups');
    const call = namedBlocks(eks, 'module').find((c) => c.name === 'eks')?.body;
    expect(call?.access_entries).toBe('${local.access_entries}');
  });
});

describe("the deploy and preview roles' groups in the cluster (gitops-repo)", () => {
  it("are bound, in argocd and monitoring only: the deploy roles' to reading Applications, patching the services' ones (the refresh) and GET on the workflows' Prometheus through the service proxy; the preview role's to reading Applications", () => {
    const [group, ...others] = accessEntryGroups();
    expect(others).toEqual([]);
    expect(group).toBe('slipway-deploy-verifiers');
    const [preview, ...more] = accessEntryGroups('preview_access');
    expect(more).toEqual([]);
    expect(preview).toBe('slipway-preview-readers');
    expect(grants(rbac()).sort()).toEqual([
      `argocd Group:${group} argoproj.io/applications get,list,watch`,
      `argocd Group:${group} argoproj.io/applications[frontend,product,cart,order] patch`,
      `argocd Group:${preview} argoproj.io/applications get,list,watch`,
      `monitoring Group:${group} core/services/proxy[kube-prometheus-stack-prometheus:9090] get`,
    ]);
  });

  it('the roles the workflows assume map to those groups through the Terraform (root outputs → github-oidc access entries)', () => {
    expect(Object.fromEntries(groupsByRoleVariable())).toEqual({
      AWS_BUILD_ROLE_ARN: [],
      AWS_DEPLOY_ROLE_ARN: ['slipway-deploy-verifiers'],
      AWS_PREVIEW_ROLE_ARN: ['slipway-preview-readers'],
    });
  });

  it("patch is granted by name to exactly the shop project's Applications of each environment, the ones verify refreshes", () => {
    const patchable = rbac()
      .filter((o) => o.kind === 'Role' && (o.metadata as HclBody).namespace === 'argocd')
      .flatMap((o) => o.rules as { verbs: string[]; resourceNames?: string[] }[])
      .filter((rule) => rule.verbs.includes('patch'));
    expect(patchable.map((rule) => rule.verbs)).toEqual([['patch']]);
    for (const environment of environments) {
      const services = environmentApplications(environment).filter((a) => a.object.spec?.project === 'shop');
      expect([...(patchable[0]?.resourceNames ?? [])].sort(), environment).toEqual(services.map((a) => a.name).sort());
    }
  });

  it("every verify step refreshes only Applications its job's role may patch, or turns the refresh off (the preview job)", () => {
    const all = workflows();
    expect(refreshFindings(all, groupsByRoleVariable(), rbac())).toEqual([]);
    const off = all.flatMap(({ file, jobs }) =>
      Object.entries(jobs).flatMap(([name, job]) =>
        (job.steps ?? [])
          .filter((s) => s.uses === './actions/verify' && String(s.with?.['refresh']) === 'false')
          .map(() => `${file} ${name}`),
      ),
    );
    expect(off).toEqual(['pull-request.yml preview']);
  });

  it('finds a verify step that would refresh what its role may not patch, and a role whose group may not read', () => {
    const all = workflows();
    const preview = all.find((w) => w.file === 'pull-request.yml')!;
    const refreshing = all.map((w) =>
      w === preview
        ? {
            ...w,
            jobs: {
              ...w.jobs,
              preview: {
                steps: (w.jobs['preview']?.steps ?? []).map((s) =>
                  s.uses === './actions/verify' ? { ...s, with: { ...s.with, refresh: 'true' } } : s,
                ),
              },
            },
          }
        : w,
    );
    expect(refreshFindings(refreshing, groupsByRoleVariable(), rbac())).toEqual([
      "pull-request.yml job preview: verify asks Argo CD to refresh preview-pr-${{ github.event.pull_request.number }}, which AWS_PREVIEW_ROLE_ARN's group slipway-preview-readers may not patch: set refresh: 'false' on the step, or grant patch by name in gitops-repo/apps/platform/namespaces/deploy-access.yaml",
    ]);
    const platform = [
      {
        file: 'release.yml',
        jobs: {
          'promote-dev': {
            steps: [
              {
                uses: 'aws-actions/configure-aws-credentials@0000000000000000000000000000000000000000',
                with: { 'role-to-assume': '${{ vars.AWS_DEPLOY_ROLE_ARN }}' },
              },
              { uses: './actions/verify', with: { environment: 'dev', applications: 'cart,kube-prometheus-stack' } },
            ],
          },
        },
      },
    ];
    expect(refreshFindings(platform, groupsByRoleVariable(), rbac())).toEqual([
      expect.stringContaining(
        "release.yml job promote-dev: verify asks Argo CD to refresh kube-prometheus-stack, which AWS_DEPLOY_ROLE_ARN's group slipway-deploy-verifiers may not patch",
      ),
    ]);
    const unbound = rbac().filter((o) => !(o.kind === 'RoleBinding' && (o.metadata as HclBody).name === 'slipway-preview-reader'));
    expect(refreshFindings(all, groupsByRoleVariable(), unbound)).toEqual([
      "pull-request.yml job preview: AWS_PREVIEW_ROLE_ARN's group slipway-preview-readers may not read Applications in argocd",
    ]);
    const building = all.map((w) =>
      w === preview
        ? {
            ...w,
            jobs: {
              preview: {
                steps: [
                  { uses: 'aws-actions/configure-aws-credentials@0', with: { 'role-to-assume': '${{ vars.AWS_BUILD_ROLE_ARN }}' } },
                  { uses: './actions/verify', with: { environment: 'dev', refresh: 'false' } },
                ],
              },
            },
          }
        : w,
    );
    expect(refreshFindings(building, groupsByRoleVariable(), rbac())).toEqual([
      'pull-request.yml job preview: verify runs with AWS_BUILD_ROLE_ARN, which joins no Kubernetes group',
    ]);
  });

  it('fails when the RBAC binds another group than the access entry, or grants a write', () => {
    const renamed = rbac().map((o) =>
      o.kind === 'RoleBinding'
        ? { ...o, subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'slipway-deployers' }] }
        : o,
    );
    expect(grants(renamed).filter((g) => g.includes(`Group:${accessEntryGroups()[0]} `))).toEqual([]);
    const patching = rbac().map((o) =>
      o.kind === 'Role' && (o.metadata as HclBody).namespace === 'argocd'
        ? { ...o, rules: [{ apiGroups: ['argoproj.io'], resources: ['applications'], verbs: ['get', 'patch'] }] }
        : o,
    );
    expect(grants(patching)).toContain(`argocd Group:${accessEntryGroups()[0]} argoproj.io/applications get,patch`);
  });

  it('the proxied Service is the one the verify action requests and kube-prometheus-stack runs', async () => {
    // GET …/namespaces/<ns>/services/<name>:<port>/proxy/…, which the API server authorizes as get on
    // services/proxy named by that path segment. @kubernetes/client-node as the actions workspace resolves it.
    const client = (await import(createRequire(join(repoRoot, 'actions/package.json')).resolve('@kubernetes/client-node'))) as {
      KubeConfig: new () => Parameters<typeof serviceProxy>[0];
    };
    const config = new client.KubeConfig();
    config.loadFromOptions({
      clusters: [{ name: 'eks', server: 'https://eks.example' }],
      users: [{ name: 'ci' }],
      contexts: [{ name: 'ci', cluster: 'eks', user: 'ci' }],
      currentContext: 'ci',
    });
    const path = new URL(serviceProxy(config, PROMETHEUS_SERVICE, 'PROMETHEUS_SERVICE').baseUrl).pathname.split('/');
    expect([path[4], path[5], path[6], path[7]]).toEqual(['monitoring', 'services', 'kube-prometheus-stack-prometheus:9090', 'proxy']);
    expect(readFileSync(join(repoRoot, 'README.md'), 'utf8')).toContain(`\`${PROMETHEUS_SERVICE}\``);
    for (const environment of environments) {
      const stack = environmentApplications(environment).find((a) => a.name === 'kube-prometheus-stack')?.object;
      // The chart names its Prometheus Service <release>-prometheus (kube-prometheus-stack templates/prometheus/service.yaml).
      expect([stack?.spec.destination.namespace, `${stack?.spec.sources?.[0]?.helm?.releaseName}-prometheus`], environment).toEqual([
        'monitoring',
        'kube-prometheus-stack-prometheus',
      ]);
    }
  });

  it('the platform project reaches argocd only for this RBAC: no platform Application installs there', () => {
    for (const environment of environments) {
      const platform = environmentApplications(environment).filter((a) => a.object.spec?.project === 'platform');
      expect(
        platform.filter((a) => a.object.spec.destination.namespace === 'argocd').map((a) => a.name),
        environment,
      ).toEqual([]);
      const inArgocd = platform.flatMap((a) => a.manifests).filter(({ object }) => object.metadata?.namespace === 'argocd');
      expect(
        inArgocd.map(({ file, object }) => `${file} ${object.kind}`),
        environment,
      ).toEqual([`${RBAC_FILE} Role`, `${RBAC_FILE} RoleBinding`, `${RBAC_FILE} Role`, `${RBAC_FILE} RoleBinding`]);
    }
  });
});
