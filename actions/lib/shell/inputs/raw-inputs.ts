/**
 * The raw values of one verb as either shell hands them over — the action reads `INPUT_*` through
 * @actions/core, the CLI reads its flags with node:util `parseArgs` — and the checks every verb's
 * input module shares. A verb declares its fields once (which action input and which CLI flag
 * carry each) in `inputs/<verb>.ts` and parses them there into a typed object; an error names the
 * input or the flag the user wrote, and says what to give instead.
 */
export type FieldKind = 'text' | 'list' | 'flag';

export interface Field {
  kind: FieldKind;
  /** The action input (action.yml); absent: the action has no such input. */
  input?: string;
  /** The CLI flag (`--name`) or positional (`<name>`); absent: the CLI has no such option. */
  flag?: string;
  /** A list whose entries may also be separated by commas. */
  commas?: boolean;
  /** CLI only: the flag names an environment variable holding the value (a token), this one by default. */
  secretEnv?: string;
}

export type Fields = Record<string, Field>;

export interface RawInputs<F extends Fields> {
  /** Trimmed text; '' when not given. */
  text(field: keyof F & string): string;
  /** Non-empty trimmed entries. */
  list(field: keyof F & string): string[];
  /** undefined when not given. */
  flag(field: keyof F & string): boolean | undefined;
  /** Whether this shell has the field at all. */
  has(field: keyof F & string): boolean;
  /** How the user wrote the field: `input 'images'` or `--set`. */
  label(field: keyof F & string): string;
}

export class InputError extends Error {
  override name = 'InputError';
}

/** Splits a list value: lines, and commas too when the field allows. */
export function splitList(text: string, commas = false): string[] {
  return text
    .split(commas ? /[\n,]/ : /\n/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** The names a Kubernetes Service and our charts allow for a service (DNS-1035 label, at most 63). */
export const serviceName = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A git commit id: 7 to 64 hex characters. */
export const commitId = /^[0-9a-f]{7,64}$/i;

/** A whole commit id (SHA-1): what GITHUB_SHA holds. */
const fullCommitId = /^[0-9a-f]{40}$/i;

/**
 * A release id: the `id` pattern of the release manifest schema (actions/schemas/release-manifest.schema.json,
 * kept equal by inputs.test.ts), e.g. 1a2b3c4-20261122T030000Z.
 */
export const releaseId = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Where a field falls back to when it is not given: a variable of the job (read into ShellContext). */
export interface JobFallback {
  variable: string;
  value: string | undefined;
}

export function required<F extends Fields>(raw: RawInputs<F>, field: keyof F & string, hint = ''): string {
  const value = raw.text(field);
  if (value === '') throw new InputError(`${raw.label(field)} is required${hint ? `: ${hint}` : ''}`);
  return value;
}

/** One of `allowed`; not given: `fallback`, or an error when there is none. */
export function choice<F extends Fields, T extends string>(
  raw: RawInputs<F>,
  field: keyof F & string,
  allowed: readonly T[],
  fallback?: T,
): T {
  const value = raw.text(field) || fallback;
  if (value === undefined) throw new InputError(`${raw.label(field)} is required: one of ${allowed.join(', ')}`);
  if (!(allowed as readonly string[]).includes(value))
    throw new InputError(`${raw.label(field)} must be one of ${allowed.join(', ')}, not '${value}'`);
  return value as T;
}

/** A number checked by `accept`; `rule` says what is accepted (e.g. 'seconds between 1 and 600'). */
export function numberField<F extends Fields>(
  raw: RawInputs<F>,
  field: keyof F & string,
  fallback: number,
  accept: (value: number) => boolean,
  rule: string,
): number {
  const text = raw.text(field);
  if (text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || !accept(value)) throw new InputError(`${raw.label(field)} must be ${rule}, not '${text}'`);
  return value;
}

/** The field's value and its label, else the job's variable and its name; '' when neither is set. */
function givenOrJob<F extends Fields>(
  raw: RawInputs<F>,
  field: keyof F & string,
  fallback: JobFallback | undefined,
): { value: string; label: string } {
  const given = raw.text(field);
  if (given !== '' || !fallback?.value) return { value: given, label: raw.label(field) };
  return { value: fallback.value, label: fallback.variable };
}

/** A commit id (`full`: all 40 hex characters), or '' when not given. */
export function commitField<F extends Fields>(
  raw: RawInputs<F>,
  field: keyof F & string,
  options: { full?: boolean; fallback?: JobFallback } = {},
): string {
  const { value, label } = givenOrJob(raw, field, options.fallback);
  const [pattern, rule] = options.full
    ? [fullCommitId, 'a full commit SHA (40 hex characters)']
    : [commitId, 'a commit SHA (7 to 64 hex characters)'];
  if (value !== '' && !pattern.test(value)) throw new InputError(`${label} must be ${rule}, not '${value}'`);
  return value;
}

/** A text `pattern` matches, or '' when not given; `what` names what it must be (e.g. 'an http(s) URL'). */
export function matchedField<F extends Fields>(raw: RawInputs<F>, field: keyof F & string, pattern: RegExp, what: string): string {
  const value = raw.text(field);
  if (value !== '' && !pattern.test(value)) throw new InputError(`${raw.label(field)} '${value}' is not ${what}`);
  return value;
}

/** A release id, or '' when not given. */
export function releaseIdField<F extends Fields>(raw: RawInputs<F>, field: keyof F & string): string {
  return matchedField(raw, field, releaseId, 'a release id (like 1a2b3c4-20261122T030000Z)');
}

/** A workflow run id (GITHUB_RUN_ID's kind: a positive whole number), or undefined when not given. */
export function runIdField<F extends Fields>(raw: RawInputs<F>, field: keyof F & string, fallback?: JobFallback): number | undefined {
  const { value, label } = givenOrJob(raw, field, fallback);
  if (value === '') return undefined;
  const id = Number(value);
  if (!Number.isSafeInteger(id) || id <= 0) throw new InputError(`${label} '${value}' is not a run id (a positive whole number)`);
  return id;
}

/** A pull request number (a positive whole number), or undefined when not given. */
export function pullRequestNumberField<F extends Fields>(raw: RawInputs<F>, field: keyof F & string): number | undefined {
  const value = matchedField(raw, field, /^[1-9]\d{0,9}$/, 'a pull request number (a positive whole number)');
  return value === '' ? undefined : Number(value);
}

/** An http(s) URL, or '' when not given. */
export function httpUrlField<F extends Fields>(raw: RawInputs<F>, field: keyof F & string): string {
  return matchedField(raw, field, /^https?:\/\/\S+$/, 'an http(s) URL');
}

/** `service=value` entries; `shape` names the value in the error (e.g. 'REPOSITORY:TAG@sha256:…'). */
export function servicePairs<F extends Fields>(
  raw: RawInputs<F>,
  field: keyof F & string,
  shape: string,
): Array<{ service: string; value: string }> {
  return raw.list(field).map((entry) => {
    const equals = entry.indexOf('=');
    const service = entry.slice(0, equals).trim();
    const value = entry.slice(equals + 1).trim();
    if (equals <= 0 || value === '' || !serviceName.test(service))
      throw new InputError(`${raw.label(field)}: '${entry}' is not service=${shape}`);
    return { service, value };
  });
}

/** Turns an error of a library parser into an input error, prefixed with the field's label when given. */
export function naming<T>(label: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof InputError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new InputError(label ? `${label}: ${message}` : message, { cause: error });
  }
}
