/**
 * SARIF 2.1.0 for GitHub code scanning from evaluated scan results: one run per image (its own
 * automationDetails category, as code scanning wants for several runs of one tool in one file),
 * one rule per vulnerability ID with `security-severity` so GitHub ranks it, one result per counted
 * finding (ignored and hidden-unfixed findings are left out), level `error` when it blocks.
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { EvaluatedFinding, ScanResult } from './policy.ts';
import type { Severity } from './trivy-report.ts';

const securitySeverity: Record<Severity, string> = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0', UNKNOWN: '0.0' };

export interface SarifImage {
  result: ScanResult;
  /** Repository file the alerts are shown on (the image's Dockerfile); default the artifact name. */
  location?: string;
}

const levelOf = (finding: EvaluatedFinding): Result.level => {
  if (finding.decision === 'blocking') return 'error';
  return finding.vulnerability.severity === 'LOW' || finding.vulnerability.severity === 'UNKNOWN' ? 'note' : 'warning';
};

/** The SARIF log, typed by @types/sarif (the SARIF 2.1.0 schema's TypeScript definitions). */
export function scanSarif(images: readonly SarifImage[], trivyVersion?: string): Log {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: images.map(({ result, location }) => {
      const counted = result.findings.filter((finding) => finding.decision === 'blocking' || finding.decision === 'allowed');
      const rules = new Map<string, ReportingDescriptor>();
      for (const { vulnerability: v } of counted) {
        if (rules.has(v.id)) continue;
        const title = v.title ?? v.id;
        rules.set(v.id, {
          id: v.id,
          name: 'OsPackageVulnerability',
          shortDescription: { text: title },
          fullDescription: { text: title },
          ...(v.primaryUrl ? { helpUri: v.primaryUrl } : {}),
          help: {
            text: `Vulnerability ${v.id}\nSeverity: ${v.severity}\nPackage: ${v.pkgName}\nFixed version: ${v.fixedVersion ?? 'none yet'}${v.primaryUrl ? `\nLink: ${v.primaryUrl}` : ''}`,
            markdown: `**Vulnerability ${v.id}**\n| Severity | Package | Fixed version | Link |\n| --- | --- | --- | --- |\n| ${v.severity} | ${v.pkgName} | ${v.fixedVersion ?? 'none yet'} | ${v.primaryUrl ? `[${v.id}](${v.primaryUrl})` : ''} |`,
          },
          defaultConfiguration: { level: v.severity === 'CRITICAL' || v.severity === 'HIGH' ? 'error' : 'warning' },
          properties: {
            tags: ['vulnerability', 'security', v.severity],
            precision: 'very-high',
            'security-severity': securitySeverity[v.severity],
          },
        });
      }
      const uri = (location ?? result.artifact ?? result.name).replace(/^\/+/, '');
      return {
        tool: {
          driver: {
            name: 'Trivy',
            informationUri: 'https://github.com/aquasecurity/trivy',
            ...(trivyVersion ? { version: trivyVersion } : {}),
            rules: [...rules.values()],
          },
        },
        automationDetails: { id: `slipway-scan/${result.name}/` },
        results: counted.map((finding): Result => {
          const v = finding.vulnerability;
          return {
            ruleId: v.id,
            ruleIndex: [...rules.keys()].indexOf(v.id),
            level: levelOf(finding),
            message: {
              text: `${result.name}: ${v.pkgName} ${v.installedVersion} has ${v.id} (${v.severity})${v.fixedVersion ? `, fixed in ${v.fixedVersion}` : ', no fix yet'}${v.pkgPath ? ` at ${v.pkgPath}` : ''} in ${result.artifact || result.name}`,
            },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri, uriBaseId: 'ROOTPATH' },
                  region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
                },
              },
            ],
          };
        }),
      };
    }),
  };
}
