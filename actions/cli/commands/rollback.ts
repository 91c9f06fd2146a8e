import { promote } from '../../lib/promotion/promote.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../command.ts';
import { gitopsUsage, openTarget, parseCommandArgs, pullRequestTarget, reportPromotion } from '../gitops-options.ts';

export const command: Command = {
  summary: 'restore the release an environment ran before its latest promotion (one commit)',
  usage: `slipway rollback <environment> ${gitopsUsage}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {});
    const [environment, ...extra] = positionals;
    if (!environment || extra.length > 0) throw new UsageError('give exactly one environment');
    const pullRequest = pullRequestTarget(values, io);
    const target = await openTarget(values, io);
    try {
      const result = await promote({
        remote: target.remote,
        gitopsPath: target.gitopsPath,
        environment,
        source: { kind: 'rollback' },
        ...(values.approver ? { approver: values.approver } : {}),
        ...(pullRequest ? { pullRequest } : {}),
        log: io.err,
      });
      return reportPromotion(result, io);
    } finally {
      target.close();
    }
  },
};
