/**
 * Checks across the Applications of one cluster (one environment of the tree), on everything
 * they sync — plain manifests and rendered charts:
 * - sync order: a custom resource synced no later than the Application that installs its CRD
 *   fails Argo CD's dry run ("the server could not find the requested resource") unless it
 *   carries `SkipDryRunOnMissingResource=true` (its `argocd.argoproj.io/sync-options`
 *   annotation or the Application's `syncPolicy.syncOptions`; argoproj/argo-cd v3.3.8
 *   `docs/user-guide/sync-options.md`). A CRD in the same Application is fine: Argo CD skips
 *   the dry run for it. Applications are ordered by the sync waves of their ancestors: an
 *   app-of-apps parent syncs its children wave by wave, so two Applications compare at the
 *   first level where their ancestries differ; a parent syncs before its children.
 * - storage: a PersistentVolumeClaim, or a claim template (`volumeClaimTemplates`,
 *   `volumeClaimTemplate`), without `storageClassName` stays Pending when the cluster has no
 *   default StorageClass (annotation `storageclass.kubernetes.io/is-default-class: "true"`),
 *   and the tree declares none — EKS marks none as default since Kubernetes 1.30.
 * - Pod Security: the level each namespace enforces (`pod-security.kubernetes.io/enforce` on
 *   the tree's Namespace objects, or in an Application's `managedNamespaceMetadata.labels`).
 */
import type { ManifestDocument } from '../argo-tree.ts';
import type { Finding } from '../finding.ts';
import { childPath } from '../finding.ts';
import type { PodSecurityLevel } from '../workloads/pod-security.ts';
import { podSecurityLevel } from '../workloads/pod-security.ts';
import { crdKey, kindKey } from './crd-schema.ts';
import { record } from '../json-values.ts';
import type { Json } from '../json-values.ts';

/** One object an Application syncs, and where a finding about it is filed. */
export interface PlacedObject {
  object: Json;
  file: string;
  document?: number;
  /** Prefix of field paths: '' for a manifest of the tree, `rendered Kind/name ` for a rendered object. */
  prefix: string;
}

export interface ApplicationObjects {
  application: ManifestDocument;
  objects: PlacedObject[];
}

function nameOf(doc: ManifestDocument): string {
  return String(record(doc.object.metadata)?.name ?? '');
}

export function syncWave(object: Json): number {
  const wave = Number(record(record(object.metadata)?.annotations)?.['argocd.argoproj.io/sync-wave'] ?? 0);
  return Number.isInteger(wave) ? wave : 0;
}

/** The Application's ancestry from the top: each level's Application and its wave. */
function ancestry(application: ManifestDocument, parents: ReadonlyMap<ManifestDocument, ManifestDocument>): ManifestDocument[] {
  const chain = [application];
  for (let parent = parents.get(application); parent && !chain.includes(parent) && chain.length < 50; parent = parents.get(parent))
    chain.unshift(parent);
  return chain;
}

/** Does `later` start syncing only after `earlier` is done (strictly later in the wave order)? */
export function syncsAfter(
  later: ManifestDocument,
  earlier: ManifestDocument,
  parents: ReadonlyMap<ManifestDocument, ManifestDocument>,
): boolean {
  const a = ancestry(later, parents);
  const b = ancestry(earlier, parents);
  let level = 0;
  while (level < a.length && level < b.length && a[level] === b[level]) level++;
  if (level === b.length) return level < a.length; // `earlier` is an ancestor: its child syncs after it
  if (level === a.length) return false; // `later` is an ancestor of `earlier`
  return syncWave((a[level] as ManifestDocument).object) > syncWave((b[level] as ManifestDocument).object);
}

function skipsDryRun(object: Json, application: ManifestDocument): boolean {
  const annotation = String(record(record(object.metadata)?.annotations)?.['argocd.argoproj.io/sync-options'] ?? '');
  const appOptions = record(record(application.object.spec)?.syncPolicy)?.syncOptions;
  const options = [...annotation.split(','), ...(Array.isArray(appOptions) ? appOptions.map(String) : [])];
  return options.some((option) => option.trim() === 'SkipDryRunOnMissingResource=true');
}

/** Custom resources synced no later than the Application installing their CRD. */
export function crdOrderFindings(applications: ApplicationObjects[], parents: ReadonlyMap<ManifestDocument, ManifestDocument>): Finding[] {
  const installers = new Map<string, ManifestDocument>();
  for (const { application, objects } of applications) {
    for (const { object } of objects) {
      const key = crdKey(object);
      if (key && !installers.has(key)) installers.set(key, application);
    }
  }
  const findings: Finding[] = [];
  for (const { application, objects } of applications) {
    for (const placed of objects) {
      const installer = installers.get(kindKey(placed.object));
      if (!installer || installer === application || syncsAfter(application, installer, parents) || skipsDryRun(placed.object, application))
        continue;
      const finding: Finding = {
        file: placed.file,
        field: `${placed.prefix}metadata`.trim(),
        rule: 'crd-order',
        message: `${String(placed.object.kind)} is synced by Application ${nameOf(application)} (${application.file}, wave ${syncWave(application.object)}) no later than Application ${nameOf(installer)} (${installer.file}, wave ${syncWave(installer.object)}) that installs its CRD: Argo CD's dry run fails while the CRD is missing`,
        fix: `sync ${nameOf(application)} in a later wave than ${nameOf(installer)}, or set argocd.argoproj.io/sync-options: SkipDryRunOnMissingResource=true on the resource (or in the Application's syncPolicy.syncOptions)`,
      };
      if (placed.document !== undefined) finding.document = placed.document;
      findings.push(finding);
    }
  }
  return findings;
}

/** Claim templates of an object: every `volumeClaimTemplates` entry and `volumeClaimTemplate`, with its field path. */
function claimTemplates(value: unknown, path: string, found: { claim: Json; path: string }[], depth = 0): void {
  if (depth > 30 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => claimTemplates(item, childPath(path, index), found, depth + 1));
    return;
  }
  for (const [key, child] of Object.entries(value as Json)) {
    const at = childPath(path, key);
    if (key === 'volumeClaimTemplates' && Array.isArray(child))
      child.forEach((claim, index) => record(claim) && found.push({ claim: record(claim) ?? {}, path: childPath(at, index) }));
    else if (key === 'volumeClaimTemplate' && record(child)) found.push({ claim: record(child) ?? {}, path: at });
    else claimTemplates(child, at, found, depth + 1);
  }
}

/** Claims without a storage class, when no StorageClass of the tree is the default. */
export function storageClassFindings(applications: ApplicationObjects[]): Finding[] {
  const objects = applications.flatMap(({ objects: list }) => list);
  const hasDefault = objects.some(
    ({ object }) =>
      object.kind === 'StorageClass' &&
      record(record(object.metadata)?.annotations)?.['storageclass.kubernetes.io/is-default-class'] === 'true',
  );
  if (hasDefault) return [];
  const findings: Finding[] = [];
  for (const placed of objects) {
    const claims = placed.object.kind === 'PersistentVolumeClaim' ? [{ claim: placed.object, path: '' }] : [];
    claimTemplates(placed.object.spec, 'spec', claims);
    for (const { claim, path } of claims) {
      if (record(claim.spec)?.storageClassName !== undefined) continue;
      const finding: Finding = {
        file: placed.file,
        field: `${placed.prefix}${childPath(path, 'spec')}.storageClassName`,
        rule: 'storage-class',
        message: `${path ? `a claim template of ${String(placed.object.kind)}` : 'the PersistentVolumeClaim'} names no storageClassName and no StorageClass of this environment is the default: the claim stays Pending (EKS marks no class as default since Kubernetes 1.30)`,
        fix: 'declare a StorageClass annotated storageclass.kubernetes.io/is-default-class: "true" (e.g. EBS CSI gp3), or name a class in the claim',
      };
      if (placed.document !== undefined) finding.document = placed.document;
      findings.push(finding);
    }
  }
  return findings;
}

/** The Pod Security level each namespace enforces in this cluster. */
export function namespaceLevels(applications: ApplicationObjects[]): Map<string, PodSecurityLevel> {
  const levels = new Map<string, PodSecurityLevel>();
  for (const { application, objects } of applications) {
    const spec = record(application.object.spec);
    const managed = record(record(record(spec?.syncPolicy)?.managedNamespaceMetadata)?.labels);
    const level = podSecurityLevel(managed?.['pod-security.kubernetes.io/enforce']);
    const namespace = record(spec?.destination)?.namespace;
    if (level && typeof namespace === 'string') levels.set(namespace, level);
    for (const { object } of objects) {
      if (object.kind !== 'Namespace' || object.apiVersion !== 'v1') continue;
      const label = podSecurityLevel(record(record(object.metadata)?.labels)?.['pod-security.kubernetes.io/enforce']);
      const name = record(object.metadata)?.name;
      if (label && typeof name === 'string') levels.set(name, label);
    }
  }
  return levels;
}
