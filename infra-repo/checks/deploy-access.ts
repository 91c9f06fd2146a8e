// The GitHub deploy roles get their Kubernetes rights from their group only (issue 13, point 6):
// an environment root gives a deploy role's EKS access entry no EKS access policy. None of AWS's
// grants Argo CD's applications.argoproj.io, and AmazonEKSEditPolicy in the Argo CD namespace
// controls Argo CD itself; the entry must be the github-oidc module's own
// (`module.github_oidc.<env>_deploy_access_entry`: its Kubernetes group, no policy), whose group
// gitops-repo/apps/platform/namespaces/deploy-access.yaml binds to what verification needs.
import { attributeLine, isBody, namedBlocks, stringsIn } from './terraform-config.ts';
import type { Finding, HclBody, TerraformModule } from './terraform-config.ts';

const DEPLOY_ROLE = /\$\{module\.[\w-]+\.(dev|prod)_deploy_role_arn\}/;
const DEPLOY_ACCESS_ENTRY = /^\$\{module\.[\w-]+\.(dev|prod)_deploy_access_entry\}$/;
const EKS_MODULE = /(^|\/)modules\/eks$|^terraform-aws-modules\/eks\/aws$/;

function accessPolicies(entry: HclBody): string[] {
  const associations = isBody(entry.policy_associations) ? entry.policy_associations : {};
  return Object.values(associations)
    .filter(isBody)
    .map((association) => {
      const policy = String(association.policy_name ?? association.policy_arn ?? '?')
        .split('/')
        .at(-1);
      const namespaces = stringsIn(
        association.namespaces ?? (isBody(association.access_scope) ? association.access_scope.namespaces : undefined),
      ).map((s) => s.value);
      return namespaces.length > 0 ? `${policy} on ${namespaces.join(', ')}` : `${policy} cluster-wide`;
    });
}

/** Findings for every deploy-role access entry of an EKS module call that carries EKS access policies. */
export function deployAccessFindings(module: TerraformModule): Finding[] {
  const findings: Finding[] = [];
  for (const call of namedBlocks(module, 'module').filter((c) => EKS_MODULE.test(String(c.body.source ?? '')))) {
    const entries = isBody(call.body.access_entries) ? call.body.access_entries : {};
    for (const [key, entry] of Object.entries(entries)) {
      if (typeof entry === 'string' && DEPLOY_ACCESS_ENTRY.test(entry)) continue;
      const role = isBody(entry) && typeof entry.principal_arn === 'string' ? DEPLOY_ROLE.exec(entry.principal_arn)?.[1] : undefined;
      if (!isBody(entry) || role === undefined) continue;
      const policies = accessPolicies(entry);
      const line = attributeLine(call.file.text, key) ?? attributeLine(call.file.text, 'access_entries');
      const where = { check: 'deploy-access', file: call.file.path, line };
      const fix = `use module.github_oidc.${role}_deploy_access_entry (the deploy roles' Kubernetes group; its RBAC is in gitops-repo/apps/platform/namespaces/deploy-access.yaml)`;
      if (policies.length > 0) {
        findings.push({
          ...where,
          message: `access entry "${key}" gives the ${role} deploy role the EKS access policies ${policies.join('; ')}: AmazonEKSEditPolicy in argocd controls Argo CD itself, and verification only reads Applications, asks Argo CD to refresh the services' ones and proxies to Prometheus; ${fix}`,
        });
      } else {
        findings.push({ ...where, message: `access entry "${key}" of the ${role} deploy role is written by hand: ${fix}` });
      }
    }
  }
  return findings;
}
