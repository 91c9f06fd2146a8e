/**
 * Reads Trivy's JSON report (`trivy image --format json`, SchemaVersion 2): Results[] per target
 * (OS packages, each language lockfile), each with an optional Vulnerabilities[] — a target without
 * findings has no Vulnerabilities key at all, a finding without a fix has no FixedVersion. Only the
 * fields the scan policy, the SARIF and the summary use are kept; unknown fields are ignored.
 */

export const severities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type Severity = (typeof severities)[number];

export interface Vulnerability {
  id: string;
  pkgName: string;
  /** For language packages: the lockfile or jar inside the image. */
  pkgPath?: string;
  installedVersion: string;
  fixedVersion?: string;
  /** fixed, affected, will_not_fix, fix_deferred, end_of_life, under_investigation… (absent in older reports). */
  status?: string;
  severity: Severity;
  title?: string;
  primaryUrl?: string;
}

export interface TrivyTarget {
  target: string;
  class?: string;
  type?: string;
  vulnerabilities: Vulnerability[];
}

export interface TrivyReport {
  artifactName: string;
  artifactType?: string;
  results: TrivyTarget[];
}

export class TrivyReportError extends Error {
  override name = 'TrivyReportError';
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function isSeverity(text: string): text is Severity {
  return (severities as readonly string[]).includes(text);
}

/** Parses report text; `where` names the file (or input) in every error. */
export function parseTrivyReport(text: string, where: string): TrivyReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TrivyReportError(
      `${where} is not valid JSON (${error instanceof Error ? error.message : String(error)}): give the file trivy wrote with --format json`,
    );
  }
  const fail = (path: string, why: string): never => {
    throw new TrivyReportError(`${where}: ${path} ${why}`);
  };
  if (!isObject(value)) return fail('(top level)', 'must be an object: a Trivy JSON report (SchemaVersion 2)');
  if (value['SchemaVersion'] !== 2)
    fail(
      'SchemaVersion',
      `is ${JSON.stringify(value['SchemaVersion'])}; only Trivy's SchemaVersion 2 JSON report is understood (trivy --format json)`,
    );
  const artifactName = typeof value['ArtifactName'] === 'string' ? value['ArtifactName'] : '';
  const rawResults = value['Results'] ?? [];
  if (!Array.isArray(rawResults)) return fail('Results', 'must be an array');
  const results = rawResults.map((raw: unknown, index): TrivyTarget => {
    const at = `Results[${index}]`;
    if (!isObject(raw)) return fail(at, 'must be an object');
    if (typeof raw['Target'] !== 'string') fail(`${at}.Target`, 'must be a string');
    const rawVulnerabilities = raw['Vulnerabilities'] ?? [];
    if (!Array.isArray(rawVulnerabilities)) return fail(`${at}.Vulnerabilities`, 'must be an array');
    const vulnerabilities = rawVulnerabilities.map((entry: unknown, position): Vulnerability => {
      const vat = `${at}.Vulnerabilities[${position}]`;
      if (!isObject(entry)) return fail(vat, 'must be an object');
      const text = (key: string, required: boolean): string | undefined => {
        const field = entry[key];
        if (field === undefined || field === '') {
          if (required) fail(`${vat}.${key}`, 'is missing');
          return undefined;
        }
        if (typeof field !== 'string') return fail(`${vat}.${key}`, 'must be a string');
        return field;
      };
      const severity = text('Severity', true) ?? '';
      if (!isSeverity(severity)) fail(`${vat}.Severity`, `'${severity}' is not one of ${severities.join(', ')}`);
      const optional = (key: string, name: keyof Vulnerability): Partial<Vulnerability> => {
        const field = text(key, false);
        return field === undefined ? {} : { [name]: field };
      };
      return {
        id: text('VulnerabilityID', true) ?? '',
        pkgName: text('PkgName', true) ?? '',
        ...optional('PkgPath', 'pkgPath'),
        installedVersion: text('InstalledVersion', false) ?? '',
        ...optional('FixedVersion', 'fixedVersion'),
        ...optional('Status', 'status'),
        severity: severity as Severity,
        ...optional('Title', 'title'),
        ...optional('PrimaryURL', 'primaryUrl'),
      };
    });
    return {
      target: raw['Target'] as string,
      ...(typeof raw['Class'] === 'string' ? { class: raw['Class'] } : {}),
      ...(typeof raw['Type'] === 'string' ? { type: raw['Type'] } : {}),
      vulnerabilities,
    };
  });
  return { artifactName, ...(typeof value['ArtifactType'] === 'string' ? { artifactType: value['ArtifactType'] } : {}), results };
}
