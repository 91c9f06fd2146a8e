/**
 * `slipway evidence`: what a reviewer approves on — the promotion's dry run, with per changed service
 * the image change, source commits and pull requests, rendered manifest diff, vulnerability delta,
 * dev verification and provenance — printed as Markdown (for $GITHUB_STEP_SUMMARY and the PR body).
 */
import { evidenceMarkdown } from '../../lib/promotion/evidence/evidence.ts';
import { collectEvidence } from '../../lib/promotion/evidence/gather.ts';
import { evidenceFields, parseEvidenceInputs } from '../../lib/shell/inputs/evidence.ts';
import { shellContext } from '../../lib/shell/shell-context.ts';
import { findHelm } from '../../lib/validate/helm-binary.ts';
import { cliInputs } from '../cli-inputs.ts';
import type { Command } from '../command.ts';
import { githubToken } from '../github-context.ts';
import { gitopsUsage } from '../gitops-options.ts';

export const command: Command = {
  summary:
    "the reviewer's evidence for a promotion, as Markdown: image and digest, source commits with pull requests, rendered manifest diff, vulnerability delta, dev verification, provenance",
  usage: `slipway evidence <environment> (--from ENVIRONMENT | --release FILE) [--releases FOLDER] [--source-repository owner/name] [--chart-checkout .] ${gitopsUsage}`,
  async run(args, io) {
    const inputs = parseEvidenceInputs(cliInputs(evidenceFields, args, io.env), shellContext(io.env, io.cwd, io.cwd), githubToken(io.env));
    io.out(evidenceMarkdown(await collectEvidence({ ...inputs, helm: findHelm(io.env) })).trimEnd());
    return 0;
  },
};
