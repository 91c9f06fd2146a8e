/** Reading parsed YAML or JSON whose shape is not yet known: the one set of helpers the checks share. */
export type Json = Record<string, unknown>;

export function isRecord(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value as a map, or undefined when it is not one (null, a list, a scalar). */
export function record(value: unknown): Json | undefined {
  return isRecord(value) ? value : undefined;
}

/** The value when it is a non-empty string, else undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The value when it is a list, else an empty list. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
