// What the GitHub deploy roles may do in the cluster (issue 13, point 6), read from both trees:
// infra-repo gives their EKS access entry a Kubernetes group and no EKS access policy; gitops-repo
// binds that group (apps/platform/namespaces/deploy-access.yaml) to exactly what the verify action
// does. The group's one source is github-oidc's variable deploy_kubernetes_group (its default).
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { serviceProxy } from '../../actions/lib/verify/http-transport.ts';
import { environmentApplications, environments } from '../../gitops-repo/test/platform-tree.ts';
import { deployAccessFindings } from '../checks/deploy-access.ts';
import { formatFinding, isBody, loadInfraRepo, namedBlocks, parseTerraformModule } from '../checks/terraform-config.ts';
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

function localsOf(m: TerraformModule): HclBody {
  return Object.assign({}, ...m.files.flatMap((f) => (Array.isArray(f.json.locals) ? f.json.locals.filter(isBody) : [])));
}

/** The Kubernetes groups of github-oidc's deploy access entry, its variables replaced by their defaults. */
function accessEntryGroups(): string[] {
  const oidc = module('modules/github-oidc');
  const access = localsOf(oidc).deploy_access as HclBody;
  return (access.kubernetes_groups as string[]).map((group) => {
    const variable = /^\$\{var\.([\w-]+)\}$/.exec(group)?.[1];
    return variable ? String(namedBlocks(oidc, 'variable').find((v) => v.name === variable)?.body.default) : group;
  });
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

describe('the deploy roles get no EKS access policy', () => {
  it('each root passes the github-oidc access entry (a Kubernetes group, no policy) to the cluster', () => {
    expect(repo.flatMap(deployAccessFindings).map(formatFinding)).toEqual([]);
    for (const env of ['dev', 'prod']) {
      const eks = namedBlocks(module(`environments/${env}`), 'module').find((c) => c.name === 'eks');
      expect((eks?.body.access_entries as HclBody)['github-deploy'], env).toBe(`\${module.github_oidc.${env}_deploy_access_entry}`);
    }
    expect(localsOf(module('modules/github-oidc')).deploy_access).toEqual({
      kubernetes_groups: ['${var.deploy_kubernetes_group}'],
      policy_associations: {},
    });
  });

  it('reports a deploy role given AmazonEKSEditPolicy on argocd, and passes the access entry output', async () => {
    const root = (entry: string) =>
      parseTerraformModule('environments/dev', [
        {
          path: 'environments/dev/main.tf',
          text: `module "eks" {\n  source = "../../modules/eks"\n  access_entries = {\n    github-deploy = ${entry}\n  }\n}\n`,
        },
      ]);
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

  it("the eks module passes an entry's Kubernetes groups to upstream (terraform-aws-modules/eks 21.19.0 variables.tf: kubernetes_groups = optional(list(string)))", () => {
    const eks = module('modules/eks');
    const variable = namedBlocks(eks, 'variable').find((v) => v.name === 'access_entries')?.body;
    expect(String(variable?.type)).toMatch(/kubernetes_groups\s*=\s*"?\$?\{?optional\(list\(string\)\)/);
    const translated = (localsOf(eks).access_entries as string).replace(/\s+/g, ' ');
    expect(translated).toContain('kubernetes_groups = entry.kubernetes_groups');
    const call = namedBlocks(eks, 'module').find((c) => c.name === 'eks')?.body;
    expect(call?.access_entries).toBe('${local.access_entries}');
  });
});

describe("the deploy roles' group in the cluster (gitops-repo)", () => {
  it("is bound, in argocd and monitoring only, to reading Applications, patching the services' ones (the refresh) and to GET the workflows' Prometheus through the service proxy", () => {
    const [group, ...others] = accessEntryGroups();
    expect(others).toEqual([]);
    expect(group).toBe('slipway-deploy-verifiers');
    expect(grants(rbac()).sort()).toEqual([
      `argocd Group:${group} argoproj.io/applications get,list,watch`,
      `argocd Group:${group} argoproj.io/applications[frontend,product,cart,order] patch`,
      `monitoring Group:${group} core/services/proxy[kube-prometheus-stack-prometheus:9090] get`,
    ]);
  });

  it("patch is granted by name to exactly the shop project's Applications of each environment, the ones verify refreshes", () => {
    const patchable = rbac()
      .filter((o) => o.kind === 'Role' && (o.metadata as HclBody).namespace === 'argocd')
      .flatMap((o) => o.rules as { verbs: string[]; resourceNames?: string[] }[])
      .filter((rule) => rule.verbs.includes('patch'));
    expect(patchable.map((rule) => rule.verbs)).toEqual([['patch']]);
    // The verify action's applications default to the promoted services (lib/shell/inputs/verify.ts), and no workflow sets them
    // except the pull-request workflow's preview job, which waits for its own preview-pr-<number> Application (project
    // previews, not patchable: its refresh is refused and verify goes on polling, as with any refused refresh).
    const workflows = join(repoRoot, '.github/workflows');
    for (const file of readdirSync(workflows)) {
      const jobs = Object.values(
        (parse(readFileSync(join(workflows, file), 'utf8')) as { jobs?: Record<string, { steps?: unknown[] }> }).jobs ?? {},
      );
      const verifySteps = jobs
        .flatMap((job) => (job.steps ?? []) as { uses?: string; with?: Record<string, unknown> }[])
        .filter((step) => step.uses === './actions/verify');
      const named = verifySteps.flatMap((step) => (step.with?.['applications'] === undefined ? [] : [String(step.with['applications'])]));
      expect(named, file).toEqual(file === 'pull-request.yml' ? ['preview-pr-${{ github.event.pull_request.number }}'] : []);
    }
    for (const environment of environments) {
      const services = environmentApplications(environment).filter((a) => a.object.spec?.project === 'shop');
      expect([...(patchable[0]?.resourceNames ?? [])].sort(), environment).toEqual(services.map((a) => a.name).sort());
    }
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
      ).toEqual([`${RBAC_FILE} Role`, `${RBAC_FILE} RoleBinding`]);
    }
  });
});
