/** The slipway CLI: one verb per command module in ./commands; each is a thin shell over actions/lib. */
import type { Command, CommandIo } from './command.ts';
import { UsageError } from './command.ts';
import { InputError } from '../lib/shell/inputs/raw-inputs.ts';
import actionsPackage from '../package.json' with { type: 'json' };

/** Add a command: one file in ./commands and one line here. */
const commands: Record<string, () => Promise<{ command: Command }>> = {
  promote: () => import('./commands/promote.ts'),
  rollback: () => import('./commands/rollback.ts'),
  diff: () => import('./commands/diff.ts'),
  evidence: () => import('./commands/evidence.ts'),
  dora: () => import('./commands/dora.ts'),
  'set-image': () => import('./commands/set-image.ts'),
  validate: () => import('./commands/validate.ts'),
  verify: () => import('./commands/verify.ts'),
  'scan-policy': () => import('./commands/scan-policy.ts'),
  'changed-services': () => import('./commands/changed-services.ts'),
  'release-run': () => import('./commands/release-run.ts'),
  'pending-rollback': () => import('./commands/pending-rollback.ts'),
  'deployment-status': () => import('./commands/deployment-status.ts'),
  'verify-provenance': () => import('./commands/verify-provenance.ts'),
  'preview-label': () => import('./commands/preview-label.ts'),
};

async function help(io: CommandIo): Promise<void> {
  io.out('usage: slipway <command> [options]\n');
  const width = Math.max(...Object.keys(commands).map((verb) => verb.length));
  for (const [verb, load] of Object.entries(commands)) {
    const { command } = await load();
    io.out(`  ${verb.padEnd(width)}  ${command.summary}`);
  }
  io.out("\nslipway <command> --help shows a command's options.");
}

export async function main(argv: string[], io: CommandIo = defaultIo()): Promise<number> {
  const [verb, ...args] = argv;
  if (verb === '--version' || verb === 'version') {
    io.out(`slipway ${actionsPackage.version}`);
    return 0;
  }
  if (verb === undefined || verb === 'help' || verb === '--help' || verb === '-h') {
    await help(io);
    return verb === undefined ? 2 : 0;
  }
  const load = commands[verb];
  if (!load) {
    io.err(`slipway: unknown command '${verb}'. Commands: ${Object.keys(commands).join(', ')}.`);
    return 2;
  }
  const { command } = await load();
  if (args.includes('--help') || args.includes('-h')) {
    io.out(`${command.summary}\n\nusage: ${command.usage}`);
    return 0;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError || error instanceof InputError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`slipway ${verb}: ${message}\nusage: ${command.usage}`);
      return 2;
    }
    io.err(`slipway ${verb}: ${message}`);
    return 1;
  }
}

function defaultIo(): CommandIo {
  return {
    cwd: process.cwd(),
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
}
