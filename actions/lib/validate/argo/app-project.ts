/**
 * What an Argo CD AppProject allows (argoproj/argo-cd v3.3.8 `docs/operator-manual/project.yaml`):
 * source repositories, destinations (server or name, and namespace, as globs with `!` to deny),
 * cluster-scoped kinds (`clusterResourceWhitelist`) and namespaced kinds
 * (`namespaceResourceWhitelist` / `namespaceResourceBlacklist`).
 */
import { record, text } from '../json-values.ts';
import type { Json } from '../json-values.ts';

/** Argo CD's glob: `*` for any run of characters, a leading `!` denies. */
export function globMatches(pattern: string, value: string): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\?]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`).test(value);
}

export function allowedByList(patterns: string[], value: string): boolean {
  const denied = patterns.filter((p) => p.startsWith('!')).some((p) => globMatches(p.slice(1), value));
  return !denied && patterns.filter((p) => !p.startsWith('!')).some((p) => globMatches(p, value));
}

/** Kinds Kubernetes keeps at cluster scope (the ones Slipway's charts and manifests can create). */
export const clusterScopedKinds = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'IngressClass',
  'IngressClassParams',
  'PriorityClass',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'APIService',
  'CSIDriver',
  'RuntimeClass',
  'VolumeAttachment',
]);

function groupOf(apiVersion: unknown): string {
  const value = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = value.indexOf('/');
  return slash < 0 ? '' : value.slice(0, slash);
}

/** Whether a whitelist entry matches: group and kind globs, and (cluster-scoped entries, v3.3.8) an optional name glob. */
function kindListed(list: unknown, group: string, kind: string, name?: string): boolean {
  if (!Array.isArray(list)) return false;
  return list.some((entry) => {
    const item = record(entry);
    if (item === undefined || !globMatches(String(item.group ?? ''), group) || !globMatches(String(item.kind ?? ''), kind)) return false;
    return name === undefined || text(item.name) === undefined || globMatches(String(item.name), name);
  });
}

/** Why a project refuses an object of this kind in this namespace, or undefined when it allows it. */
export function projectRefusesObject(project: Json, object: Json, namespace: string, destination: Json): string | undefined {
  const spec = record(project.spec) ?? {};
  const kind = String(object.kind ?? '');
  const group = groupOf(object.apiVersion);
  const name = String(record(project.metadata)?.name ?? '');
  if (clusterScopedKinds.has(kind)) {
    const objectName = String(record(object.metadata)?.name ?? '');
    if (!kindListed(spec.clusterResourceWhitelist, group, kind, objectName))
      return `project ${name} does not allow the cluster-scoped ${group || 'core'}/${kind} ${objectName} (clusterResourceWhitelist)`;
    return undefined;
  }
  if (Array.isArray(spec.namespaceResourceWhitelist) && !kindListed(spec.namespaceResourceWhitelist, group, kind)) {
    return `project ${name} does not allow ${group || 'core'}/${kind} (namespaceResourceWhitelist)`;
  }
  if (kindListed(spec.namespaceResourceBlacklist, group, kind))
    return `project ${name} forbids ${group || 'core'}/${kind} (namespaceResourceBlacklist)`;
  // The destination's own namespace is reported once, on spec.destination.
  if (namespace !== String(destination.namespace ?? '') && !destinationAllowed(project, { ...destination, namespace })) {
    return `project ${name} does not allow namespace ${namespace}`;
  }
  return undefined;
}

export function destinationAllowed(project: Json, destination: Json): boolean {
  const destinations = record(project.spec)?.destinations;
  if (!Array.isArray(destinations)) return false;
  const server = text(destination.server);
  const name = text(destination.name);
  const namespace = String(destination.namespace ?? '');
  return destinations.some((entry) => {
    const allowed = record(entry);
    if (!allowed) return false;
    const serverOk =
      (server !== undefined && text(allowed.server) !== undefined && globMatches(String(allowed.server), server)) ||
      (name !== undefined && text(allowed.name) !== undefined && globMatches(String(allowed.name), name));
    const namespaceOk = allowed.namespace === undefined ? false : globMatches(String(allowed.namespace), namespace);
    return serverOk && namespaceOk;
  });
}
