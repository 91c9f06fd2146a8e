/** The shape of one `slipway` command: a thin shell that parses arguments and calls actions/lib. */
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
