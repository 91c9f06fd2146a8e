/**
 * Validates a Kubernetes, Argo CD or prometheus-operator object against its real schema from
 * `kubernetes-models`, `@kubernetes-models/argo-cd` and `@kubernetes-models/prometheus-operator`,
 * STRICTLY: a field the schema does not know is a finding, as with the API server's strict
 * field validation.
 *
 * The models ship their schemas as compiled validation functions, not as JSON Schema, and those
 * functions accept unknown fields. They do, however, read every property their schema declares
 * (`data.replicas`, present or not) and enumerate the keys only of maps (labels, data, …). So
 * the object is handed to the model's own validate function behind a Proxy that records, per
 * object, which property names were read and whether its keys were enumerated:
 * - keys enumerated: a map (additionalProperties) — any key is fine;
 * - no property read at all: an opaque field (x-kubernetes-preserve-unknown-fields such as
 *   Application.spec.source.helm.valuesObject, or no schema) — anything goes;
 * - otherwise: a declared object — every own key that was never read is unknown.
 */
import type { Finding } from './finding.ts';
import { fieldPath } from './finding.ts';

export interface SchemaProblem {
  /** Dotted field path inside the object. */
  field: string;
  message: string;
  kind: 'schema' | 'unknown-field' | 'unknown-kind';
}

interface ModelClass {
  apiVersion: string;
  kind: string;
  prototype: { validate(this: unknown): void };
}

interface ValidationErrorLike {
  errors?: { instancePath: string; keyword: string; message?: string; params?: Record<string, unknown> }[];
  message: string;
}

/** The API groups whose schemas the validator has, and the module holding each group/version. */
function moduleOf(group: string, version: string): string | undefined {
  if (group === 'argoproj.io') return `@kubernetes-models/argo-cd/argoproj.io/${version}`;
  if (group === 'monitoring.coreos.com') return `@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}`;
  if (group === '') return version === 'v1' ? 'kubernetes-models/v1' : undefined;
  if (kubernetesGroups.has(group)) return `kubernetes-models/${group}/${version}`;
  return undefined;
}

const kubernetesGroups = new Set([
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
]);

const moduleCache = new Map<string, Promise<Record<string, unknown> | undefined>>();

function loadModule(specifier: string): Promise<Record<string, unknown> | undefined> {
  let loaded = moduleCache.get(specifier);
  if (!loaded) {
    loaded = import(specifier).then(
      (module: Record<string, unknown>) => module,
      () => undefined,
    );
    moduleCache.set(specifier, loaded);
  }
  return loaded;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** Does the validator carry schemas for this apiVersion's group (Kubernetes, Argo CD, prometheus-operator)? */
export function hasBundledSchema(apiVersion: string): boolean {
  const { group } = splitApiVersion(apiVersion);
  return group === '' || kubernetesGroups.has(group) || group === 'argoproj.io' || group === 'monitoring.coreos.com';
}

/** What to do about a schema problem of each kind. */
export function schemaProblemFix(kind: SchemaProblem['kind']): string {
  if (kind === 'unknown-field')
    return 'remove the field or fix its spelling (the API server rejects unknown fields with strict validation)';
  if (kind === 'unknown-kind') return 'use a kind this apiVersion serves';
  return 'give the field a value of the type the schema asks for';
}

/** Findings of schema problems of one object (file, document and a prefix for the field paths). */
export function schemaProblemFindings(problems: SchemaProblem[], where: { file: string; document?: number }, prefix = ''): Finding[] {
  return problems.map((problem) => {
    const finding: Finding = {
      file: where.file,
      field: `${prefix}${problem.field}`,
      rule: problem.kind,
      message: problem.message,
      fix: schemaProblemFix(problem.kind),
    };
    if (where.document !== undefined) finding.document = where.document;
    return finding;
  });
}

async function modelFor(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const { group, version } = splitApiVersion(apiVersion);
  const specifier = moduleOf(group, version);
  if (!specifier) return undefined;
  const module = await loadModule(specifier);
  const candidate: unknown = module?.[kind];
  if (typeof candidate !== 'function') return undefined;
  const model = candidate as unknown as ModelClass;
  return model.apiVersion === apiVersion && model.kind === kind ? model : undefined;
}

interface Visit {
  target: Record<string, unknown>;
  pointer: string;
  read: Set<string>;
  enumerated: boolean;
}

/** Wraps `root` so that every property read and key enumeration is recorded per object. */
function traced(root: Record<string, unknown>): { proxy: Record<string, unknown>; visits: Map<object, Visit> } {
  const visits = new Map<object, Visit>();
  const proxies = new WeakMap<object, object>();
  const wrap = (value: unknown, pointer: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const existing = proxies.get(value);
    if (existing) return existing;
    const visit: Visit = { target: value as Record<string, unknown>, pointer, read: new Set(), enumerated: false };
    visits.set(value, visit);
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        const child = Reflect.get(target, key, receiver) as unknown;
        if (typeof key !== 'string') return child;
        visit.read.add(key);
        return Object.prototype.hasOwnProperty.call(target, key)
          ? wrap(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`)
          : child;
      },
      has(target, key) {
        if (typeof key === 'string') visit.read.add(key);
        return Reflect.has(target, key);
      },
      ownKeys(target) {
        visit.enumerated = true;
        return Reflect.ownKeys(target);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  return { proxy: wrap(root, '') as Record<string, unknown>, visits };
}

/**
 * Fields the real CRD has but the generated model lacks, accepted as known. Keyed by "apiVersion
 * kind", JSON pointers (`*` stands for any list index):
 * - the model's generator drops properties named `description`;
 * - @kubernetes-models/argo-cd 2.7.2 predates the Argo CD we pin (v3.3.8), whose AppProject
 *   clusterResourceWhitelist entries take a `name` glob (pkg/apis/application/v1alpha1/types.go,
 *   ClusterResourceRestrictionItem).
 */
export const knownSchemaGaps: Record<string, string[]> = {
  'argoproj.io/v1alpha1 AppProject': ['/spec/description', '/spec/clusterResourceWhitelist/*/name'],
};

function isKnownGap(pointer: string, gaps: string[]): boolean {
  return gaps.some((gap) =>
    new RegExp(
      `^${gap
        .split('*')
        .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('\\d+')}$`,
    ).test(pointer),
  );
}

/** Unknown fields: own keys of declared (non-map, non-opaque) objects that the schema never read. */
function unknownFields(visits: Map<object, Visit>): string[] {
  const found: string[] = [];
  for (const visit of visits.values()) {
    if (Array.isArray(visit.target) || visit.enumerated || visit.read.size === 0) continue;
    for (const key of Object.keys(visit.target)) {
      if (!visit.read.has(key)) found.push(`${visit.pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  }
  return found;
}

function describe(error: NonNullable<ValidationErrorLike['errors']>[number]): { pointer: string; message: string } {
  if (error.keyword === 'required' && typeof error.params?.missingProperty === 'string') {
    return { pointer: `${error.instancePath}/${error.params.missingProperty}`, message: 'is required' };
  }
  if (error.keyword === 'enum' && Array.isArray(error.params?.allowedValues)) {
    return {
      pointer: error.instancePath,
      message: `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
    };
  }
  return { pointer: error.instancePath, message: error.message ?? error.keyword };
}

/**
 * Schema problems of one object (with `apiVersion` and `kind`); undefined when the validator
 * has no schema for its API group (custom resources of other operators).
 */
export async function validateObject(object: Record<string, unknown>): Promise<SchemaProblem[] | undefined> {
  const apiVersion = object.apiVersion;
  const kind = object.kind;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return [{ field: typeof apiVersion !== 'string' ? 'apiVersion' : 'kind', message: 'is required and must be a string', kind: 'schema' }];
  }
  if (!hasBundledSchema(apiVersion)) return undefined;
  const model = await modelFor(apiVersion, kind);
  if (!model) {
    return [{ field: 'kind', message: `${apiVersion} has no kind ${kind}`, kind: 'unknown-kind' }];
  }
  const { proxy, visits } = traced(object);
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  try {
    model.prototype.validate.call(proxy);
  } catch (error) {
    const errors = (error as ValidationErrorLike).errors;
    if (!errors) throw error;
    for (const item of errors) {
      const { pointer, message } = describe(item);
      const key = `${pointer} ${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ field: fieldPath(pointer), message, kind: 'schema' });
    }
  }
  const gaps = knownSchemaGaps[`${apiVersion} ${kind}`] ?? [];
  for (const pointer of unknownFields(visits).filter((p) => !isKnownGap(p, gaps))) {
    problems.push({ field: fieldPath(pointer), message: `unknown field for ${apiVersion} ${kind}`, kind: 'unknown-field' });
  }
  return problems;
}
