import { checkRunningReleases, markerRefusal } from '../../lib/github/release-artifacts.ts';
import { actionsRuns, findReleaseRun, listingOnce, releaseOfRun } from '../../lib/github/workflow-runs.ts';
import { defaultYamlLimits } from '../../lib/manifests/yaml-edit.ts';
import { HeadSnapshot } from '../../lib/promotion/landing.ts';
import { environmentImages, environmentPins } from '../../lib/promotion/environment-images.ts';
import { formatImageReference, sameRepository } from '../../lib/release/image-reference.ts';
import { releaseRuns } from '../../lib/release/release-runs.ts';
import type { TrustedRuns } from '../../lib/release/release-runs.ts';
import type { ActionsRuns } from '../../lib/github/workflow-runs.ts';
import { parseReleaseRunInputs, releaseRunFields } from '../../lib/shell/inputs/release-run.ts';
import type { EnvironmentCheck } from '../../lib/shell/inputs/release-run.ts';
import { verbInputs } from '../cli-inputs.ts';
import type { Command, CommandIo } from '../command.ts';
import { UsageError } from '../command.ts';

export const command: Command = {
  summary:
    'find the Release run (a push of release.yml to main of this repository) that built and verified a release, and read its verified-in-dev marker (soak and SLO figures): exit 1 when prod may not take it; prints key=value lines for GITHUB_OUTPUT (release-run, release-id; with --run: verified-release or skip; with --from: checked-images, what the environment runs, every release of it verified in dev)',
  usage:
    'slipway release-run (--release <release id> | --run <run id> | --from <environment> [--to prod] [--gitops-path gitops-repo] [--ref HEAD]) [--repository owner/name]',
  async run(args, io) {
    const inputs = verbInputs(releaseRunFields, parseReleaseRunInputs, args, io);
    const { repository } = inputs;
    const trusted = releaseRuns(`${repository.owner}/${repository.repo}`);
    // Each run's artifacts are listed once: findReleaseRun reads those of the run it finds, and so do the checks after it.
    const api = listingOnce(actionsRuns(repository));
    if ('from' in inputs) return checkEnvironment(api, trusted, inputs.from, io);
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

/**
 * `--from <environment>`: prod (`--to`) may take what the environment runs only when every release
 * its images come from (their promotion trailers, at `ref` of the checkout) passed its dev
 * verification, checked as for `--release`; an image prod already runs brings nothing new and needs
 * no check. Prints `checked-images=service=repository:tag@sha256:…,…` (every image the environment
 * runs): the promote job promotes the environment only while it still runs exactly these (the
 * promote action's `checked-images`), so nothing swapped in during the approval wait goes unchecked.
 */
async function checkEnvironment(api: ActionsRuns, trusted: TrustedRuns, where: EnvironmentCheck, io: CommandIo): Promise<number> {
  const head = await HeadSnapshot.open(io.cwd, where.ref);
  if (!head) throw new UsageError(`--ref ${where.ref} is not a commit in this repository`);
  let images;
  let target;
  try {
    images = await environmentImages(head, where.gitopsPath, where.environment, undefined, defaultYamlLimits);
    target = await environmentPins(head, where.gitopsPath, where.to, defaultYamlLimits);
  } finally {
    head.close();
  }
  if (images.length === 0) {
    io.err(
      `${where.environment} pins no images by digest under ${where.gitopsPath}/environments/${where.environment}: nothing to promote from it`,
    );
    return 1;
  }
  const arriving = images.filter(
    ({ image }) => !target.some((pin) => pin.digest === image.digest && sameRepository(pin.repository, image.repository)),
  );
  const { verified, refusals } = await checkRunningReleases(api, where.environment, arriving, trusted);
  for (const release of verified)
    io.err(
      `${release.services.join(', ')}: release ${release.releaseId}, built and verified in dev by run ${release.runId} of ${trusted.workflowPath}`,
    );
  const already = images.filter((entry) => !arriving.includes(entry)).map((entry) => entry.service);
  if (already.length > 0)
    io.err(`${already.sort().join(', ')}: ${where.to} already runs the image ${where.environment} runs; nothing to check`);
  if (refusals.length > 0) {
    io.err(`${where.to} refuses what ${where.environment} runs now (${head.commit.slice(0, 12)}):`);
    for (const refusal of refusals) io.err(`  ${refusal}`);
    return 1;
  }
  const checked = [...images].sort((a, b) => a.service.localeCompare(b.service));
  io.out(`checked-images=${checked.map(({ service, image }) => `${service}=${formatImageReference(image)}`).join(',')}`);
  return 0;
}
