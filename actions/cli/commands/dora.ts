/** `slipway dora`: the delivery metrics of every environment, from the GitOps history (lib/delivery/). */
import { deliveryMetrics } from '../../lib/delivery/delivery-history.ts';
import { doraWindow, formatDoraReport } from '../../lib/delivery/dora-report.ts';
import { repositoryPath } from '../../lib/shell/workspace-paths.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs, UsageError } from '../command.ts';

export const command: Command = {
  summary: 'deployment frequency, lead time, change failure rate and time to restore per environment, from the GitOps history',
  usage: 'slipway dora [--since 90d|2025-01-01] [--until 2025-03-31] [--gitops-path gitops-repo] [--ref HEAD] [--json]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      since: { type: 'string', default: '90d' },
      until: { type: 'string' },
      'gitops-path': { type: 'string', default: 'gitops-repo' },
      ref: { type: 'string', default: 'HEAD' },
      json: { type: 'boolean', default: false },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] ?? ''}'`);
    let window;
    try {
      window = doraWindow(values.since, values.until, new Date());
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const gitopsPath = repositoryPath(values['gitops-path'], '--gitops-path');
    const report = await deliveryMetrics(io.cwd, values.ref, gitopsPath, window);
    if (values.json) io.out(JSON.stringify({ since: window.since.toISOString(), until: window.until.toISOString(), ...report }, null, 2));
    else io.out(formatDoraReport(window, report.head, report.metrics));
    return 0;
  },
};
