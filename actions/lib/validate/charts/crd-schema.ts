/**
 * Custom resources checked against the CustomResourceDefinition the tree installs, as the API
 * server checks them (apiextensions.k8s.io/v1, Kubernetes 1.34 "Specifying a structural
 * schema"): the version must be served; the object must match `schema.openAPIV3Schema`; and,
 * as with strict field validation, a field the schema does not declare is an error unless the
 * schema preserves unknown fields there (`x-kubernetes-preserve-unknown-fields`). Embedded
 * resources (`x-kubernetes-embedded-resource`) may carry apiVersion, kind and metadata;
 * `nullable` allows null. CEL rules (`x-kubernetes-validations`) and formats are not checked.
 */
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { fieldPath } from '../finding.ts';
import type { SchemaProblem } from '../object-schema.ts';
import { splitApiVersion } from '../object-schema.ts';
import { record } from '../json-values.ts';
import type { Json } from '../json-values.ts';

/** `group/Kind` of the objects a CRD defines, or undefined for objects that are not CRDs. */
export function crdKey(object: Json): string | undefined {
  if (object.kind !== 'CustomResourceDefinition' || !String(object.apiVersion ?? '').startsWith('apiextensions.k8s.io/')) return undefined;
  const spec = record(object.spec);
  const kind = record(spec?.names)?.kind;
  return typeof spec?.group === 'string' && typeof kind === 'string' ? `${spec.group}/${kind}` : undefined;
}

/** `group/Kind` of any object. */
export function kindKey(object: Json): string {
  return `${splitApiVersion(String(object.apiVersion ?? '')).group}/${String(object.kind ?? '')}`;
}

/** The `group/version` every CRD among `objects` serves (what `helm template --api-versions` takes). */
export function servedApiVersions(objects: Json[]): string[] {
  const versions = new Set<string>();
  for (const object of objects) {
    if (!crdKey(object)) continue;
    const spec = record(object.spec) ?? {};
    for (const version of Array.isArray(spec.versions) ? spec.versions : []) {
      const entry = record(version);
      if (entry?.served !== false && typeof entry?.name === 'string') versions.add(`${String(spec.group)}/${entry.name}`);
    }
  }
  return [...versions].sort();
}

/** The Kubernetes structural schema as JSON Schema for ajv (strict about undeclared fields). */
export function strictSchema(schema: unknown, root = true): unknown {
  if (Array.isArray(schema)) return schema.map((item) => strictSchema(item, false));
  const node = record(schema);
  if (!node) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries(record(value) ?? {}).map(([name, child]) => [name, strictSchema(child, false)]));
    } else if (key.startsWith('x-kubernetes-') || key === 'nullable' || key === 'format') continue;
    else out[key] = typeof value === 'object' ? strictSchema(value, false) : value;
  }
  if (node.nullable === true && typeof node.type === 'string') out.type = [node.type, 'null'];
  const properties = record(out.properties);
  if (node['x-kubernetes-embedded-resource'] === true || root) {
    out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...properties };
  }
  if (record(out.properties) && out.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true)
    out.additionalProperties = false;
  return out;
}

const compiled = new WeakMap<Json, Map<string, ValidateFunction>>();
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, logger: false });

function validatorFor(crd: Json, version: string): ValidateFunction | undefined {
  let versions = compiled.get(crd);
  if (!versions) compiled.set(crd, (versions = new Map()));
  const existing = versions.get(version);
  if (existing) return existing;
  const entry = (Array.isArray(record(crd.spec)?.versions) ? (record(crd.spec)?.versions as unknown[]) : [])
    .map(record)
    .find((candidate) => candidate?.name === version);
  const schema = record(record(entry?.schema)?.openAPIV3Schema);
  if (!schema) return undefined;
  const validate = ajv.compile(strictSchema(schema) as Json);
  versions.set(version, validate);
  return validate;
}

/** Problems of one custom resource against its CRD. */
export function validateCustomResource(object: Json, crd: Json): SchemaProblem[] {
  const { version } = splitApiVersion(String(object.apiVersion ?? ''));
  const spec = record(crd.spec) ?? {};
  const served = (Array.isArray(spec.versions) ? spec.versions : [])
    .map(record)
    .filter((entry) => entry?.served !== false)
    .map((entry) => String(entry?.name));
  if (!served.includes(version)) {
    return [
      {
        field: 'apiVersion',
        message: `the CRD ${String(record(crd.metadata)?.name ?? '')} serves ${served.map((name) => `${String(spec.group)}/${name}`).join(', ') || 'no version'}, not ${String(object.apiVersion)}`,
        kind: 'unknown-kind',
      },
    ];
  }
  const validate = validatorFor(crd, version);
  if (!validate || validate({ ...object, metadata: record(object.metadata) ?? {} })) return [];
  return (validate.errors ?? []).map((error) => {
    if (error.keyword === 'additionalProperties') {
      const pointer = `${error.instancePath}/${String(error.params.additionalProperty)}`;
      return {
        field: fieldPath(pointer),
        message: `unknown field for ${String(object.apiVersion)} ${String(object.kind)} (its CRD)`,
        kind: 'unknown-field' as const,
      };
    }
    if (error.keyword === 'required')
      return {
        field: fieldPath(`${error.instancePath}/${String(error.params.missingProperty)}`),
        message: 'is required',
        kind: 'schema' as const,
      };
    return { field: fieldPath(error.instancePath), message: error.message ?? error.keyword, kind: 'schema' as const };
  });
}
