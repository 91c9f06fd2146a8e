import { parseArgs } from 'node:util';
import { actionsRuns, findReleaseRun, markerRefusal, releaseOfRun } from '../../lib/github/workflow-runs.ts';
import { releaseIdPattern, releaseRuns } from '../../lib/release/release-runs.ts';
import type { ActionsRuns } from '../../lib/github/workflow-runs.ts';
import type { Command, CommandIo } from '../command.ts';
import { UsageError } from '../command.ts';
import { githubRepository } from '../github-context.ts';

export const command: Command = {
  summary:
    'find the Release run (a push of release.yml to main of this repository) that built and verified a release, and read its verified-in-dev marker (soak and SLO figures): exit 1 when prod may not take it; prints key=value lines for GITHUB_OUTPUT (release-run, release-id; with --run: verified-release or skip)',
  usage: 'slipway release-run (--release <release id> | --run <run id>) [--repository owner/name]',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { release: { type: 'string' }, run: { type: 'string' }, repository: { type: 'string' } },
      allowPositionals: false,
      strict: true,
    });
    if (positionals.length > 0 || (values.release === undefined) === (values.run === undefined))
      throw new UsageError('give exactly one of --release and --run');
    const repository = githubRepository(io, values.repository);
    const trusted = releaseRuns(`${repository.owner}/${repository.repo}`);
    const api = actionsRuns(repository);
    if (values.release !== undefined) {
      if (!releaseIdPattern.test(values.release))
        throw new UsageError(`--release '${values.release}' is not a release id (like 1a2b3c4-20261122T030000Z)`);
      const runId = await findReleaseRun(api, values.release, trusted);
      if (!(await eligible(api, values.release, runId, io))) return 1;
      io.err(`release ${values.release}: built and verified in dev by run ${runId} of ${trusted.workflowPath} (push to ${trusted.branch})`);
      io.out(`release-run=${runId}`);
      io.out(`release-id=${values.release}`);
      return 0;
    }
    const runId = Number(values.run);
    if (!Number.isSafeInteger(runId) || runId <= 0) throw new UsageError(`--run '${values.run ?? ''}' is not a run id`);
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
