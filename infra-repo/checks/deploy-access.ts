// The GitHub roles get their Kubernetes rights from their group only (issue 13, point 6; issue 18 for
// the preview role): an environment root gives a deploy or preview role's EKS access entry no EKS
// access policy. None of AWS's grants Argo CD's applications.argoproj.io, and AmazonEKSEditPolicy in
// the Argo CD namespace controls Argo CD itself; the entry must be the github-oidc module's own
// (`module.github_oidc.<role>_access_entry`: its Kubernetes group, no policy), whose group
// gitops-repo/apps/platform/namespaces/deploy-access.yaml binds to what the role's jobs need.
import { attributeLine, isBody, namedBlocks, stringsIn } from './terraform-config.ts';
import type { Finding, HclBody, TerraformModule } from './terraform-config.ts';

/** The github-oidc roles with a Kubernetes group: `<role>_role_arn` and `<role>_access_entry` outputs. */
const GITHUB_ROLE = /\$\{module\.[\w-]+\.(dev_deploy|prod_deploy|preview)_role_arn\}/;
const GITHUB_ACCESS_ENTRY = /^\$\{module\.[\w-]+\.(dev_deploy|prod_deploy|preview)_access_entry\}$/;
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

/** Findings for every GitHub role's access entry of an EKS module call that is not the github-oidc module's own. */
export function deployAccessFindings(module: TerraformModule): Finding[] {
  const findings: Finding[] = [];
  for (const call of namedBlocks(module, 'module').filter((c) => EKS_MODULE.test(String(c.body.source ?? '')))) {
    const entries = isBody(call.body.access_entries) ? call.body.access_entries : {};
    for (const [key, entry] of Object.entries(entries)) {
      if (typeof entry === 'string' && GITHUB_ACCESS_ENTRY.test(entry)) continue;
      const role = isBody(entry) && typeof entry.principal_arn === 'string' ? GITHUB_ROLE.exec(entry.principal_arn)?.[1] : undefined;
      if (!isBody(entry) || role === undefined) continue;
      const policies = accessPolicies(entry);
      const line = attributeLine(call.file.text, key) ?? attributeLine(call.file.text, 'access_entries');
      const where = { check: 'deploy-access', file: call.file.path, line };
      const label = `${role.replace('_', ' ')} role`;
      const fix = `use module.github_oidc.${role}_access_entry (the role's Kubernetes group; its RBAC is in gitops-repo/apps/platform/namespaces/deploy-access.yaml)`;
      if (policies.length > 0) {
        findings.push({
          ...where,
          message: `access entry "${key}" gives the ${label} the EKS access policies ${policies.join('; ')}: AmazonEKSEditPolicy in argocd controls Argo CD itself, and the workflows only read Applications, ask Argo CD to refresh the services' ones and proxy to Prometheus; ${fix}`,
        });
      } else {
        findings.push({ ...where, message: `access entry "${key}" of the ${label} is written by hand: ${fix}` });
      }
    }
  }
  return findings;
}
