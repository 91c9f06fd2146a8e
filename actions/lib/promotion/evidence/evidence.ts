/**
 * The evidence a prod reviewer approves on, as Markdown (the plan job's summary and the promotion
 * pull request's body): per service that changes, the image and digest change, the source commits
 * with their pull requests, the rendered manifest diff (trimmed), the vulnerability delta, the dev
 * verification and soak, and the image's provenance as verified (or why it could not be). Pure: facts
 * in, Markdown out; gather.ts collects the facts. Everything someone else wrote (titles, subjects,
 * names, reasons that quote them) goes through markdown-cell.ts, so none can make a link, HTML, a
 * mention or break a table.
 */
import { formatSourceChanges } from '../../github/source-changes.ts';
import type { SourceChanges } from '../../github/source-changes.ts';
import { markdownCell, markdownLink, markdownText } from '../../github/markdown-cell.ts';
import type { VerifiedProvenance } from '../../provenance/policy.ts';
import { shortDigest } from '../../release/image-reference.ts';
import type { ServiceAttestation } from '../../release/release-manifest.ts';
import type { VerifiedMarker } from '../../release/release-runs.ts';
import { countedSeverities } from './vulnerability-delta.ts';
import type { VulnerabilityDelta } from './vulnerability-delta.ts';

export interface ImageSide {
  tag?: string;
  digest?: string;
  releaseId?: string;
  sourceCommit?: string;
}

/** The rendered manifest diff, trimmed: the lines shown and how many were left out. */
export type ManifestDiff = { lines: string[]; hidden: number } | { unavailable: string };

export type Unavailable = { unavailable: string };

/** The message of a caught error, said as why a fact is unavailable. */
export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export interface ServiceEvidence {
  service: string;
  /** What the environment runs now; undefined when the service is not deployed there yet. */
  current?: ImageSide;
  proposed: ImageSide;
  sources: SourceChanges | Unavailable;
  manifestDiff: ManifestDiff;
  vulnerabilities: VulnerabilityDelta;
  devVerification: Pick<VerifiedMarker, 'soakSeconds' | 'slo'> | Unavailable;
  /** The proposed image's provenance as verified here, and the attestations its release recorded. */
  provenance: { check: ProvenanceCheck; attestations: ServiceAttestation[]; sourceCommit?: string };
}

/**
 * The proposed digest's signed provenance, verified as `slipway verify-provenance` does: verified,
 * refused (the promote job will refuse the image too), or unverified with why (no trust material,
 * no API) — never counted as verified.
 */
export type ProvenanceCheck = { verified: VerifiedProvenance } | { refused: string } | { unverified: string };

export interface EvidenceReport {
  environment: string;
  /** What the proposed images come from: an environment (`dev`) or a release id. */
  source: string;
  services: ServiceEvidence[];
  unchanged: string[];
  skipped: { service: string; reason: string }[];
}

/** Lines of rendered diff shown per service; the rest are counted. */
export const manifestDiffLines = 60;

/** Keeps the first `limit` lines of a unified diff (its `diff --git`/`index` header dropped) and counts the rest. */
export function trimDiff(unified: string, limit = manifestDiffLines): { lines: string[]; hidden: number } {
  const lines = unified.split('\n').filter((line, index, all) => !(index === all.length - 1 && line === ''));
  const body = lines.filter((line) => !/^(diff --git |index [0-9a-f]+\.\.|new file mode |deleted file mode )/.test(line));
  return { lines: body.slice(0, limit), hidden: Math.max(0, body.length - limit) };
}

const code = (text: string): string => `\`${text.replace(/`/g, "'")}\``;

function image(side: ImageSide | undefined): string {
  if (!side) return 'not deployed';
  const parts = [side.tag ? code(side.tag) : 'no tag', side.digest ? code(shortDigest(side.digest)) : 'no digest'];
  return markdownCell(parts.join(' '));
}

function origin(side: ImageSide | undefined): string {
  if (!side) return '—';
  const release = side.releaseId ? `release ${code(side.releaseId)}` : 'release unknown';
  const source = side.sourceCommit && !/^0+$/.test(side.sourceCommit) ? `source ${code(side.sourceCommit.slice(0, 12))}` : 'source unknown';
  return markdownCell(`${release}, ${source}`);
}

function sourcesSection(sources: ServiceEvidence['sources']): string[] {
  if ('unavailable' in sources) return [`**Source commits:** unknown — ${markdownText(sources.unavailable)}`];
  if (sources.total === 0 && sources.status === 'identical') return ['**Source commits:** none (same source commit)'];
  return [`**Source commits** (${sources.total}):`, ...formatSourceChanges(sources)];
}

function vulnerabilitySection(delta: VulnerabilityDelta): string[] {
  if (!delta.known) return [`**Vulnerabilities:** delta unknown — ${markdownText(delta.reason)}`];
  const rows = countedSeverities
    .filter((severity) => delta.new[severity].length + delta.fixed[severity].length > 0)
    .map((severity) => {
      const list = (ids: string[]): string => (ids.length === 0 ? '—' : markdownText(ids.join(', ')));
      return `| ${severity} | ${list(delta.new[severity])} | ${list(delta.fixed[severity])} |`;
    });
  if (rows.length === 0) return ['**Vulnerabilities:** no change (same findings in both images)'];
  return ['**Vulnerabilities** (new / fixed by this change):', '', '| Severity | New | Fixed |', '| --- | --- | --- |', ...rows];
}

function duration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds % 60);
  return minutes > 0 ? `${minutes} min${rest > 0 ? ` ${rest} s` : ''}` : `${rest} s`;
}

const percent = (ratio: number): string => `${(ratio * 100).toFixed(2)} %`;

function verificationSection(verification: ServiceEvidence['devVerification']): string[] {
  if ('unavailable' in verification) return [`**Dev verification:** unknown — ${markdownText(verification.unavailable)}`];
  const slo = verification.slo.map(
    (entry) =>
      `${markdownText(entry.service)} ${entry.requests} requests, errors ${percent(entry.errorRatio)}, slow ${percent(entry.slowRatio)}${entry.ok ? '' : ' (SLO not met)'}`,
  );
  return [
    `**Dev verification:** passed; Healthy through a ${duration(verification.soakSeconds)} soak; SLO over the soak: ${slo.join('; ')}`,
  ];
}

function provenanceSection(provenance: ServiceEvidence['provenance']): string {
  const slsa = provenance.attestations.filter((attestation) => attestation.predicateType.startsWith('https://slsa.dev/provenance/'));
  const links = slsa.map((attestation) =>
    attestation.url
      ? markdownLink(`attestation ${attestation.attestationId}`, attestation.url)
      : `attestation ${markdownText(attestation.attestationId)}`,
  );
  const recorded = links.length > 0 ? `the release recorded ${links.join(', ')}` : 'the release recorded no SLSA provenance attestation';
  const { check } = provenance;
  if ('verified' in check) {
    const { signer, sourceCommit } = check.verified;
    const built = sourceCommit ? `, built from ${code(sourceCommit.slice(0, 12))}` : '';
    const recordedSource = provenance.sourceCommit;
    const differs =
      sourceCommit && recordedSource && sourceCommit !== recordedSource
        ? ` — not the source commit the release records (${code(recordedSource.slice(0, 12))})`
        : '';
    return `**Provenance:** verified — SLSA provenance of this digest signed by ${code(signer)} (Sigstore)${built}${differs}; ${recorded}`;
  }
  if ('refused' in check)
    return `**Provenance:** refused — ${markdownText(check.refused)}; the promote job will refuse this image (${recorded})`;
  return `**Provenance:** unverified: ${markdownText(check.unverified)} (${recorded}; the promote job verifies the signature before writing)`;
}

function diffSection(diff: ManifestDiff): string[] {
  if ('unavailable' in diff) return [`**Rendered manifests:** diff unavailable — ${markdownText(diff.unavailable)}`];
  if (diff.lines.length === 0) return ['**Rendered manifests:** no change beyond the Application (helm template renders the same objects)'];
  const hidden = diff.hidden > 0 ? [`… ${diff.hidden} more lines hidden`] : [];
  // A fence longer than any backtick run inside keeps the diff from closing it.
  const fence = '`'.repeat(Math.max(3, ...diff.lines.map((line) => (/`+/.exec(line)?.[0].length ?? 0) + 1)));
  return [
    '<details><summary>Rendered manifest diff (helm template, what runs now → proposed)</summary>',
    '',
    `${fence}diff`,
    ...diff.lines.map((line) => line.replace(/<!--/g, '&lt;!--')),
    ...hidden,
    fence,
    '',
    '</details>',
  ];
}

function serviceSection(evidence: ServiceEvidence, environment: string): string[] {
  return [
    `### ${markdownText(evidence.service)}`,
    '',
    `| | ${markdownText(environment)} now | proposed |`,
    '| --- | --- | --- |',
    `| Image | ${image(evidence.current)} | ${image(evidence.proposed)} |`,
    `| Origin | ${origin(evidence.current)} | ${origin(evidence.proposed)} |`,
    '',
    ...sourcesSection(evidence.sources),
    '',
    ...vulnerabilitySection(evidence.vulnerabilities),
    '',
    ...verificationSection(evidence.devVerification),
    '',
    provenanceSection(evidence.provenance),
    '',
    ...diffSection(evidence.manifestDiff),
    '',
  ];
}

/** The reviewer's evidence as Markdown; nothing to change → says there is nothing to approve. */
export function evidenceMarkdown(report: EvidenceReport): string {
  const { environment } = report;
  const lines = [`## Evidence: ${markdownText(report.source)} → ${markdownText(environment)}`, ''];
  if (report.services.length === 0) lines.push(`Nothing to approve: ${markdownText(environment)} already runs these images.`, '');
  else {
    const names = report.services.map((service) => markdownText(service.service)).join(', ');
    lines.push(`${report.services.length} service${report.services.length === 1 ? '' : 's'} would change: ${names}.`, '');
    for (const service of report.services) lines.push(...serviceSection(service, environment));
  }
  if (report.unchanged.length > 0) lines.push(`Unchanged: ${report.unchanged.map(markdownText).join(', ')}.`, '');
  for (const skipped of report.skipped) lines.push(`- ${markdownText(skipped.service)}: skipped — ${markdownText(skipped.reason)}`);
  return `${lines.join('\n').trimEnd()}\n`;
}
