/**
 * Validates a custom resource against the openAPIV3Schema of its CustomResourceDefinition version,
 * for operators whose kinds `kubernetes-models` has no model of (object-schema.ts covers the
 * others). As with the API server's strict field validation, a field the schema does not declare
 * is a finding, except below `x-kubernetes-preserve-unknown-fields: true`.
 *
 * A CRD schema is OpenAPI v3 with Kubernetes extensions, not plain JSON Schema; it is translated:
 * - an object schema with `properties` (and no `additionalProperties`) accepts no other keys;
 * - `x-kubernetes-preserve-unknown-fields: true` keeps the object open;
 * - `x-kubernetes-int-or-string: true` accepts an integer or a string;
 * - `nullable: true` also accepts null;
 * - the other `x-kubernetes-*` keys (list and map types, validations) are left out: they are
 *   the API server's, not shape;
 * - apiVersion, kind and metadata (with a name) are declared at the root, as every object has them.
 */
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { fieldPath } from './finding.ts';
import type { SchemaProblem } from './object-schema.ts';
import { isRecord } from './json-values.ts';
import type { Json } from './json-values.ts';

/** One structural schema node as strict JSON Schema (recursively). */
export function strictJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strictJsonSchema);
  if (!isRecord(node)) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable') continue;
    // Property names and enum values are data, not schemas.
    if (key === 'properties' && isRecord(value))
      out[key] = Object.fromEntries(Object.entries(value).map(([name, child]) => [name, strictJsonSchema(child)]));
    else if (key === 'enum' || key === 'default' || key === 'example') out[key] = value;
    else out[key] = strictJsonSchema(value);
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  const open = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (isRecord(node.properties) && node.additionalProperties === undefined && !open) out.additionalProperties = false;
  return out;
}

/** The schema of a whole object of that kind: the CRD's schema plus apiVersion, kind and metadata. */
function objectSchema(openAPIV3Schema: Json): Json {
  const root = strictJsonSchema(openAPIV3Schema) as Json;
  const properties = isRecord(root.properties) ? root.properties : {};
  return {
    ...root,
    type: 'object',
    required: [...new Set([...(Array.isArray(root.required) ? (root.required as string[]) : []), 'apiVersion', 'kind', 'metadata'])],
    properties: {
      ...properties,
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
    },
    additionalProperties: false,
  };
}

function problemOf(error: ErrorObject, label: string): SchemaProblem {
  if (error.keyword === 'additionalProperties' && typeof error.params.additionalProperty === 'string') {
    const key = error.params.additionalProperty.replace(/~/g, '~0').replace(/\//g, '~1');
    return { field: fieldPath(`${error.instancePath}/${key}`), message: `unknown field for ${label}`, kind: 'unknown-field' };
  }
  if (error.keyword === 'required' && typeof error.params.missingProperty === 'string') {
    return { field: fieldPath(`${error.instancePath}/${error.params.missingProperty}`), message: 'is required', kind: 'schema' };
  }
  return { field: fieldPath(error.instancePath), message: error.message ?? error.keyword, kind: 'schema' };
}

/**
 * A validator for one CRD version: give it the version's `schema.openAPIV3Schema` and a label for
 * messages (e.g. "policy.sigstore.dev/v1alpha1 ClusterImagePolicy"); it returns the problems of an
 * object, [] when it conforms. Throws when the schema itself cannot be compiled.
 */
export function crdValidator(openAPIV3Schema: Json, label: string): (object: unknown) => SchemaProblem[] {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const validate = ajv.compile(objectSchema(openAPIV3Schema));
  return (object) => {
    if (validate(object)) return [];
    // One problem per field: the first thing wrong with it (anyOf branches and a type with an enum
    // would each say it again).
    const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'anyOf' && error.keyword !== 'oneOf');
    const seen = new Set<string>();
    return errors
      .map((error) => problemOf(error, label))
      .filter((problem) => {
        const key = `${problem.field} ${problem.kind}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  };
}
