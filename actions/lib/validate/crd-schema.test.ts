import { describe, expect, it } from 'vitest';
import { crdValidator } from './crd-schema.ts';

// A CRD version's openAPIV3Schema using the Kubernetes extensions the translation handles.
const schema = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['size'],
      properties: {
        size: { type: 'integer' },
        mode: { type: 'string', enum: ['a', 'b'] },
        port: { 'x-kubernetes-int-or-string': true },
        owner: { type: 'string', nullable: true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        items: { type: 'array', 'x-kubernetes-list-type': 'atomic', items: { type: 'object', properties: { name: { type: 'string' } } } },
        extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'string' } } },
      },
    },
    status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  },
};

const object = (spec: Record<string, unknown>) => ({
  apiVersion: 'example.com/v1',
  kind: 'Widget',
  metadata: { name: 'w' },
  spec: { size: 1, ...spec },
});
const validate = crdValidator(schema, 'example.com/v1 Widget');

describe('crdValidator: a CRD openAPIV3Schema, strictly', () => {
  it.each([
    [
      'a conforming object',
      object({ mode: 'a', port: 'http', owner: null, labels: { any: 'x' }, items: [{ name: 'n' }], extra: { known: 'k', anything: [1] } }),
      [],
    ],
    ['an integer where int-or-string is allowed', object({ port: 8080 }), []],
    ['neither integer nor string where int-or-string is allowed', object({ port: true }), [{ field: 'spec.port', kind: 'schema' }]],
    ['null where the schema is not nullable', object({ mode: null }), [{ field: 'spec.mode', kind: 'schema' }]],
    ['a misspelled field', object({ sise: 2 }), [{ field: 'spec.sise', kind: 'unknown-field' }]],
    ['an unknown field inside a list item', object({ items: [{ nmae: 'n' }] }), [{ field: 'spec.items[0].nmae', kind: 'unknown-field' }]],
    ['a wrong type', object({ size: 'big' }), [{ field: 'spec.size', kind: 'schema' }]],
    ['a value outside the enum', object({ mode: 'c' }), [{ field: 'spec.mode', kind: 'schema' }]],
    [
      'a missing required field',
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} },
      [{ field: 'spec.size', kind: 'schema' }],
    ],
    ['a top-level field the CRD does not declare', { ...object({}), data: {} }, [{ field: 'data', kind: 'unknown-field' }]],
    [
      'no metadata.name',
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: {}, spec: { size: 1 } },
      [{ field: 'metadata.name', kind: 'schema' }],
    ],
  ])('%s', (_name, candidate, expected) => {
    expect(validate(candidate).map(({ field, kind }) => ({ field, kind }))).toEqual(expected);
  });

  it('names the kind in an unknown-field message', () => {
    expect(validate(object({ sise: 2 }))[0]?.message).toBe('unknown field for example.com/v1 Widget');
  });
});
