/**
 * JSON Schema validation of request bodies and queries (ajv). A failure becomes a 400 problem
 * whose `errors` name each offending field by its JSON path (`items[0].quantity`).
 */
import type { ErrorObject, JSONSchemaType, ValidateFunction } from 'ajv';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FieldError } from './problem.ts';
import { badRequest } from './problem.ts';

const strictAjv = new Ajv({ allErrors: true, strict: true });
addFormats.default(strictAjv);
// Query strings arrive as text: coerce "2" to 2 for schemas that ask for numbers.
const queryAjv = new Ajv({ allErrors: true, strict: true, coerceTypes: true, useDefaults: true });
addFormats.default(queryAjv);

function fieldOf(error: ErrorObject, root: string): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.replace(/~1/g, '/').replace(/~0/g, '~')}`))
    .join('');
  const extra = error.keyword === 'additionalProperties' ? `.${(error.params as { additionalProperty: string }).additionalProperty}` : '';
  const missing = error.keyword === 'required' ? `.${(error.params as { missingProperty: string }).missingProperty}` : '';
  const field = `${path}${extra}${missing}`.replace(/^\./, '');
  return field === '' ? root : field;
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return 'is not a known field; remove it';
    case 'required':
      return 'is required';
    default:
      return error.message ?? 'is invalid';
  }
}

export function toFieldErrors(errors: ErrorObject[] | null | undefined, root: string): FieldError[] {
  return (errors ?? []).map((error) => ({ field: fieldOf(error, root), message: messageOf(error) }));
}

export interface Validator<T> {
  /** Returns the value typed, or throws a 400 problem naming every bad field. */
  (value: unknown): T;
}

function makeValidator<T>(validate: ValidateFunction<T>, where: string): Validator<T> {
  return (value: unknown) => {
    if (validate(value)) return value;
    const errors = toFieldErrors(validate.errors, where);
    throw badRequest(`The request ${where} is invalid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`, errors);
  };
}

export function bodyValidator<T>(schema: JSONSchemaType<T> | object): Validator<T> {
  return makeValidator(strictAjv.compile<T>(schema as JSONSchemaType<T>), 'body');
}

/** Validates (and coerces, and fills defaults into) a copy of the query object. */
export function queryValidator<T>(schema: JSONSchemaType<T> | object): Validator<T> {
  const validate = makeValidator(queryAjv.compile<T>(schema as JSONSchemaType<T>), 'query');
  return (value: unknown) => validate(structuredClone(value));
}

/** A path parameter that must be a positive 32-bit integer id; anything else is a 400 naming it. */
export function idParam(raw: string | undefined, field: string): number {
  const value = Number(raw);
  if (raw === undefined || !/^\d{1,10}$/.test(raw) || value < 1 || value > 2_147_483_647) {
    throw badRequest(`${field} must be a positive whole number, got '${raw ?? ''}'.`, [
      { field, message: 'must be a positive whole number' },
    ]);
  }
  return value;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path parameter that must be a UUID. */
export function uuidParam(raw: string | undefined, field: string): string {
  if (raw === undefined || !UUID.test(raw)) {
    throw badRequest(`${field} must be a UUID, got '${raw ?? ''}'.`, [{ field, message: 'must be a UUID' }]);
  }
  return raw.toLowerCase();
}
