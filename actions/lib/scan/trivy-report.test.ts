import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isExpired, parseTrivyIgnore, parseTrivyIgnoreYaml, ruleMatches, TrivyIgnoreError } from './trivy-ignore.ts';
import { parseTrivyReport, TrivyReportError } from './trivy-report.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'test-support', 'fixtures', 'trivy');

describe('Trivy JSON report (SchemaVersion 2)', () => {
  it('keeps targets without a Vulnerabilities key and findings without FixedVersion', () => {
    const report = parseTrivyReport(readFileSync(join(fixtures, 'order-debian.json'), 'utf8'), 'order.json');
    expect(report.artifactName).toBe('123456789012.dkr.ecr.ap-south-1.amazonaws.com/slipway/order:sha-860c190');
    expect(report.artifactType).toBe('container_image');
    const first = report.results[0]?.vulnerabilities[0];
    expect(first).toEqual({
      id: 'CVE-2023-45853',
      pkgName: 'zlib1g',
      installedVersion: '1:1.2.13.dfsg-1',
      status: 'will_not_fix',
      severity: 'CRITICAL',
      title: 'zlib: integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_6',
      primaryUrl: 'https://avd.aquasec.com/nvd/cve-2023-45853',
    });
    const clean = parseTrivyReport(readFileSync(join(fixtures, 'product-distroless-clean.json'), 'utf8'), 'product.json');
    expect(clean.results.map((result) => [result.target.split(' ')[1] ?? result.target, result.vulnerabilities.length])).toEqual([
      ['(debian', 0],
      ['app/node_modules/.package-lock.json', 0],
    ]);
  });

  it('reads a report with no Results at all', () => {
    expect(parseTrivyReport('{"SchemaVersion":2,"ArtifactName":"x"}', 'r.json').results).toEqual([]);
  });

  it.each([
    ['{"SchemaVersion": 2, ', /^bad\.json is not valid JSON \(.+\): give the file trivy wrote with --format json$/],
    ['[]', /^bad\.json: \(top level\) must be an object/],
    ['{"SchemaVersion": 1, "Results": []}', /^bad\.json: SchemaVersion is 1; only Trivy's SchemaVersion 2/],
    ['{"SchemaVersion": 2, "Results": {}}', /^bad\.json: Results must be an array/],
    ['{"SchemaVersion": 2, "Results": [{"Vulnerabilities": []}]}', /^bad\.json: Results\[0\]\.Target must be a string/],
    [
      '{"SchemaVersion": 2, "Results": [{"Target": "t", "Vulnerabilities": [{"VulnerabilityID": "CVE-1", "PkgName": "p", "Severity": "SEVERE"}]}]}',
      /^bad\.json: Results\[0\]\.Vulnerabilities\[0\]\.Severity 'SEVERE' is not one of CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN$/,
    ],
    [
      '{"SchemaVersion": 2, "Results": [{"Target": "t", "Vulnerabilities": [{"PkgName": "p", "Severity": "LOW"}]}]}',
      /Vulnerabilities\[0\]\.VulnerabilityID is missing/,
    ],
  ])('refuses %s naming the file and field', (text, message) => {
    expect(() => parseTrivyReport(text, 'bad.json')).toThrow(TrivyReportError);
    expect(() => parseTrivyReport(text, 'bad.json')).toThrow(message);
  });
});

describe('Trivy ignore files', () => {
  it('reads .trivyignore lines with comments and expiry', () => {
    expect(
      parseTrivyIgnore('# header\n\nCVE-2024-1\nCVE-2024-2 exp:2027-02-28\n  GHSA-xxxx-yyyy-zzzz   # trailing note\n', '.trivyignore'),
    ).toEqual([
      { id: 'CVE-2024-1', source: '.trivyignore:3' },
      { id: 'CVE-2024-2', expiresOn: '2027-02-28', source: '.trivyignore:4' },
      { id: 'GHSA-xxxx-yyyy-zzzz', source: '.trivyignore:5' },
    ]);
  });

  it('reads .trivyignore.yaml entries (other sections are not about images)', () => {
    const yaml =
      'vulnerabilities:\n  - id: CVE-2024-1\n  - id: CVE-2024-2\n    paths: ["usr/lib/**"]\n    statement: "Review in 6 months"\n    expired_at: 2027-05-01\nmisconfigurations:\n  - id: AVD-DS-0002\n';
    expect(parseTrivyIgnoreYaml(yaml, '.trivyignore.yaml')).toEqual([
      { id: 'CVE-2024-1', source: '.trivyignore.yaml:2' },
      { id: 'CVE-2024-2', paths: ['usr/lib/**'], statement: 'Review in 6 months', expiresOn: '2027-05-01', source: '.trivyignore.yaml:3' },
    ]);
    expect(parseTrivyIgnoreYaml('', '.trivyignore.yaml')).toEqual([]);
    expect(parseTrivyIgnoreYaml('vulnerabilities:\n', '.trivyignore.yaml')).toEqual([]);
  });

  it.each([
    ['.trivyignore', 'CVE-1\nCVE-2 exp:2026-13-01\n', /^\.trivyignore:2: expiry '2026-13-01' is not a date in the form YYYY-MM-DD$/],
    ['.trivyignore', 'CVE-1 until:2026-01-01\n', /^\.trivyignore:1: unexpected 'until:2026-01-01'/],
    ['.trivyignore.yaml', 'vulnerabilities:\n  - id: CVE-1\n    expired_at: next week\n', /^\.trivyignore\.yaml:2: expiry 'next week'/],
    ['.trivyignore.yaml', 'vulnerabilities:\n  - statement: x\n', /^\.trivyignore\.yaml:2: 'id' must be a non-empty string/],
    [
      '.trivyignore.yaml',
      'vulnerabilities:\n  - id: CVE-1\n    purls: ["pkg:npm/a@1"]\n',
      /^\.trivyignore\.yaml:2: 'purls' is not supported/,
    ],
    ['.trivyignore.yaml', 'vulnerabilities:\n  - id: CVE-1\n    path: a\n', /unknown key 'path'/],
    ['.trivyignore.yaml', 'vulnerabilities: [\n', /^\.trivyignore\.yaml:\d+: not valid YAML/],
    ['.trivyignore.yaml', 'vulnerabilities: CVE-1\n', /'vulnerabilities' must be a list/],
  ])('%s %j is refused with its line', (file, text, message) => {
    const parse = file.endsWith('.yaml') ? parseTrivyIgnoreYaml : parseTrivyIgnore;
    expect(() => parse(text, file)).toThrow(TrivyIgnoreError);
    expect(() => parse(text, file)).toThrow(message);
  });

  it('expires after 00:00 UTC of the date and matches paths as globs', () => {
    const rule = { id: 'CVE-1', expiresOn: '2026-11-22', paths: ['/usr/lib/**'], source: 'x:1' };
    expect(isExpired(rule, new Date('2026-11-21T23:59:59Z'))).toBe(false);
    expect(isExpired(rule, new Date('2026-11-22T00:00:01Z'))).toBe(true);
    expect(isExpired({ id: 'CVE-1', source: 'x:1' }, new Date('2999-01-01T00:00:00Z'))).toBe(false);
    expect(ruleMatches(rule, 'CVE-1', 'usr/lib/node/package.json')).toBe(true);
    expect(ruleMatches(rule, 'CVE-1', 'app/package.json')).toBe(false);
    expect(ruleMatches(rule, 'CVE-2', 'usr/lib/node/package.json')).toBe(false);
  });
});
