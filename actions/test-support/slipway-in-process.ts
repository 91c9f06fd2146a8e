/**
 * Test support: a `slipway` command run in the test's own process (cli/main.ts), with the
 * environment it is given (nothing of the test's), its output lines collected and its exit code.
 */
import type { CommandIo } from '../cli/command.ts';
import { main } from '../cli/main.ts';

export interface SlipwayRun {
  code: number;
  out: string[];
  err: string[];
}

export async function slipwayInProcess(args: string[], env: NodeJS.ProcessEnv, cwd = process.cwd()): Promise<SlipwayRun> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { cwd, env, out: (line) => out.push(line), err: (line) => err.push(line) };
  return { code: await main(args, io), out, err };
}
