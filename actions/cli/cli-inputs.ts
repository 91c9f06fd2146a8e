/**
 * The CLI shell of the input layer: a verb's declared fields (lib/shell/inputs/) read from the
 * command line with node:util parseArgs — `--name` options, `<name>` positionals in order, and
 * `secretEnv` fields whose flag names the environment variable holding the value.
 */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import type { Fields, RawInputs } from '../lib/shell/inputs/raw-inputs.ts';
import { InputError, splitList } from '../lib/shell/inputs/raw-inputs.ts';
import { shellContext } from '../lib/shell/shell-context.ts';
import type { ShellContext } from '../lib/shell/shell-context.ts';
import { githubToken } from './github-context.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

function optionsOf(fields: Fields): Options {
  const options: Options = {};
  for (const field of Object.values(fields)) {
    if (!field.flag?.startsWith('--')) continue;
    const name = field.flag.slice(2);
    options[name] =
      field.kind === 'flag' ? { type: 'boolean' } : field.kind === 'list' ? { type: 'string', multiple: true } : { type: 'string' };
  }
  return options;
}

/** Reads `args` for `fields`; a wrong number of positionals says which are expected. */
export function cliInputs<F extends Fields>(fields: F, args: string[], env: NodeJS.ProcessEnv): RawInputs<F> {
  const { values, positionals } = parseArgs({ args, options: optionsOf(fields), allowPositionals: true, strict: true });
  const positional = Object.entries(fields).filter(([, field]) => field.flag?.startsWith('<'));
  const rest = positional.at(-1)?.[1].flag?.endsWith('...>') === true;
  if (rest ? positionals.length < positional.length - 1 : positionals.length !== positional.length) {
    const names = positional.map(([, field]) => field.flag?.slice(1, -1)).join(' ');
    throw new InputError(positional.length === 0 ? `unexpected argument '${positionals[0] ?? ''}'` : `give exactly one ${names}`);
  }
  const raw = (field: keyof F & string): string | boolean | string[] | undefined => {
    const flag = fields[field]?.flag;
    if (!flag) return undefined;
    if (flag.startsWith('<')) {
      const index = positional.findIndex(([name]) => name === field);
      return flag.endsWith('...>') ? positionals.slice(index) : positionals[index];
    }
    const value = values[flag.slice(2)];
    const secretEnv = fields[field]?.secretEnv;
    return secretEnv ? (env[typeof value === 'string' ? value : secretEnv] ?? '') : (value as string | boolean | string[] | undefined);
  };
  return {
    text: (field) => {
      const value = raw(field);
      return typeof value === 'string' ? value.trim() : '';
    },
    list: (field) => {
      const value = raw(field);
      const entries = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
      return entries.flatMap((entry) => splitList(entry, fields[field]?.commas));
    },
    flag: (field) => {
      const value = raw(field);
      return typeof value === 'boolean' ? value : undefined;
    },
    has: (field) => fields[field]?.flag !== undefined,
    label: (field) => {
      const field_ = fields[field];
      if (field_?.secretEnv) return `$${field_.secretEnv} (${field_.flag})`;
      return field_?.flag ?? field;
    },
  };
}

/**
 * A verb's inputs, read the one way every verb reads them: its fields from `args` (cliInputs), handed
 * to its input-layer parser with the CLI's shell context (the working directory is the workspace) and
 * the GitHub token (githubToken; parsers of verbs that call no API ignore it).
 */
export function verbInputs<F extends Fields, T>(
  fields: F,
  parse: (raw: RawInputs<F>, context: ShellContext, token: string) => T,
  args: string[],
  io: { env: NodeJS.ProcessEnv; cwd: string },
): T {
  return parse(cliInputs(fields, args, io.env), shellContext(io.env, io.cwd, io.cwd), githubToken(io.env));
}
