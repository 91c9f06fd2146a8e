import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeBlocking, evaluateScan, isUnfixed, parseSeverities, scanSummary, ScanPolicyError } from './policy.ts';
import type { Decision, ScanPolicy } from './policy.ts';
import { parseTrivyIgnore, parseTrivyIgnoreYaml } from './trivy-ignore.ts';
import { parseTrivyReport } from './trivy-report.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'test-support', 'fixtures', 'trivy');
const report = (name: string) => parseTrivyReport(readFileSync(join(fixtures, name), 'utf8'), name);
const now = new Date('2026-11-22T04:00:00Z');

describe('scan policy on real-format Trivy reports (SchemaVersion 2)', () => {
  const table: Array<{
    name: string;
    file: string;
    failOn?: string;
    ignoreUnfixed?: boolean;
    trivyignore?: string;
    trivyignoreYaml?: string;
    at?: Date;
    blocking: string[];
    counts: [number, number, number, number, number];
    expiredIgnores?: string[];
  }> = [
    {
      name: 'alpine image, CRITICAL and HIGH fail',
      file: 'cart-alpine.json',
      blocking: ['CVE-2024-45491', 'CVE-2024-21538', 'CVE-2024-52798'],
      counts: [1, 2, 2, 1, 0],
    },
    { name: 'only CRITICAL fails', file: 'cart-alpine.json', failOn: 'critical', blocking: ['CVE-2024-45491'], counts: [1, 2, 2, 1, 0] },
    {
      name: 'MEDIUM and LOW fail',
      file: 'cart-alpine.json',
      failOn: 'MEDIUM, LOW',
      blocking: ['CVE-2024-9143', 'CVE-2024-9143', 'CVE-2025-5889'],
      counts: [1, 2, 2, 1, 0],
    },
    {
      name: 'ignored until a future date, and by path in the YAML file',
      file: 'cart-alpine.json',
      trivyignore: '# accepted until the base image bump\nCVE-2024-45491 exp:2027-01-01\n',
      trivyignoreYaml:
        'vulnerabilities:\n  - id: CVE-2024-21538\n    paths:\n      - "usr/local/lib/node_modules/npm/**"\n    statement: npm is not run in production\n',
      blocking: ['CVE-2024-52798'],
      counts: [0, 1, 2, 1, 0],
    },
    {
      name: 'an expired .trivyignore entry counts again',
      file: 'cart-alpine.json',
      trivyignore: 'CVE-2024-45491 exp:2026-11-01\n',
      blocking: ['CVE-2024-45491', 'CVE-2024-21538', 'CVE-2024-52798'],
      counts: [1, 2, 2, 1, 0],
      expiredIgnores: ['CVE-2024-45491'],
    },
    {
      name: 'an expired .trivyignore.yaml entry counts again',
      file: 'cart-alpine.json',
      trivyignoreYaml: 'vulnerabilities:\n  - id: CVE-2024-52798\n    expired_at: 2025-05-01\n    statement: review in six months\n',
      blocking: ['CVE-2024-45491', 'CVE-2024-21538', 'CVE-2024-52798'],
      counts: [1, 2, 2, 1, 0],
      expiredIgnores: ['CVE-2024-52798'],
    },
    {
      name: 'an ignore on the expiry day still applies at 00:00 UTC',
      file: 'cart-alpine.json',
      trivyignore: 'CVE-2024-45491 exp:2026-11-22\n',
      at: new Date('2026-11-22T00:00:00Z'),
      blocking: ['CVE-2024-21538', 'CVE-2024-52798'],
      counts: [0, 2, 2, 1, 0],
    },
    {
      name: 'an ignore on the expiry day has expired after 00:00 UTC',
      file: 'cart-alpine.json',
      trivyignore: 'CVE-2024-45491 exp:2026-11-22\n',
      blocking: ['CVE-2024-45491', 'CVE-2024-21538', 'CVE-2024-52798'],
      counts: [1, 2, 2, 1, 0],
      expiredIgnores: ['CVE-2024-45491'],
    },
    {
      name: 'a YAML ignore for another path does not apply',
      file: 'cart-alpine.json',
      trivyignoreYaml: 'vulnerabilities:\n  - id: CVE-2024-21538\n    paths: ["app/**"]\n',
      blocking: ['CVE-2024-45491', 'CVE-2024-21538', 'CVE-2024-52798'],
      counts: [1, 2, 2, 1, 0],
    },
    {
      name: 'debian statuses count without ignore-unfixed',
      file: 'order-debian.json',
      blocking: ['CVE-2023-45853', 'CVE-2023-31484', 'CVE-2025-0395', 'CVE-2024-56171'],
      counts: [1, 3, 1, 1, 1],
    },
    {
      name: 'ignore-unfixed hides affected, will_not_fix, fix_deferred, end_of_life (not under_investigation)',
      file: 'order-debian.json',
      ignoreUnfixed: true,
      blocking: ['CVE-2025-0395', 'CVE-2024-56171'],
      counts: [0, 2, 0, 0, 0],
    },
    {
      name: 'no Status and no FixedVersion is unfixed',
      file: 'frontend-legacy-no-status.json',
      ignoreUnfixed: true,
      blocking: ['CVE-2023-0464'],
      counts: [0, 1, 0, 0, 0],
    },
    {
      name: 'no Status: both count without ignore-unfixed',
      file: 'frontend-legacy-no-status.json',
      blocking: ['CVE-2023-0464', 'CVE-2022-48174'],
      counts: [1, 1, 0, 0, 0],
    },
    {
      name: 'results without a Vulnerabilities key pass',
      file: 'product-distroless-clean.json',
      failOn: 'CRITICAL,HIGH,MEDIUM,LOW,UNKNOWN',
      blocking: [],
      counts: [0, 0, 0, 0, 0],
    },
  ];

  it.each(table)('$name', ({ file, failOn, ignoreUnfixed, trivyignore, trivyignoreYaml, at, blocking, counts, expiredIgnores }) => {
    const policy: ScanPolicy = {
      failOn: parseSeverities(failOn ?? 'CRITICAL,HIGH', 'severity'),
      ignoreUnfixed: ignoreUnfixed ?? false,
      ignores: [
        ...(trivyignore ? parseTrivyIgnore(trivyignore, '.trivyignore') : []),
        ...(trivyignoreYaml ? parseTrivyIgnoreYaml(trivyignoreYaml, '.trivyignore.yaml') : []),
      ],
      now: at ?? now,
    };
    const result = evaluateScan('svc', report(file), policy);
    expect(result.blocking.map((finding) => finding.vulnerability.id)).toEqual(blocking);
    expect([result.counts.CRITICAL, result.counts.HIGH, result.counts.MEDIUM, result.counts.LOW, result.counts.UNKNOWN]).toEqual(counts);
    expect(result.passed).toBe(blocking.length === 0);
    expect(result.findings.filter((finding) => finding.ignoreExpired).map((finding) => finding.vulnerability.id)).toEqual(
      expiredIgnores ?? [],
    );
  });

  it('records which entry ignored a finding', () => {
    const ignores = parseTrivyIgnoreYaml('vulnerabilities:\n  - id: CVE-2024-45491\n    statement: not reachable\n', '.trivyignore.yaml');
    const result = evaluateScan('cart', report('cart-alpine.json'), { failOn: ['CRITICAL'], ignoreUnfixed: false, ignores, now });
    const ignored = result.findings.filter((finding) => finding.decision === ('ignored' satisfies Decision));
    expect(ignored).toHaveLength(1);
    expect(ignored[0]?.ignore).toEqual({ id: 'CVE-2024-45491', statement: 'not reachable', source: '.trivyignore.yaml:2' });
  });

  it('describes blocking findings and the manifest summary', () => {
    const result = evaluateScan('order', report('order-debian.json'), {
      failOn: ['CRITICAL', 'HIGH'],
      ignoreUnfixed: true,
      ignores: [],
      now,
    });
    expect(describeBlocking([result])).toEqual([
      'order: CVE-2025-0395 HIGH in libc6 2.36-9+deb12u9 (no fix yet)',
      'order: CVE-2024-56171 HIGH in libxml2 2.9.14+dfsg-1.3~deb12u1 (fixed in 2.9.14+dfsg-1.3~deb12u2)',
    ]);
    expect(scanSummary(result, 'trivy', 'https://github.com/acme/shop/actions/runs/1')).toEqual({
      status: 'failed',
      scanner: 'trivy',
      critical: 0,
      high: 2,
      medium: 0,
      low: 0,
      vulnerabilities: { critical: [], high: ['CVE-2024-56171', 'CVE-2025-0395'], medium: [], low: [] },
      reportUrl: 'https://github.com/acme/shop/actions/runs/1',
    });
  });

  it('records in the manifest summary the IDs of counted findings only, never an ignored one', () => {
    const ignores = parseTrivyIgnoreYaml('vulnerabilities:\n  - id: CVE-2024-45491\n    statement: not reachable\n', '.trivyignore.yaml');
    const result = evaluateScan('cart', report('cart-alpine.json'), { failOn: ['CRITICAL'], ignoreUnfixed: false, ignores, now });
    const summary = scanSummary(result, 'trivy');
    const ids = Object.values(summary.vulnerabilities ?? {}).flat();
    expect(ids).not.toContain('CVE-2024-45491');
    const counted = result.findings.filter((finding) => finding.decision === 'allowed' || finding.decision === 'blocking');
    expect(new Set(ids)).toEqual(new Set(counted.map((finding) => finding.vulnerability.id)));
    expect(ids.length).toBeGreaterThan(0);
  });

  it.each([
    [{ status: 'fixed', fixedVersion: '1' }, false],
    [{ status: 'affected' }, true],
    [{ status: 'will_not_fix' }, true],
    [{ status: 'fix_deferred' }, true],
    [{ status: 'end_of_life' }, true],
    [{ status: 'under_investigation' }, false],
    [{ fixedVersion: '1.2' }, false],
    [{}, true],
  ])('unfixed(%j) is %s', (fields, expected) => {
    expect(isUnfixed({ id: 'CVE-1', pkgName: 'p', installedVersion: '1', severity: 'HIGH', ...fields })).toBe(expected);
  });

  it.each([
    ['CRITICAL,SEVERE', /'SEVERE' is not a Trivy severity; use CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN/],
    ['', /give at least one severity/],
    [' , ', /give at least one severity/],
  ])('refuses severity list %j naming the input', (text, message) => {
    expect(() => parseSeverities(text, "input 'severity'")).toThrow(ScanPolicyError);
    expect(() => parseSeverities(text, "input 'severity'")).toThrow(message);
    expect(() => parseSeverities(text, "input 'severity'")).toThrow(/^input 'severity': /);
  });
});
