/**
 * The evidence verb's inputs (`slipway evidence`): what a promotion would land (the promote verb's
 * target and source), the folder of release artifacts, the source repository whose commits are
 * compared (with GH_TOKEN), and the checkout Git-sourced charts are read from.
 */
import { parseRepositoryName } from '../../github/pull-request.ts';
import type { CollectOptions } from '../../promotion/evidence/gather.ts';
import type { ShellContext } from '../shell-context.ts';
import { insideRoot } from '../workspace-paths.ts';
import { parsePromoteInputs, promoteFields } from './promote.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { naming } from './raw-inputs.ts';

export const evidenceFields = {
  ...promoteFields,
  releases: { kind: 'text', flag: '--releases' },
  sourceRepository: { kind: 'text', flag: '--source-repository' },
  chartCheckout: { kind: 'text', flag: '--chart-checkout' },
} as const satisfies Record<string, Field>;

/** Everything `collectEvidence` needs but the helm binary; `token` is GH_TOKEN (or GITHUB_TOKEN). */
export function parseEvidenceInputs(
  raw: RawInputs<typeof evidenceFields>,
  context: ShellContext,
  token: string,
): Omit<CollectOptions, 'helm'> {
  const inputs = parsePromoteInputs(raw, context);
  const inside = (field: 'releases' | 'chartCheckout'): string | undefined =>
    raw.text(field) ? insideRoot(context.workspace, raw.text(field), raw.label(field)) : undefined;
  const name = raw.text('sourceRepository') || context.repository || '';
  const github =
    name === ''
      ? { unavailable: `no source repository given (${raw.label('sourceRepository')} or GITHUB_REPOSITORY)` }
      : token === ''
        ? { unavailable: 'no GitHub token to read the source commits with (GH_TOKEN)' }
        : {
            ...naming(raw.label('sourceRepository'), () => parseRepositoryName(name, 'repository')),
            token,
            ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}),
          };
  const releasesFolder = inside('releases');
  return {
    landing: inputs,
    source: inputs.source,
    ...(releasesFolder ? { releasesFolder } : {}),
    github,
    chartCheckout: inside('chartCheckout') ?? context.workspace,
  };
}
