/**
 * The promote verb's inputs, shared by the promote action and `slipway promote` / `slipway rollback`:
 * what to promote (exactly one of a release manifest, `service=repository:tag@sha256:…` images,
 * another environment, or a rollback), where it lands, how (commit or pull request), who approved
 * it, and the provenance check (action only).
 */
import { readFileSync } from 'node:fs';
import type { GitopsTargetOptions } from '../../promotion/gitops-target.ts';
import type { PromotionSource } from '../../promotion/promote.ts';
import { parseRepositoryName } from '../../github/pull-request.ts';
import type { GitHubRepository } from '../../github/pull-request.ts';
import { parsePinnedImage } from '../../release/image-reference.ts';
import { parseReleaseManifest } from '../../release/release-manifest.ts';
import type { ShellContext } from '../shell-context.ts';
import { insideRoot } from '../workspace-paths.ts';
import { gitopsTargetFields, parseGitopsTarget } from './gitops-target.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { commitField, InputError, naming, numberField, required, servicePairs } from './raw-inputs.ts';

/** Where and how a promotion or rollback lands. */
export const landingFields = {
  environment: { kind: 'text', input: 'environment', flag: '<environment>' },
  ...gitopsTargetFields,
  approver: { kind: 'text', input: 'approver', flag: '--approver' },
  mode: { kind: 'text', input: 'mode' },
  pullRequest: { kind: 'flag', flag: '--pull-request' },
  githubRepository: { kind: 'text', flag: '--github-repository' },
  maxAttempts: { kind: 'text', input: 'max-attempts' },
} as const satisfies Record<string, Field>;

export const promoteFields = {
  ...landingFields,
  release: { kind: 'text', input: 'release-manifest', flag: '--release' },
  images: { kind: 'list', input: 'images', flag: '--set' },
  from: { kind: 'text', input: 'from-environment', flag: '--from' },
  checkedImages: { kind: 'list', input: 'checked-images', flag: '--checked-image', commas: true },
  rollback: { kind: 'flag', input: 'rollback' },
  services: { kind: 'list', input: 'services', flag: '--service', commas: true },
  sourceCommit: { kind: 'text', flag: '--source-commit' },
  dryRun: { kind: 'flag', flag: '--dry-run' },
  githubToken: { kind: 'text', input: 'github-token' },
  requireProvenance: { kind: 'flag', input: 'require-provenance' },
  trustedRoot: { kind: 'text', input: 'trusted-root' },
  evidence: { kind: 'text', input: 'evidence' },
} as const satisfies Record<string, Field>;

export interface LandingInputs {
  environment: string;
  target: GitopsTargetOptions;
  /** '' when not given (the action then asks who approved the run). */
  approver: string;
  /** `evidence`: the reviewer's evidence Markdown (slipway evidence), put at the head of the pull request. */
  pullRequest?: { repository: GitHubRepository; evidence?: string };
  maxAttempts: number;
}

export type ProvenanceInputs = { required: false } | { required: true; trustedRootFile?: string };

export interface PromoteInputs extends LandingInputs {
  source: PromotionSource;
  dryRun: boolean;
  /** The token for this repository's API (approvals, attestations); '' when not given. */
  githubToken: string;
  provenance: ProvenanceInputs;
}

function pullRequestTarget(raw: RawInputs<typeof landingFields>, context: ShellContext): LandingInputs['pullRequest'] {
  const mode = raw.text('mode') || 'commit';
  if (mode !== 'commit' && mode !== 'pull-request')
    throw new InputError(`${raw.label('mode')} must be commit or pull-request, not '${mode}'`);
  if (mode !== 'pull-request' && !raw.flag('pullRequest')) return undefined;
  const asked = mode === 'pull-request' ? `${raw.label('mode')} pull-request` : raw.label('pullRequest');
  const where = raw.text('githubRepository') ? 'githubRepository' : 'gitopsRepository';
  const name = raw.text(where) || context.repository || '';
  if (name === '')
    throw new InputError(
      `${asked} needs ${raw.label(raw.has('githubRepository') ? 'githubRepository' : 'gitopsRepository')} owner/name (or GITHUB_REPOSITORY)`,
    );
  const token = raw.text('token');
  if (token === '') throw new InputError(`${asked} needs a token: ${raw.label('token')} is empty`);
  const repository = naming(raw.label(where), () => parseRepositoryName(name, 'repository'));
  return { repository: { ...repository, token, ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}) } };
}

export function parseLandingInputs(raw: RawInputs<typeof landingFields>, context: ShellContext): LandingInputs {
  const pullRequest = pullRequestTarget(raw, context);
  return {
    environment: required(raw, 'environment'),
    target: parseGitopsTarget(raw, context),
    approver: raw.text('approver'),
    ...(pullRequest ? { pullRequest } : {}),
    maxAttempts: numberField(
      raw,
      'maxAttempts',
      25,
      (value) => Number.isInteger(value) && value >= 1 && value <= 100,
      'a whole number from 1 to 100',
    ),
  };
}

/** The source fields this shell has (`kinds`) and those given a value (`given`). */
export function sourceFields(raw: RawInputs<typeof promoteFields>): {
  kinds: ('release' | 'images' | 'from' | 'rollback')[];
  given: ('release' | 'images' | 'from' | 'rollback')[];
} {
  const kinds = (['release', 'images', 'from', 'rollback'] as const).filter((field) => raw.has(field));
  const given = kinds.filter((field) =>
    field === 'rollback' ? raw.flag(field) === true : field === 'images' ? raw.list(field).length > 0 : raw.text(field) !== '',
  );
  return { kinds, given };
}

function promotionSource(raw: RawInputs<typeof promoteFields>, context: ShellContext): PromotionSource {
  const services = raw.list('services');
  const only = services.length > 0 ? { services } : {};
  const { kinds, given } = sourceFields(raw);
  if (given.length !== 1) {
    const names = kinds.map((field) => raw.label(field));
    throw new InputError(
      `give exactly one of ${names.join(', ')}${given.length > 1 ? `, not ${given.map((field) => raw.label(field)).join(' and ')}` : ''}`,
    );
  }
  if (given[0] !== 'from' && raw.list('checkedImages').length > 0)
    throw new InputError(`${raw.label('checkedImages')} holds what a check read from ${raw.label('from')}: give it only with that`);
  const sourceCommit = commitField(raw, 'sourceCommit') || context.sha || '';
  switch (given[0]) {
    case 'release': {
      const path = raw.text('release');
      const file = insideRoot(context.workspace, path, raw.label('release'));
      return { kind: 'release', manifest: parseReleaseManifest(readFileSync(file, 'utf8'), path), ...only };
    }
    case 'images':
      return {
        kind: 'images',
        images: servicePairs(raw, 'images', 'repository:tag@sha256:…').map(({ service, value }) => ({
          service,
          image: parsePinnedImage(value, `${raw.label('images')} (${service})`),
        })),
        ...(sourceCommit ? { sourceCommit } : {}),
        ...(context.repository ? { sourceRepository: context.repository } : {}),
      };
    case 'from': {
      const checked = servicePairs(raw, 'checkedImages', 'repository:tag@sha256:…').map(({ service, value }) => ({
        service,
        image: naming('', () => parsePinnedImage(value, `${raw.label('checkedImages')} (${service})`)),
      }));
      return { kind: 'environment', from: raw.text('from'), ...only, ...(checked.length > 0 ? { checked } : {}) };
    }
    default:
      return { kind: 'rollback' };
  }
}

export function parsePromoteInputs(raw: RawInputs<typeof promoteFields>, context: ShellContext): PromoteInputs {
  const landing = parseLandingInputs(raw, context);
  const source = promotionSource(raw, context);
  const trustedRoot = raw.text('trustedRoot');
  // Unset counts as required: only an explicit `false` skips the check.
  const provenance: ProvenanceInputs =
    raw.flag('requireProvenance') === false
      ? { required: false }
      : {
          required: true,
          ...(trustedRoot ? { trustedRootFile: insideRoot(context.workspace, trustedRoot, raw.label('trustedRoot')) } : {}),
        };
  const evidence = raw.text('evidence');
  const pullRequest = landing.pullRequest && evidence ? { pullRequest: { ...landing.pullRequest, evidence } } : {};
  return { ...landing, ...pullRequest, source, dryRun: raw.flag('dryRun') === true, githubToken: raw.text('githubToken'), provenance };
}

/** `slipway rollback`: the landing inputs, the source always the environment's previous release. */
export function parseRollbackInputs(
  raw: RawInputs<typeof landingFields>,
  context: ShellContext,
): LandingInputs & { source: PromotionSource } {
  return { ...parseLandingInputs(raw, context), source: { kind: 'rollback' } };
}
