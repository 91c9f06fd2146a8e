import { actionsRuns, unfinishedRollbacks } from '../../lib/github/workflow-runs.ts';
import { rollbackRuns, rollbackRunName } from '../../lib/release/release-runs.ts';
import { parsePendingRollbackInputs, pendingRollbackFields } from '../../lib/shell/inputs/pending-rollback.ts';
import { verbInputs } from '../cli-inputs.ts';
import type { Command } from '../command.ts';

export const command: Command = {
  summary:
    'fail when a rollback of the environment is waiting, queued or running (rollback.yml runs named "Rollback <environment>"), so a promotion never writes ahead of it',
  usage: 'slipway pending-rollback <environment> [--repository owner/name]',
  async run(args, io) {
    const { repository, environment } = verbInputs(pendingRollbackFields, parsePendingRollbackInputs, args, io);
    const trusted = rollbackRuns(`${repository.owner}/${repository.repo}`);
    const pending = await unfinishedRollbacks(actionsRuns(repository), environment, trusted);
    if (pending.length === 0) {
      io.out(`no "${rollbackRunName(environment)}" run is waiting, queued or running`);
      return 0;
    }
    io.err(
      `a rollback of ${environment} has not finished (${pending.map((run) => `run ${run.id}: ${run.status ?? 'unknown'}`).join(', ')}): this promotion writes nothing, so the rollback is not overtaken. Approve or reject the rollback, then run the promotion again.`,
    );
    return 1;
  },
};
