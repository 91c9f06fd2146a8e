/**
 * The preview-label verb's inputs (`slipway preview-label expire|cap`): what to do, the repository
 * (github-repository.ts), the job-summary file, and the settings the workflows keep in repository
 * variables. Each setting is its flag, else the job's variable of the same name (the workflows pass
 * `vars.PREVIEW_*` through env), so an error names what the maintainer sets:
 *   expire: --idle-days, else PREVIEW_IDLE_DAYS (whole days, default 3)
 *   cap:    --pull-request (the labelled pull request's number), --cap, else PREVIEW_CAP (a whole
 *           number, default 5), --domain, else PREVIEW_DOMAIN (the DNS name previews are served under)
 * The cap's setting errors are returned (`notSetUp`), not thrown: its step reports them in its
 * `summary` output, which the gate report shows on the pull request.
 */
import type { GitHubRepository } from '../../github/pull-request.ts';
import type { ShellContext } from '../shell-context.ts';
import { githubRepositoryFields, parseGitHubRepository } from './github-repository.ts';
import { previewDefaults } from '../../preview/preview-label.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { choice, InputError, pullRequestNumberField } from './raw-inputs.ts';

export const previewLabelFields = {
  task: { kind: 'text', flag: '<task>' },
  pullRequest: { kind: 'text', flag: '--pull-request' },
  idleDays: { kind: 'text', flag: '--idle-days' },
  cap: { kind: 'text', flag: '--cap' },
  domain: { kind: 'text', flag: '--domain' },
  /** Append the Markdown summary to this file (in a workflow, $GITHUB_STEP_SUMMARY). */
  summaryFile: { kind: 'text', flag: '--summary' },
  ...githubRepositoryFields,
} as const satisfies Record<string, Field>;

type Raw = RawInputs<typeof previewLabelFields>;

/** The job's variables the settings fall back to. */
export type PreviewVariables = Partial<Record<'PREVIEW_IDLE_DAYS' | 'PREVIEW_CAP' | 'PREVIEW_DOMAIN', string>>;

export function previewVariables(env: NodeJS.ProcessEnv): PreviewVariables {
  const { PREVIEW_IDLE_DAYS, PREVIEW_CAP, PREVIEW_DOMAIN } = env;
  return { PREVIEW_IDLE_DAYS, PREVIEW_CAP, PREVIEW_DOMAIN };
}

export type CapSetup = { cap: number; domain: string } | { notSetUp: string };

export type PreviewLabelInputs = { repository: GitHubRepository; summaryFile: string } & (
  { task: 'expire'; idleDays: number } | { task: 'cap'; pullRequest: number; setup: CapSetup }
);

/** What the token must allow. */
const permissions = 'take labels off and comment on pull requests and read their events (permissions: pull-requests: write, issues: read)';

/** A DNS name of two labels or more (e.g. dev.shop.example.com): what goes after pr-<number>. in a preview's URL. */
const dnsName = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** The setting's text and how to name it: the flag when given, else the repository variable. */
function setting(raw: Raw, field: 'idleDays' | 'cap' | 'domain', variables: PreviewVariables) {
  const variable = ({ idleDays: 'PREVIEW_IDLE_DAYS', cap: 'PREVIEW_CAP', domain: 'PREVIEW_DOMAIN' } as const)[field];
  const given = raw.text(field);
  if (given !== '') return { text: given, label: raw.label(field), fix: `give ${raw.label(field)} one` };
  return {
    text: (variables[variable] ?? '').trim(),
    label: `the repository variable ${variable}`,
    fix: `set ${variable} to one, or unset it`,
  };
}

/** A whole number (digits only, as the workflows always took it), or `fallback` when not set. */
function wholeNumber(given: { text: string; label: string; fix: string }, what: string, fallback: number): number {
  if (given.text === '') return fallback;
  const value = Number(given.text);
  if (!/^\d+$/.test(given.text) || !Number.isSafeInteger(value))
    throw new InputError(`${given.label} must be a whole number${what}, not '${given.text}': ${given.fix} (default ${fallback})`);
  return value;
}

function capSetup(raw: Raw, variables: PreviewVariables): CapSetup {
  const domain = setting(raw, 'domain', variables);
  if (domain.text === '')
    return {
      notSetUp: 'set the repository variable PREVIEW_DOMAIN (gitops-repo/README.md, Preview environments)',
    };
  if (!dnsName.test(domain.text))
    return { notSetUp: `${domain.label} must be the DNS name previews are served under (like dev.shop.example.com), not '${domain.text}'` };
  try {
    return { cap: wholeNumber(setting(raw, 'cap', variables), '', previewDefaults.cap), domain: domain.text };
  } catch (error) {
    return { notSetUp: (error as Error).message };
  }
}

export function parsePreviewLabelInputs(raw: Raw, context: ShellContext, token: string, variables: PreviewVariables): PreviewLabelInputs {
  const task = choice(raw, 'task', ['expire', 'cap'] as const);
  const only = task === 'expire' ? (['pullRequest', 'cap', 'domain'] as const) : (['idleDays'] as const);
  for (const field of only) if (raw.text(field) !== '') throw new InputError(`${raw.label(field)} does not go with ${task}`);
  const common = { repository: parseGitHubRepository(raw, context, token, permissions), summaryFile: raw.text('summaryFile') };
  if (task === 'expire')
    return { ...common, task, idleDays: wholeNumber(setting(raw, 'idleDays', variables), ' of days', previewDefaults.idleDays) };
  const number = pullRequestNumberField(raw, 'pullRequest');
  if (number === undefined) throw new InputError(`${raw.label('pullRequest')} is required with cap: the labelled pull request's number`);
  return { ...common, task, pullRequest: number, setup: capSetup(raw, variables) };
}
