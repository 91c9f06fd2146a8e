/**
 * The promote action's provenance inputs: `require-provenance` (default true: every image the
 * promotion pins must carry SLSA provenance signed by this repository's release workflow on main)
 * and `trusted-root` (a trusted root file in the workspace instead of Sigstore's public-good root).
 */
import type { ActionRunner } from '../../lib/shell/action-runner.ts';
import { provenancePolicy } from '../../lib/provenance/policy.ts';
import { provenanceGate, provenanceSummary } from '../../lib/provenance/promotion-gate.ts';
import type { ProvenanceGate } from '../../lib/provenance/promotion-gate.ts';
import { provenanceVerifier } from '../../lib/provenance/verify-image.ts';
import type { PlannedChange } from '../../lib/promotion/plan.ts';
import { insideRoot } from '../../lib/shell/workspace-paths.ts';

export interface ProvenanceStep {
  checkImages?: (changes: readonly PlannedChange[]) => Promise<void>;
  summary(): string;
}

export function provenanceStep(runner: ActionRunner, workspace: string, githubToken: string): ProvenanceStep {
  // Unset counts as true: only an explicit `false` skips the check.
  const required = runner.input('require-provenance') === '' || runner.booleanInput('require-provenance');
  if (!required) {
    runner.warning('require-provenance is false: images are pinned without verifying their signed build provenance');
    return { summary: () => provenanceSummary({ required: false }) };
  }
  const trustedRoot = runner.input('trusted-root');
  const apiUrl = runner.env('GITHUB_API_URL');
  const options = {
    repository: runner.env('GITHUB_REPOSITORY') ?? '',
    ...(runner.env('GITHUB_SERVER_URL') ? { serverUrl: String(runner.env('GITHUB_SERVER_URL')) } : {}),
    trust: trustedRoot ? { trustedRootFile: insideRoot(workspace, trustedRoot, 'input trusted-root') } : {},
    api: { ...(githubToken ? { token: githubToken } : {}), ...(apiUrl ? { apiUrl } : {}) },
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
