/**
 * `slipway preview-label`: the preview label's housekeeping (`expire`, previews.yml) and the cap on
 * concurrent previews (`cap`, pull-request.yml's preview job). The rules are lib/preview/preview-label.ts;
 * this shell lists the open pull requests (every page), reads head commits and issue events, takes the
 * label off (one already gone counts as off) and comments, through lib/github/preview-pulls.ts. It
 * prints `key=value` lines for GITHUB_OUTPUT on stdout (cap: `url`, or `summary` saying why there is no
 * preview), appends Markdown to the --summary file, and logs to stderr.
 */
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { previewPullsApi } from '../../lib/github/preview-pulls.ts';
import type { PreviewPullsApi } from '../../lib/github/preview-pulls.ts';
import {
  capDecision,
  forkDecision,
  housekeepingComment,
  housekeepingSummary,
  idleDecision,
  labelGone,
  labelledPulls,
  lastLabelled,
  previewLabel,
  previewUrl,
  rankPreviews,
  refusedText,
} from '../../lib/preview/preview-label.ts';
import type { Housekeeping, LabelledPull } from '../../lib/preview/preview-label.ts';
import { parsePreviewLabelInputs, previewLabelFields, previewVariables } from '../../lib/shell/inputs/preview-label.ts';
import type { CapSetup } from '../../lib/shell/inputs/preview-label.ts';
import { verbInputs } from '../cli-inputs.ts';
import type { Command, CommandIo } from '../command.ts';

export const command: Command = {
  summary:
    "the preview label's rules: expire takes it off forks' and idle pull requests with a comment why (PREVIEW_IDLE_DAYS); cap lets the first PREVIEW_CAP labelled pull requests of this repository (by when the label was last added) keep their previews and takes it off a later one, printing url= or summary= for GITHUB_OUTPUT",
  usage:
    'slipway preview-label expire [--idle-days N] [--summary FILE] [--repository owner/name]\n' +
    '       slipway preview-label cap --pull-request N [--cap N] [--domain DNS-NAME] [--summary FILE] [--repository owner/name]\n' +
    '(--idle-days, --cap and --domain default to the variables PREVIEW_IDLE_DAYS, PREVIEW_CAP and PREVIEW_DOMAIN)',
  async run(args, io) {
    const inputs = verbInputs(
      previewLabelFields,
      (raw, context, token) => parsePreviewLabelInputs(raw, context, token, previewVariables(io.env)),
      args,
      io,
    );
    const summary = (line: string): void => {
      if (inputs.summaryFile) appendFileSync(resolve(io.cwd, inputs.summaryFile), `${line}\n`);
    };
    const api = previewPullsApi(inputs.repository);
    if (inputs.task === 'expire') return expire(api, inputs.idleDays, summary, io);
    return cap(api, inputs.pullRequest, inputs.setup, summary, io);
  },
};

/** Takes the label off; 'absent' when it was off already. Any other answer stops the command. */
async function takeOff(api: PreviewPullsApi, number: number): Promise<'removed' | 'absent'> {
  try {
    return await api.removeLabel(number, previewLabel);
  } catch (error) {
    throw new Error(`taking the label ${previewLabel} off #${number}: ${(error as Error).message}`, { cause: error });
  }
}

async function housekeeping(api: PreviewPullsApi, pull: LabelledPull, idleDays: number, now: Date): Promise<Housekeeping> {
  if (!pull.sameRepository) return forkDecision();
  const pushedAt = await api.committedAt(pull.headSha);
  const labelledAt = lastLabelled(await api.issueEvents(pull.number));
  try {
    return idleDecision({ pushedAt, labelledAt }, now, idleDays);
  } catch (error) {
    throw new Error(`#${pull.number} (head ${pull.headSha}): ${(error as Error).message}`, { cause: error });
  }
}

async function expire(api: PreviewPullsApi, idleDays: number, summary: (line: string) => void, io: CommandIo): Promise<number> {
  const now = new Date();
  const report = (line: string): void => {
    summary(line);
    io.err(line);
  };
  const labelled = labelledPulls(await api.openPulls());
  report(housekeepingSummary.heading(idleDays));
  if (labelled.length === 0) report(housekeepingSummary.none);
  for (const pull of labelled) {
    const decision = await housekeeping(api, pull, idleDays, now);
    if (decision.keep) {
      report(housekeepingSummary.kept(pull.number, decision.since));
      continue;
    }
    // Someone may have taken the label off since the list was read: then nothing to do or say.
    if ((await takeOff(api, pull.number)) === 'absent') {
      report(housekeepingSummary.offAlready(pull.number));
      continue;
    }
    await api.comment(pull.number, housekeepingComment(decision.reason));
    report(housekeepingSummary.takenOff(pull.number, decision.reason));
  }
  return 0;
}

async function cap(api: PreviewPullsApi, number: number, setup: CapSetup, summary: (line: string) => void, io: CommandIo): Promise<number> {
  const stop = (text: string): number => {
    io.out(`summary=${text}`);
    io.err(`preview of #${number}: ${text}`);
    return 1;
  };
  if ('notSetUp' in setup) return stop(`not set up: ${setup.notSetUp}`);
  const labelled = labelledPulls(await api.openPulls()).filter((pull) => pull.sameRepository);
  const times: { number: number; labelledAt: string | undefined }[] = [];
  for (const pull of labelled) times.push({ number: pull.number, labelledAt: lastLabelled(await api.issueEvents(pull.number)) });
  const decision = capDecision(rankPreviews(times), number, setup.cap);
  if (decision.kind === 'gone') return stop(labelGone);
  if (decision.kind === 'over') {
    const text = refusedText(setup.cap, decision.running, (await takeOff(api, number)) === 'removed');
    summary(`Preview: ${text}`);
    return stop(text);
  }
  const url = previewUrl(number, setup.domain);
  io.out(`url=${url}`);
  io.err(`preview of #${number}: within the cap of ${setup.cap} (PREVIEW_CAP): ${url}`);
  return 0;
}
