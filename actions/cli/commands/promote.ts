/** `slipway promote`: reads its flags (lib/shell/inputs/promote.ts, shared with the promote action), promotes, prints the result. */
import { parsePromoteInputs, promoteFields } from '../../lib/shell/inputs/promote.ts';
import { landPromotion } from '../../lib/shell/land-promotion.ts';
import { verbInputs } from '../cli-inputs.ts';
import type { Command } from '../command.ts';
import { gitopsUsage, reportPromotion } from '../gitops-options.ts';

export const command: Command = {
  summary: "promote a release manifest, explicit images, or another environment's exact digests into an environment",
  usage: `slipway promote <environment> (--release FILE | --set SERVICE=REPOSITORY:TAG@sha256:… … [--source-commit SHA] | --from ENVIRONMENT) [--service NAME …] [--dry-run] ${gitopsUsage}`,
  async run(args, io) {
    const inputs = verbInputs(promoteFields, parsePromoteInputs, args, io);
    const result = await landPromotion(inputs, { source: inputs.source, ...(inputs.dryRun ? { dryRun: true } : {}), log: io.err });
    if (!inputs.dryRun) return reportPromotion(result, io);
    io.out(result.diff ? result.diff.trimEnd() : `${inputs.environment}: nothing to change`);
    for (const skipped of result.plan.skipped) io.out(`${skipped.service}: skipped — ${skipped.reason}`);
    return 0;
  },
};
