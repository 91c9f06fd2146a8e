/** The slipway CLI: one verb per command; each command is a thin shell over actions/lib. */
export async function main(argv: string[]): Promise<number> {
  const [verb] = argv;
  process.stderr.write(`slipway: unknown command '${verb ?? ''}'. Commands will be listed here.\n`);
  return 2;
}
