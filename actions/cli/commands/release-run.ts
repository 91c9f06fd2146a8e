import { actionsRuns, findReleaseRun, markerRefusal, releaseOfRun } from '../../lib/github/workflow-runs.ts';
import { releaseRuns } from '../../lib/release/release-runs.ts';
import type { ActionsRuns } from '../../lib/github/workflow-runs.ts';
import { parseReleaseRunInputs, releaseRunFields } from '../../lib/shell/inputs/release-run.ts';
import { shellContext } from '../../lib/shell/shell-context.ts';
import { cliInputs } from '../cli-inputs.ts';
import type { Command, CommandIo } from '../command.ts';
import { githubToken } from '../github-context.ts';

export const command: Command = {
  summary:
    'find the Release run (a push of release.yml to main of this repository) that built and verified a release, and read its verified-in-dev marker (soak and SLO figures): exit 1 when prod may not take it; prints key=value lines for GITHUB_OUTPUT (release-run, release-id; with --run: verified-release or skip)',
  usage: 'slipway release-run (--release <release id> | --run <run id>) [--repository owner/name]',
  async run(args, io) {
    const inputs = parseReleaseRunInputs(
      cliInputs(releaseRunFields, args, io.env),
      shellContext(io.env, io.cwd, io.cwd),
      githubToken(io.env),
    );
    const { repository } = inputs;
    const trusted = releaseRuns(`${repository.owner}/${repository.repo}`);
    const api = actionsRuns(repository);
    if ('releaseId' in inputs) {
      const runId = await findReleaseRun(api, inputs.releaseId, trusted);
      if (!(await eligible(api, inputs.releaseId, runId, io))) return 1;
      io.err(
        `release ${inputs.releaseId}: built and verified in dev by run ${runId} of ${trusted.workflowPath} (push to ${trusted.branch})`,
      );
      io.out(`release-run=${runId}`);
      io.out(`release-id=${inputs.releaseId}`);
      return 0;
    }
    const { runId } = inputs;
    const found = await releaseOfRun(api, runId, trusted);
    if ('refused' in found) {
      io.err(found.refused);
      return 1;
    }
    if ('skip' in found) {
      io.err(found.skip);
      io.out('skip=true');
      return 0;
    }
    if (!(await eligible(api, found.releaseId, runId, io))) return 1;
    io.err(`run ${runId} built and verified release ${found.releaseId} in dev`);
    io.out(`verified-release=${found.releaseId}`);
    return 0;
  },
};

/** Reads the release's verified-in-dev marker from run `runId`; says why prod refuses it, if it does. */
async function eligible(api: ActionsRuns, releaseId: string, runId: number, io: CommandIo): Promise<boolean> {
  const refusal = await markerRefusal(api, releaseId, runId);
  if (refusal === undefined) return true;
  io.err(`prod refuses release ${releaseId} (Release run ${runId}): ${refusal}`);
  return false;
}
