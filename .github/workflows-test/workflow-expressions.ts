/**
 * The subset of GitHub's expression language the workflows use, evaluated the way the runner does:
 * `${{ }}` substitution, `if:` conditions, literals, property access and object filters
 * (`labels.*.name`), ! && || == != (GitHub's loose equality), and the functions always, success, failure, cancelled, format, toJSON, startsWith,
 * contains, and hashFiles when the context carries the job's (`hashFiles`, set by the replay of a
 * job with a workspace). Anything else is an error, so a workflow change cannot slip past the replay.
 */
export type Value = string | number | boolean | null | undefined | Record<string, unknown> | unknown[];
export type ExpressionContext = Record<string, unknown>;

export class ReplayError extends Error {
  override name = 'ReplayError';
}

const tokenPattern = /\s*(?:('(?:[^']|'')*')|(\d+(?:\.\d+)?)|(==|!=|&&|\|\||!|\(|\)|,)|([A-Za-z_][\w-]*(?:\.[\w-]+|\.\*|\[[^\]]+\])*))/y;

function truthy(value: Value): boolean {
  return !(value === '' || value === 0 || value === false || value === null || value === undefined);
}

export function asString(value: Value): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

export function lookup(context: ExpressionContext, path: string): Value {
  const parts = path.replace(/\[\s*'([^']*)'\s*\]/g, '.$1').split('.');
  let value: unknown = context;
  // After an object filter (`labels.*.name`) the value is the list of what matched so far.
  let filtered = false;
  const children = (item: unknown): unknown[] =>
    Array.isArray(item) ? item : item !== null && typeof item === 'object' ? Object.values(item) : [];
  for (const part of parts) {
    if (part === '*') {
      value = filtered ? (value as unknown[]).flatMap(children) : children(value);
      filtered = true;
    } else if (filtered) {
      value = (value as unknown[]).flatMap((item) =>
        item !== null && typeof item === 'object' && part in item ? [(item as Record<string, unknown>)[part]] : [],
      );
    } else {
      if (value === null || typeof value !== 'object') return undefined;
      value = (value as Record<string, unknown>)[part];
    }
  }
  return value as Value;
}

/**
 * GitHub's `==`: strings compare ignoring case; values of different types are compared as numbers
 * (null → 0, true → 1, false → 0, a string → its JSON number, '' → 0, anything else → NaN), so a
 * variable that is not set equals ''. (GitHub Docs, "Evaluate expressions in workflows and actions",
 * Operators.)
 */
function looselyEqual(left: Value, right: Value): boolean {
  const a = left ?? null;
  const b = right ?? null;
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b && (typeof a !== 'object' || a === null)) return a === b;
  const number = (value: Value): number => {
    if (value === null || value === undefined) return 0;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value === 'number') return value;
    if (typeof value === 'string')
      return value.trim() === ''
        ? 0
        : /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(value.trim()) || /^0x[0-9a-f]+$/i.test(value.trim())
          ? Number(value.trim())
          : NaN;
    return NaN;
  };
  return number(a) === number(b);
}

/** The expression's tokens: quoted strings, numbers, operators and parentheses, names and property paths. */
function tokenize(expression: string): string[] {
  const tokens: string[] = [];
  tokenPattern.lastIndex = 0;
  let position = 0;
  while (position < expression.length) {
    if (expression.slice(position).trim() === '') break;
    tokenPattern.lastIndex = position;
    const match = tokenPattern.exec(expression);
    if (!match) throw new ReplayError(`cannot read the expression '${expression}' at '${expression.slice(position)}'`);
    tokens.push(match[0].trim());
    position = tokenPattern.lastIndex;
  }
  return tokens;
}

/** The functions the workflows call (the status functions as in a job where every step so far succeeded). */
const functions: Record<string, (...args: Value[]) => Value> = {
  always: () => true,
  success: () => true,
  failure: () => false,
  cancelled: () => false,
  format: (template, ...args) => asString(template).replace(/\{(\d+)\}/g, (_, n: string) => asString(args[Number(n)])),
  toJSON: (value) => JSON.stringify(value ?? null, null, 2),
  startsWith: (text, prefix) => asString(text).toLowerCase().startsWith(asString(prefix).toLowerCase()),
  contains: (text, part) =>
    Array.isArray(text) ? text.includes(part) : asString(text).toLowerCase().includes(asString(part).toLowerCase()),
};

/** A recursive-descent reading of one expression: or → and → comparison → primary. */
class ExpressionReader {
  index = 0;

  constructor(
    private readonly expression: string,
    readonly tokens: string[],
    private readonly context: ExpressionContext,
  ) {}

  private peek(): string | undefined {
    return this.tokens[this.index];
  }

  private next(): string {
    const token = this.tokens[this.index++];
    if (token === undefined) throw new ReplayError(`the expression '${this.expression}' ends too early`);
    return token;
  }

  private call(name: string): Value {
    const call = functions[name] ?? (name === 'hashFiles' ? this.hashFiles() : undefined);
    if (!call) throw new ReplayError(`the replay does not know the function ${name}() (in '${this.expression}')`);
    this.next();
    const args: Value[] = [];
    while (this.peek() !== ')') {
      args.push(this.or());
      if (this.peek() === ',') this.next();
    }
    this.next();
    return call(...args);
  }

  /** hashFiles(), when the context of the replay provides one (it hashes the workspace's files). */
  private hashFiles(): ((...patterns: Value[]) => Value) | undefined {
    const hash = this.context['hashFiles'];
    return typeof hash === 'function' ? (...patterns) => (hash as (patterns: string[]) => string)(patterns.map(asString)) : undefined;
  }

  private primary(): Value {
    const token = this.next();
    if (token === '(') {
      const value = this.or();
      if (this.next() !== ')') throw new ReplayError(`missing ) in '${this.expression}'`);
      return value;
    }
    if (token === '!') return !truthy(this.primary());
    if (token.startsWith("'")) return token.slice(1, -1).replace(/''/g, "'");
    if (/^\d/.test(token)) return Number(token);
    if (token === 'true' || token === 'false') return token === 'true';
    if (token === 'null') return null;
    if (this.peek() === '(') return this.call(token);
    return lookup(this.context, token);
  }

  private comparison(): Value {
    const left = this.primary();
    const operator = this.peek();
    if (operator !== '==' && operator !== '!=') return left;
    this.next();
    const right = this.primary();
    const equal = looselyEqual(left, right);
    return operator === '==' ? equal : !equal;
  }

  /** `a && b && …` or `a || b || …`: each operand read, the value the operator gives (an operand, not a boolean). */
  private chain(operator: '&&' | '||', operand: () => Value): Value {
    let value = operand();
    while (this.peek() === operator) {
      this.next();
      const right = operand();
      // && keeps the first falsy operand, || the first truthy one.
      value = truthy(value) === (operator === '&&') ? right : value;
    }
    return value;
  }

  private and(): Value {
    return this.chain('&&', () => this.comparison());
  }

  or(): Value {
    return this.chain('||', () => this.and());
  }
}

/** Evaluates the text between `${{` and `}}`. */
export function evaluate(expression: string, context: ExpressionContext): Value {
  const reader = new ExpressionReader(expression, tokenize(expression), context);
  const value = reader.or();
  if (reader.index !== reader.tokens.length)
    throw new ReplayError(`cannot read the expression '${expression}' past '${reader.tokens.slice(reader.index).join(' ')}'`);
  return value;
}

/** Replaces every `${{ … }}` in a text with its value. */
export function substitute(text: string, context: ExpressionContext): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, inner: string) => asString(evaluate(inner, context)));
}

/** An `if:` condition (with or without `${{ }}`) as the runner reads it. */
export function condition(text: string | undefined, context: ExpressionContext): boolean {
  if (text === undefined) return true;
  const trimmed = text.trim();
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(trimmed)?.[1] ?? trimmed;
  return truthy(evaluate(inner, context));
}
