/**
 * The evidence verb's inputs (`slipway evidence`): what a promotion would land (the promote verb's
 * target and source, except that `--release` names a release by id: its manifest is read from the
 * Release run that built it), the repository the images are built and released in (its source
 * commits, Release runs and attestations, read with GH_TOKEN), the trusted root provenance is
 * verified against, and the checkout Git-sourced charts are read from.
 */
import { parseRepositoryName } from '../../github/pull-request.ts';
import type { GitHubRepository } from '../../github/pull-request.ts';
import { actionsRuns } from '../../github/workflow-runs.ts';
import type { CollectOptions, EvidenceSource } from '../../promotion/evidence/gather.ts';
import { releaseRuns } from '../../release/release-runs.ts';
import type { ShellContext } from '../shell-context.ts';
import { insideRoot } from '../workspace-paths.ts';
import { parseLandingInputs, parsePromoteInputs, promoteFields, sourceFields } from './promote.ts';
import type { LandingInputs } from './promote.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { InputError, naming, releaseIdField } from './raw-inputs.ts';

export const evidenceFields = {
  ...promoteFields,
  sourceRepository: { kind: 'text', flag: '--source-repository' },
  chartCheckout: { kind: 'text', flag: '--chart-checkout' },
  trustedRoot: { kind: 'text', input: 'trusted-root', flag: '--trusted-root' },
} as const satisfies Record<string, Field>;

/** `--release <id>`: the release by id, given alone as the source. */
function releaseIdSource(raw: RawInputs<typeof evidenceFields>, context: ShellContext): { landing: LandingInputs; source: EvidenceSource } {
  const releaseId = releaseIdField(raw, 'release');
  const others = sourceFields(raw).given.filter((field) => field !== 'release');
  if (others.length > 0)
    throw new InputError(`give exactly one of ${raw.label('release')} and ${others.map((field) => raw.label(field)).join(', ')}, not both`);
  const services = raw.list('services');
  return {
    landing: parseLandingInputs(raw, context),
    source: { kind: 'release-id', releaseId, ...(services.length > 0 ? { services } : {}) },
  };
}

/** Everything `collectEvidence` needs but the helm binary; `token` is GH_TOKEN (or GITHUB_TOKEN). */
export function parseEvidenceInputs(
  raw: RawInputs<typeof evidenceFields>,
  context: ShellContext,
  token: string,
): Omit<CollectOptions, 'helm'> {
  const { landing, source } =
    raw.text('release') !== ''
      ? releaseIdSource(raw, context)
      : ((inputs) => ({ landing: inputs, source: inputs.source }))(parsePromoteInputs(raw, context));
  const inside = (field: 'chartCheckout' | 'trustedRoot'): string | undefined =>
    raw.text(field) ? insideRoot(context.workspace, raw.text(field), raw.label(field)) : undefined;
  const name = raw.text('sourceRepository') || context.repository || '';
  const github: GitHubRepository | { unavailable: string } =
    name === ''
      ? { unavailable: `no source repository given (${raw.label('sourceRepository')} or GITHUB_REPOSITORY)` }
      : token === ''
        ? { unavailable: 'no GitHub token to read the source repository with (GH_TOKEN)' }
        : {
            ...naming(raw.label('sourceRepository'), () => parseRepositoryName(name, 'repository')),
            token,
            ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}),
          };
  const trustedRootFile = inside('trustedRoot');
  const lookups: Pick<CollectOptions, 'releases' | 'provenance'> =
    'unavailable' in github
      ? { releases: github, provenance: github }
      : {
          releases: { api: actionsRuns(github), trusted: releaseRuns(`${github.owner}/${github.repo}`) },
          provenance: {
            repository: `${github.owner}/${github.repo}`,
            serverUrl: context.serverUrl,
            trust: trustedRootFile ? { trustedRootFile } : {},
            api: { token, ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}) },
          },
        };
  return {
    landing,
    source,
    github,
    ...lookups,
    // This repository's checkout (the workspace, unless given), and a separate GitOps repository's when it is one here.
    chartCheckouts: [
      {
        checkout: inside('chartCheckout') ?? context.workspace,
        ...(context.repository ? { repository: `${context.serverUrl}/${context.repository}` } : {}),
      },
    ],
  };
}
