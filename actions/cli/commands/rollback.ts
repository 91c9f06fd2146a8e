/** `slipway rollback`: the landing flags (lib/shell/inputs/promote.ts), a promotion whose source is the environment's previous release. */
import { landingFields, parseRollbackInputs } from '../../lib/shell/inputs/promote.ts';
import { landPromotion } from '../../lib/shell/land-promotion.ts';
import { verbInputs } from '../cli-inputs.ts';
import type { Command } from '../command.ts';
import { gitopsUsage, reportPromotion } from '../gitops-options.ts';

export const command: Command = {
  summary: 'restore the release an environment ran before its latest promotion (one commit)',
  usage: `slipway rollback <environment> ${gitopsUsage}`,
  async run(args, io) {
    const inputs = verbInputs(landingFields, parseRollbackInputs, args, io);
    return reportPromotion(await landPromotion(inputs, { source: inputs.source, log: io.err }), io);
  },
};
