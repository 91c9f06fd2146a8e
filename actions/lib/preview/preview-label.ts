/**
 * The `preview` label's rules (gitops-repo/README.md, "Preview environments"), as pure functions over
 * what GitHub's API says about the open pull requests; `slipway preview-label` (cli/commands/
 * preview-label.ts) reads and writes GitHub around them (lib/github/preview-pulls.ts).
 *
 *   - Housekeeping (previews.yml, hourly): the label comes off a labelled pull request from a fork (no
 *     preview is built for one) and off one idle for the idle timeout: neither its head commit (its
 *     committer date; a rebase renews it) nor the last time the label was added is newer. So adding
 *     the label again brings an idle preview back for that long.
 *   - The cap (pull-request.yml, preview job): the open same-repository pull requests labelled preview,
 *     ranked by when the label was last added (one without a labeled event first), ties by number; the
 *     first `cap` keep their preview, a later one is refused and its label taken off again. So labelling
 *     an older pull request when the cap is full refuses it, not a newer one whose preview runs already.
 *
 * A pull request is from this repository only when its head repository is the base repository: a
 * deleted fork's pull request has no head repository (`head.repo` null) and counts as a fork's.
 */

/** The label that asks for a preview environment. */
export const previewLabel = 'preview';

/**
 * The settings when the repository variables are unset: PREVIEW_IDLE_DAYS (whole days) and
 * PREVIEW_CAP (concurrent previews). infra-repo's ECR lifecycle test holds the preview images'
 * expiry longer than the idle timeout.
 */
export const previewDefaults = { idleDays: 3, cap: 5 } as const;

/** An open pull request as "List pull requests" shows it. */
export interface ListedPull {
  number: number;
  labels: string[];
  /** owner/name of the head branch's repository; null once a fork is deleted. */
  headRepository: string | null;
  baseRepository: string;
  headSha: string;
}

/** A labelled pull request: its number, whether it is from this repository, its head commit. */
export interface LabelledPull {
  number: number;
  sameRepository: boolean;
  headSha: string;
}

/** One of a pull request's issue events ("List issue events"): event, label.name, created_at. */
export interface IssueEventFacts {
  event: string;
  label?: string;
  createdAt: string;
}

/** The listed pull requests labelled preview, in the order listed. */
export function labelledPulls(pulls: readonly ListedPull[]): LabelledPull[] {
  return pulls
    .filter((pull) => pull.labels.includes(previewLabel))
    .map((pull) => ({
      number: pull.number,
      sameRepository: pull.headRepository !== null && pull.headRepository === pull.baseRepository,
      headSha: pull.headSha,
    }));
}

function timeOf(text: string, what: string): number {
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new Error(`${what} '${text}' is not an ISO 8601 time`);
  return time;
}

/** When the label was last added (the latest labeled event of the label preview), or undefined if never. */
export function lastLabelled(events: readonly IssueEventFacts[]): string | undefined {
  let latest: { at: string; time: number } | undefined;
  for (const event of events) {
    if (event.event !== 'labeled' || event.label !== previewLabel) continue;
    const time = timeOf(event.createdAt, 'a labeled event’s created_at');
    if (latest === undefined || time > latest.time) latest = { at: event.createdAt, time };
  }
  return latest?.at;
}

// ---- housekeeping ------------------------------------------------------------------------------

export const forkReason =
  "this pull request comes from a fork, and previews are built only for pull requests from this repository (their images go to the dev registry with this repository's credentials). A maintainer can push the branch here to get one.";

export function idleReason(days: number, idleDays: number): string {
  return `no push and no new label for ${days} days (the idle timeout is ${idleDays} days, PREVIEW_IDLE_DAYS). Push to the branch or add the label again to bring it back.`;
}

/**
 * What housekeeping does with one labelled pull request; `since` is undefined when neither time is
 * known (a commit without committer data, no labeled event): it is kept, never guessed idle.
 */
export type Housekeeping = { keep: true; since: string | undefined } | { keep: false; reason: string };

/**
 * A same-repository pull request's fate: idle since the later of its last push and the label's last
 * adding, counted in whole days (rounded down) up to `now`; kept while that is under `idleDays`.
 */
export function idleDecision(
  times: { pushedAt: string | undefined; labelledAt: string | undefined },
  now: Date,
  idleDays: number,
): Housekeeping {
  const known = [times.pushedAt, times.labelledAt].filter((time): time is string => time !== undefined);
  if (known.length === 0) return { keep: true, since: undefined };
  const since = known.reduce((later, time) => (timeOf(time, 'time') > timeOf(later, 'time') ? time : later));
  const seconds = Math.floor(now.getTime() / 1000) - Math.floor(timeOf(since, 'time') / 1000);
  const days = Math.trunc(seconds / 86_400);
  return days < idleDays ? { keep: true, since } : { keep: false, reason: idleReason(days, idleDays) };
}

/** A fork's pull request always loses the label. */
export function forkDecision(): Housekeeping {
  return { keep: false, reason: forkReason };
}

/** The comment posted on a pull request whose label housekeeping took off. */
export function housekeepingComment(reason: string): string {
  return `No preview environment: ${reason}`;
}

/** The job summary's lines. */
export const housekeepingSummary = {
  heading: (idleDays: number): string => `### Preview housekeeping (idle timeout ${idleDays} days)`,
  none: 'No open pull request is labelled preview.',
  kept: (number: number, since: string | undefined): string =>
    since === undefined
      ? `- #${number}: kept (neither the head commit's committer date nor a labeled event is known: cannot tell how long it is idle)`
      : `- #${number}: kept (last push or label ${since})`,
  offAlready: (number: number): string => `- #${number}: the label was off already (taken off since the list was read); no comment`,
  takenOff: (number: number, reason: string): string => `- #${number}: label taken off: ${reason}`,
};

// ---- the cap -----------------------------------------------------------------------------------

/** The labelled same-repository pull requests in the order they keep their previews: by the label's last adding (never first), then number. */
export function rankPreviews(pulls: readonly { number: number; labelledAt: string | undefined }[]): number[] {
  const time = (at: string | undefined): number =>
    at === undefined ? Number.NEGATIVE_INFINITY : timeOf(at, 'a labeled event’s created_at');
  return [...pulls].sort((a, b) => time(a.labelledAt) - time(b.labelledAt) || a.number - b.number).map((pull) => pull.number);
}

export type CapDecision =
  /** The pull request is not (any more) among the labelled ones. */
  | { kind: 'gone' }
  | { kind: 'within' }
  /** Over the cap: the pull requests labelled before it that keep their previews. */
  | { kind: 'over'; running: number[] };

export function capDecision(ranked: readonly number[], number: number, cap: number): CapDecision {
  const position = ranked.indexOf(number) + 1;
  if (position === 0) return { kind: 'gone' };
  return position <= cap ? { kind: 'within' } : { kind: 'over', running: ranked.slice(0, cap) };
}

export const labelGone = 'none: the label preview was taken off since this run started';

/** Why a pull request over the cap gets no preview; `takenOff`: this run took the label off (else it was off already). */
export function refusedText(cap: number, running: readonly number[], takenOff: boolean): string {
  const before = running.length > 0 ? running.map((number) => `#${number}`).join(' ') : 'none';
  const label = takenOff ? 'the label was taken off' : 'the label was off already';
  return `refused: ${cap} previews are running already (the cap, PREVIEW_CAP; labelled before this one: ${before}); ${label}, add it again when one closes`;
}

/** Where the previews ApplicationSet serves pull request `number`'s preview. */
export function previewUrl(number: number, domain: string): string {
  return `http://pr-${number}.${domain}`;
}
