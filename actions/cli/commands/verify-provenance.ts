/**
 * `slipway verify-provenance <repository@sha256:…>... --repository owner/name [--workflow
 * .github/workflows/release.yml] [--ref refs/heads/main] [--trusted-root FILE] [--cache-dir DIR]`:
 * reads its flags (lib/shell/inputs/verify-provenance.ts), verifies each image's SLSA provenance from
 * GitHub's attestations API (token from $GH_TOKEN or $GITHUB_TOKEN, API root from $GITHUB_API_URL)
 * and prints what was verified. Exit 0 all verified, 1 a refusal (its reason printed), 2 bad usage.
 */
import { refusalMessage, verifiedLines } from '../../lib/provenance/policy.ts';
import { provenanceVerifier } from '../../lib/provenance/verify-image.ts';
import { parseVerifyProvenanceInputs, verifyProvenanceFields } from '../../lib/shell/inputs/verify-provenance.ts';
import { verbInputs } from '../cli-inputs.ts';
import type { Command } from '../command.ts';

export const command: Command = {
  summary:
    "verify images' signed SLSA provenance (Sigstore, GitHub attestations) against this repository's release workflow; exit 1 on a refusal",
  usage:
    'slipway verify-provenance <repository@sha256:…>... --repository owner/name [--workflow .github/workflows/release.yml] [--ref refs/heads/main] [--trusted-root FILE] [--cache-dir DIR]',
  async run(args, io) {
    const inputs = verbInputs(verifyProvenanceFields, parseVerifyProvenanceInputs, args, io);
    const verifier = await provenanceVerifier(inputs.verifier);
    const trust = inputs.trustedRoot ? `trusted root ${inputs.trustedRoot}` : 'the Sigstore public-good trusted root (TUF)';
    let refused = 0;
    for (const image of inputs.images) {
      const result = await verifier.verify(image.digest);
      if (!result.ok) {
        refused += 1;
        io.err(refusalMessage(image.text, result));
        continue;
      }
      io.out(`verified ${image.text}`);
      for (const line of verifiedLines(result)) io.out(`  ${line}`);
      io.out(
        `  checked: DSSE signature, certificate chain, SCT and transparency-log inclusion against ${trust}; identity ${verifier.policy.workflow} of ${verifier.policy.repository} at ${verifier.policy.ref}; subject digest`,
      );
    }
    return refused === 0 ? 0 : 1;
  },
};
