/**
 * The verify-provenance verb's inputs (`slipway verify-provenance`): the images by digest, the
 * repository whose release workflow must have signed them (and that workflow and ref), the trusted
 * root (Sigstore's public-good root through TUF when not given) and the bundle cache folder; the
 * attestations API is GITHUB_API_URL's, with GH_TOKEN (or GITHUB_TOKEN).
 */
import { resolve } from 'node:path';
import { provenancePolicy } from '../../provenance/policy.ts';
import type { ProvenanceVerifierOptions } from '../../provenance/verify-image.ts';
import { parseImageReference } from '../../release/image-reference.ts';
import type { ShellContext } from '../shell-context.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { InputError, naming } from './raw-inputs.ts';

export const verifyProvenanceFields = {
  images: { kind: 'list', flag: '<image...>' },
  repository: { kind: 'text', flag: '--repository' },
  workflow: { kind: 'text', flag: '--workflow' },
  ref: { kind: 'text', flag: '--ref' },
  trustedRoot: { kind: 'text', flag: '--trusted-root' },
  cacheDir: { kind: 'text', flag: '--cache-dir' },
} as const satisfies Record<string, Field>;

export interface VerifyProvenanceInputs {
  /** As given (for messages), and the digest verified. */
  images: Array<{ text: string; digest: string }>;
  verifier: ProvenanceVerifierOptions;
  /** The trusted root file as given; '' for Sigstore's public-good root. */
  trustedRoot: string;
}

/** Paths are resolved in `context.workspace` (the CLI's working folder); `token` is GH_TOKEN (or GITHUB_TOKEN). */
export function parseVerifyProvenanceInputs(
  raw: RawInputs<typeof verifyProvenanceFields>,
  context: ShellContext,
  token: string,
): VerifyProvenanceInputs {
  const given = raw.list('images');
  if (given.length === 0) throw new InputError('give at least one image by digest (repository@sha256:…)');
  const repository = raw.text('repository');
  if (repository === '')
    throw new InputError(`${raw.label('repository')} owner/name is required: the repository whose release workflow must have signed`);
  const images = given.map((text) => {
    const image = naming('', () => parseImageReference(text, 'image'));
    if (!image.digest)
      throw new InputError(`image '${text}' has no digest; give repository@sha256:… (what runs is the digest, not the tag)`);
    return { text, digest: image.digest };
  });
  const workflow = raw.text('workflow');
  const ref = raw.text('ref');
  const policy = { repository, ...(workflow ? { workflow } : {}), ...(ref ? { ref } : {}), serverUrl: context.serverUrl };
  // Checked here, so that a bad policy is refused as bad usage before the trusted root is loaded.
  naming('', () => provenancePolicy(policy));
  const trustedRoot = raw.text('trustedRoot');
  const cacheDir = raw.text('cacheDir');
  return {
    images,
    verifier: {
      ...policy,
      trust: trustedRoot ? { trustedRootFile: resolve(context.workspace, trustedRoot) } : {},
      api: { ...(token ? { token } : {}), ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}) },
      ...(cacheDir ? { cacheDirectory: resolve(context.workspace, cacheDir) } : {}),
    },
    trustedRoot,
  };
}
