/**
 * `slipway evidence`: what a reviewer approves on — the promotion's dry run, with per changed service
 * the image change, source commits and pull requests, rendered manifest diff, vulnerability delta,
 * dev verification and provenance — printed as Markdown (for $GITHUB_STEP_SUMMARY and the PR body).
 */
import { parseRepositoryName } from '../../lib/github/pull-request.ts';
import { evidenceMarkdown } from '../../lib/promotion/evidence/evidence.ts';
import { collectEvidence } from '../../lib/promotion/evidence/gather.ts';
import { parsePromoteInputs, promoteFields } from '../../lib/shell/inputs/promote.ts';
import type { Field } from '../../lib/shell/inputs/raw-inputs.ts';
import { shellContext } from '../../lib/shell/shell-context.ts';
import { insideRoot } from '../../lib/shell/workspace-paths.ts';
import { findHelm } from '../../lib/validate/helm-binary.ts';
import { cliInputs } from '../cli-inputs.ts';
import type { Command } from '../command.ts';
import { gitopsUsage } from '../gitops-options.ts';

const evidenceFields = {
  ...promoteFields,
  releases: { kind: 'text', flag: '--releases' },
  sourceRepository: { kind: 'text', flag: '--source-repository' },
  chartCheckout: { kind: 'text', flag: '--chart-checkout' },
} as const satisfies Record<string, Field>;

export const command: Command = {
  summary:
    "the reviewer's evidence for a promotion, as Markdown: image and digest, source commits with pull requests, rendered manifest diff, vulnerability delta, dev verification, provenance",
  usage: `slipway evidence <environment> (--from ENVIRONMENT | --release FILE) [--releases FOLDER] [--source-repository owner/name] [--chart-checkout .] ${gitopsUsage}`,
  async run(args, io) {
    const raw = cliInputs(evidenceFields, args, io.env);
    const context = shellContext(io.env, io.cwd, io.cwd);
    const inputs = parsePromoteInputs(raw, context);
    const inside = (field: 'releases' | 'chartCheckout'): string | undefined =>
      raw.text(field) ? insideRoot(io.cwd, raw.text(field), raw.label(field)) : undefined;
    const name = raw.text('sourceRepository') || context.repository || '';
    const token = io.env['GH_TOKEN'] || io.env['GITHUB_TOKEN'] || '';
    const github =
      name === ''
        ? { unavailable: 'no source repository given (--source-repository or GITHUB_REPOSITORY)' }
        : token === ''
          ? { unavailable: 'no GitHub token to read the source commits with (GH_TOKEN)' }
          : { ...parseRepositoryName(name, raw.label('sourceRepository')), token, ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}) };
    const releasesFolder = inside('releases');
    const report = await collectEvidence({
      landing: inputs,
      source: inputs.source,
      ...(releasesFolder ? { releasesFolder } : {}),
      github,
      helm: findHelm(io.env),
      chartCheckout: inside('chartCheckout') ?? io.cwd,
    });
    io.out(evidenceMarkdown(report).trimEnd());
    return 0;
  },
};
