/**
 * `slipway deployment-status`: reads its flags (lib/shell/inputs/deployment-status.ts) and records the
 * verification's outcome on the job's GitHub deployment; an API problem is a warning, never a failure.
 */
import { deploymentsApi, recordDeployment } from '../../lib/github/deployments.ts';
import { deploymentStatusFields, parseDeploymentStatusInputs } from '../../lib/shell/inputs/deployment-status.ts';
import { verbInputs } from '../cli-inputs.ts';
import type { Command } from '../command.ts';

export const command: Command = {
  summary:
    "give this job's GitHub deployment (the one GitHub made for its environment) the release, the GitOps commit and the shop's URL, as success or failure by the verification's outcome; mark the deployments it superseded inactive. Never fails the job for the record: a lookup or API problem is a warning",
  usage:
    'slipway deployment-status --environment <GitHub environment> --release <id> --gitops-commit <sha> --verification <success|failure|cancelled> [--rollback] [--url <shop URL>] [--run <run id>] [--sha <commit>] [--repository owner/name]',
  async run(args, io) {
    const { repository, request } = verbInputs(deploymentStatusFields, parseDeploymentStatusInputs, args, io);
    const { environment } = request;
    // The record never decides the job's outcome (the verification does): problems are warnings.
    try {
      const result = await recordDeployment(deploymentsApi(repository), request);
      if ('notFound' in result) {
        io.out(`::warning::deployment record not updated: ${result.notFound}`);
        return 0;
      }
      io.out(`deployment ${result.recorded.id} (${environment}): ${request.verified ? 'success' : 'failure'}, "${result.description}"`);
      for (const superseded of result.inactivated) io.out(`deployment ${superseded.id} (${environment}): inactive, superseded`);
      return 0;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      io.out(
        `::warning::deployment record of ${environment} not updated (${message}): the job needs permissions: deployments: write, and the API must answer`,
      );
      return 0;
    }
  },
};
