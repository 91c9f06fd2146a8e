/**
 * Provenance at promotion: every image a promotion is about to pin must prove it was built by the
 * release workflow, or the promotion is refused before anything is written. Also the job summary's
 * account of it — including, in bold, that nothing was checked when a promotion did not require it.
 */
import { shortDigest } from '../release/image-reference.ts';
import { markdownCell } from '../github/markdown-cell.ts';
import type { PlannedChange } from '../promotion/plan.ts';
import { refusalMessage } from './policy.ts';
import type { ProvenancePolicy, ProvenanceResult, VerifiedProvenance } from './policy.ts';
import type { VerifyDigest } from './verify-image.ts';

export class ProvenanceRefusedError extends Error {
  override name = 'ProvenanceRefusedError';
  constructor(readonly refusals: { service: string; result: Extract<ProvenanceResult, { ok: false }> }[]) {
    super(
      [
        `provenance refused for ${refusals.length} image(s); nothing was written to the GitOps repository:`,
        ...refusals.map(({ service, result }) => `  ${refusalMessage(service, result)}`),
      ].join('\n'),
    );
  }
}

export interface ProvenanceGate {
  /** For `promote({ checkImages })`: verifies every change, throws ProvenanceRefusedError naming each refusal. */
  checkImages(changes: readonly PlannedChange[]): Promise<void>;
  /** What the last check verified, by service. */
  verified: Map<string, VerifiedProvenance>;
}

export function provenanceGate(verify: VerifyDigest): ProvenanceGate {
  const verified = new Map<string, VerifiedProvenance>();
  return {
    verified,
    async checkImages(changes) {
      verified.clear();
      const results = await Promise.all(
        changes.map(async (change) => ({ service: change.service, result: await verify(change.image.digest) })),
      );
      const refusals = results.flatMap(({ service, result }) => (result.ok ? [] : [{ service, result }]));
      if (refusals.length > 0) throw new ProvenanceRefusedError(refusals);
      for (const { service, result } of results) if (result.ok) verified.set(service, result);
    },
  };
}

/** The job summary's provenance section: what was verified, or in bold that nothing was. */
export function provenanceSummary(
  check: { required: false } | { required: true; policy: ProvenancePolicy; verified: ReadonlyMap<string, VerifiedProvenance> },
): string {
  if (!check.required) {
    return '**Provenance was not verified: `require-provenance` is `false`, so these images were pinned without checking their signed build provenance.**\n';
  }
  if (check.verified.size === 0) return '';
  const lines = [
    `Provenance verified: each image's SLSA provenance is signed by \`${check.policy.workflow}\` of ${markdownCell(check.policy.repository)} at \`${check.policy.ref}\` (Sigstore).`,
    '',
    '| Service | Digest | Source commit | Transparency log entry |',
    '| --- | --- | --- | --- |',
  ];
  for (const [service, provenance] of check.verified) {
    lines.push(
      `| ${markdownCell(service)} | \`${shortDigest(provenance.digest)}\` | ${provenance.sourceCommit ? `\`${provenance.sourceCommit.slice(0, 12)}\`` : 'unknown'} | ${markdownCell(provenance.logIndex)} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
