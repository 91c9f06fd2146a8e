/** The shape of one `slipway` command: a thin shell that parses arguments and calls actions/lib. */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

export interface CommandIo {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface Command {
  /** One line for `slipway help`. */
  summary: string;
  usage: string;
  /** Returns the exit code. Throwing prints the error message and exits 1. */
  run(args: string[], io: CommandIo): Promise<number>;
}

/** Thrown for wrong arguments: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A command's options and positionals, parsed strictly (an option the command does not know is an error). */
export function parseCommandArgs<const O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  return parseArgs({ args, options, allowPositionals: true, strict: true });
}
