/**
 * The promote action's provenance step, from the typed inputs (`require-provenance`, default true:
 * every image the promotion pins must carry SLSA provenance signed by this repository's release
 * workflow on main; `trusted-root`: a trusted root file instead of Sigstore's public-good root).
 */
import { provenancePolicy } from '../../lib/provenance/policy.ts';
import { provenanceGate, provenanceSummary } from '../../lib/provenance/promotion-gate.ts';
import type { ProvenanceGate } from '../../lib/provenance/promotion-gate.ts';
import { provenanceVerifier } from '../../lib/provenance/verify-image.ts';
import type { PlannedChange } from '../../lib/promotion/plan.ts';
import type { ProvenanceInputs } from '../../lib/shell/inputs/promote.ts';
import type { ShellContext } from '../../lib/shell/shell-context.ts';

export interface ProvenanceStep {
  checkImages?: (changes: readonly PlannedChange[]) => Promise<void>;
  summary(): string;
}

export function provenanceStep(
  inputs: ProvenanceInputs,
  context: ShellContext,
  githubToken: string,
  warn: (line: string) => void,
): ProvenanceStep {
  if (!inputs.required) {
    warn('require-provenance is false: images are pinned without verifying their signed build provenance');
    return { summary: () => provenanceSummary({ required: false }) };
  }
  const options = {
    repository: context.repository ?? '',
    serverUrl: context.serverUrl,
    trust: inputs.trustedRootFile ? { trustedRootFile: inputs.trustedRootFile } : {},
    api: { ...(githubToken ? { token: githubToken } : {}), ...(context.apiUrl ? { apiUrl: context.apiUrl } : {}) },
  };
  const policy = provenancePolicy(options);
  // The trusted root is loaded (through TUF by default) only when a promotion has images to pin.
  let gate: Promise<ProvenanceGate> | undefined;
  let verified: ProvenanceGate['verified'] = new Map();
  return {
    async checkImages(changes) {
      gate ??= provenanceVerifier(options).then(({ verify }) => provenanceGate(verify));
      const ready = await gate;
      verified = ready.verified;
      await ready.checkImages(changes);
    },
    summary: () => provenanceSummary({ required: true, policy, verified }),
  };
}
