/**
 * `slipway verify-provenance <repository@sha256:…>... --repository owner/name [--workflow
 * .github/workflows/release.yml] [--ref refs/heads/main] [--trusted-root FILE] [--cache-dir DIR]`:
 * verifies each image's SLSA provenance from GitHub's attestations API (token from $GH_TOKEN or
 * $GITHUB_TOKEN, API root from $GITHUB_API_URL) and prints what was verified. Exit 0 all verified,
 * 1 a refusal (its reason printed), 2 bad usage.
 */
import { resolve } from 'node:path';
import { parseImageReference } from '../../lib/release/image-reference.ts';
import { ProvenancePolicyError, refusalMessage, verifiedLines } from '../../lib/provenance/policy.ts';
import { provenanceVerifier } from '../../lib/provenance/verify-image.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs, UsageError } from '../command.ts';

export const command: Command = {
  summary:
    "verify images' signed SLSA provenance (Sigstore, GitHub attestations) against this repository's release workflow; exit 1 on a refusal",
  usage:
    'slipway verify-provenance <repository@sha256:…>... --repository owner/name [--workflow .github/workflows/release.yml] [--ref refs/heads/main] [--trusted-root FILE] [--cache-dir DIR]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      repository: { type: 'string' },
      workflow: { type: 'string' },
      ref: { type: 'string' },
      'trusted-root': { type: 'string' },
      'cache-dir': { type: 'string' },
    });
    if (positionals.length === 0) throw new UsageError('give at least one image by digest (repository@sha256:…)');
    if (!values.repository)
      throw new UsageError('--repository owner/name is required: the repository whose release workflow must have signed');
    const images = positionals.map((text) => {
      const image = parseImageReference(text, 'image');
      if (!image.digest)
        throw new UsageError(`image '${text}' has no digest; give repository@sha256:… (what runs is the digest, not the tag)`);
      return { text, digest: image.digest };
    });
    const token = io.env['GH_TOKEN'] || io.env['GITHUB_TOKEN'];
    const apiUrl = io.env['GITHUB_API_URL'];
    const trustedRootFile = values['trusted-root'] ? resolve(io.cwd, values['trusted-root']) : undefined;
    let verifier;
    try {
      verifier = await provenanceVerifier({
        repository: values.repository,
        ...(values.workflow ? { workflow: values.workflow } : {}),
        ...(values.ref ? { ref: values.ref } : {}),
        ...(io.env['GITHUB_SERVER_URL'] ? { serverUrl: io.env['GITHUB_SERVER_URL'] } : {}),
        trust: trustedRootFile ? { trustedRootFile } : {},
        api: { ...(token ? { token } : {}), ...(apiUrl ? { apiUrl } : {}) },
        ...(values['cache-dir'] ? { cacheDirectory: resolve(io.cwd, values['cache-dir']) } : {}),
      });
    } catch (error) {
      if (error instanceof ProvenancePolicyError) throw new UsageError(error.message);
      throw error;
    }
    const trust = trustedRootFile ? `trusted root ${values['trusted-root']}` : 'the Sigstore public-good trusted root (TUF)';
    let refused = 0;
    for (const image of images) {
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
