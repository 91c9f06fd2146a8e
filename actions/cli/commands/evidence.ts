/**
 * `slipway evidence`: what a reviewer approves on — the promotion's dry run, with per changed service
 * the image change, source commits and pull requests, rendered manifest diff, vulnerability delta,
 * dev verification and verified provenance — printed as Markdown (for $GITHUB_STEP_SUMMARY and the PR
 * body). One process: the releases involved are found in their Release runs and read from their
 * artifacts through GitHub's API (GH_TOKEN, GITHUB_API_URL), the provenance verified with Sigstore.
 */
import { evidenceMarkdown } from '../../lib/promotion/evidence/evidence.ts';
import { collectEvidence } from '../../lib/promotion/evidence/gather.ts';
import { evidenceFields, parseEvidenceInputs } from '../../lib/shell/inputs/evidence.ts';
import { findHelm } from '../../lib/validate/helm-binary.ts';
import { verbInputs } from '../cli-inputs.ts';
import type { Command } from '../command.ts';
import { gitopsUsage } from '../gitops-options.ts';

export const command: Command = {
  summary:
    "the reviewer's evidence for a promotion, as Markdown: image and digest, source commits with pull requests, rendered manifest diff, vulnerability delta, dev verification, verified provenance",
  usage: `slipway evidence <environment> (--from ENVIRONMENT | --release RELEASE-ID) [--source-repository owner/name] [--trusted-root FILE] [--chart-checkout .] ${gitopsUsage}`,
  async run(args, io) {
    const inputs = verbInputs(evidenceFields, parseEvidenceInputs, args, io);
    io.out(evidenceMarkdown(await collectEvidence({ ...inputs, helm: findHelm(io.env) })).trimEnd());
    return 0;
  },
};
