/**
 * The scan policy: which findings of a Trivy report block a release. For each finding, in order:
 *   1. an ignore entry (.trivyignore / .trivyignore.yaml) that names it and has not expired → ignored;
 *      an expired entry does nothing (the finding counts again) but is reported as expired;
 *   2. with ignore-unfixed, a finding without a fix → unfixed (hidden, as `trivy --ignore-unfixed`:
 *      status affected, will_not_fix, fix_deferred or end_of_life, or no status and no FixedVersion);
 *   3. severity in the failing set → blocking; otherwise → allowed.
 * The counts (recorded in the release manifest) are of the findings left after 1 and 2.
 */
import type { ScanSummary } from '../release/release-manifest.ts';
import { isExpired, ruleMatches } from './trivy-ignore.ts';
import type { IgnoreRule } from './trivy-ignore.ts';
import { isSeverity, severities } from './trivy-report.ts';
import type { Severity, TrivyReport, Vulnerability } from './trivy-report.ts';

export interface ScanPolicy {
  /** Severities that block. */
  failOn: Severity[];
  ignoreUnfixed: boolean;
  ignores: IgnoreRule[];
  /** The clock ignore expiry is judged by. */
  now: Date;
}

export type Decision = 'blocking' | 'allowed' | 'ignored' | 'unfixed';

export interface EvaluatedFinding {
  vulnerability: Vulnerability;
  target: string;
  decision: Decision;
  /** The ignore entry that applied (ignored) or had expired (counted again). */
  ignore?: IgnoreRule;
  ignoreExpired?: boolean;
}

export interface ScanResult {
  /** The service (or report) the findings belong to. */
  name: string;
  artifact: string;
  findings: EvaluatedFinding[];
  /** Counted findings by severity (after ignores and ignore-unfixed). */
  counts: Record<Severity, number>;
  blocking: EvaluatedFinding[];
  passed: boolean;
}

export class ScanPolicyError extends Error {
  override name = 'ScanPolicyError';
}

/** Parses a comma-separated severity list such as `CRITICAL,HIGH` (case-insensitive). */
export function parseSeverities(text: string, where: string): Severity[] {
  const names = text
    .split(/[\s,]+/)
    .map((name) => name.trim().toUpperCase())
    .filter((name) => name !== '');
  if (names.length === 0) throw new ScanPolicyError(`${where}: give at least one severity (${severities.join(', ')})`);
  for (const name of names) {
    if (!isSeverity(name)) throw new ScanPolicyError(`${where}: '${name}' is not a Trivy severity; use ${severities.join(', ')}`);
  }
  return [...new Set(names as Severity[])];
}

const unfixedStatuses = new Set(['affected', 'will_not_fix', 'fix_deferred', 'end_of_life']);

/** True when no fix exists, as `trivy --ignore-unfixed` decides it. */
export function isUnfixed(vulnerability: Vulnerability): boolean {
  if (vulnerability.status !== undefined) return unfixedStatuses.has(vulnerability.status);
  return vulnerability.fixedVersion === undefined;
}

export function evaluateFinding(vulnerability: Vulnerability, target: string, policy: ScanPolicy): EvaluatedFinding {
  const file = vulnerability.pkgPath ?? target;
  const matching = policy.ignores.filter((rule) => ruleMatches(rule, vulnerability.id, file));
  const active = matching.find((rule) => !isExpired(rule, policy.now));
  if (active) return { vulnerability, target, decision: 'ignored', ignore: active };
  const expired = matching[0];
  const base = expired ? { vulnerability, target, ignore: expired, ignoreExpired: true } : { vulnerability, target };
  if (policy.ignoreUnfixed && isUnfixed(vulnerability)) return { ...base, decision: 'unfixed' };
  return { ...base, decision: policy.failOn.includes(vulnerability.severity) ? 'blocking' : 'allowed' };
}

export function evaluateScan(name: string, report: TrivyReport, policy: ScanPolicy): ScanResult {
  const findings = report.results.flatMap((result) =>
    result.vulnerabilities.map((vulnerability) => evaluateFinding(vulnerability, result.target, policy)),
  );
  const counts = Object.fromEntries(severities.map((severity) => [severity, 0])) as Record<Severity, number>;
  for (const finding of findings) {
    if (finding.decision === 'blocking' || finding.decision === 'allowed') counts[finding.vulnerability.severity] += 1;
  }
  const blocking = findings.filter((finding) => finding.decision === 'blocking');
  return { name, artifact: report.artifactName, findings, counts, blocking, passed: blocking.length === 0 };
}

/** One line per blocking finding, for the failure message. */
export function describeBlocking(results: readonly ScanResult[]): string[] {
  return results.flatMap((result) =>
    result.blocking.map(
      ({ vulnerability: v }) =>
        `${result.name}: ${v.id} ${v.severity} in ${v.pkgName} ${v.installedVersion}${v.fixedVersion ? ` (fixed in ${v.fixedVersion})` : ' (no fix yet)'}`,
    ),
  );
}

/** Each image's verdict, counts and blocking vulnerability ids: the scan action's `results` output and the CLI's --json. */
export function scanResultsJson(results: readonly ScanResult[]) {
  return results.map((result) => ({
    name: result.name,
    artifact: result.artifact,
    passed: result.passed,
    counts: result.counts,
    blocking: result.blocking.map((finding) => finding.vulnerability.id),
  }));
}

/**
 * The IDs of the counted findings (after ignores and ignore-unfixed) per severity, sorted, each once:
 * Trivy's `VulnerabilityID` (aquasecurity/trivy v0.69.3, the version release.yml installs,
 * `pkg/types/vulnerability.go` DetectedVulnerability) and `Severity` of each finding.
 */
function countedIds(result: ScanResult, severity: Severity): string[] {
  const counted = result.findings.filter(
    (finding) => (finding.decision === 'blocking' || finding.decision === 'allowed') && finding.vulnerability.severity === severity,
  );
  return [...new Set(counted.map((finding) => finding.vulnerability.id))].sort();
}

/** The release manifest's scan summary of one image: counts, and the IDs they are made of (for the prod reviewer's delta). */
export function scanSummary(result: ScanResult, scanner: string, reportUrl?: string): ScanSummary {
  return {
    status: result.passed ? 'passed' : 'failed',
    scanner,
    critical: result.counts.CRITICAL,
    high: result.counts.HIGH,
    medium: result.counts.MEDIUM,
    low: result.counts.LOW,
    vulnerabilities: {
      critical: countedIds(result, 'CRITICAL'),
      high: countedIds(result, 'HIGH'),
      medium: countedIds(result, 'MEDIUM'),
      low: countedIds(result, 'LOW'),
    },
    ...(reportUrl ? { reportUrl } : {}),
  };
}
