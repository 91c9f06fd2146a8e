import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanSarif } from './sarif.ts';
import { evaluateScan } from './policy.ts';
import type { ScanPolicy } from './policy.ts';
import { scanJobSummary } from './summary.ts';
import { parseTrivyIgnore } from './trivy-ignore.ts';
import { parseTrivyReport } from './trivy-report.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'test-support', 'fixtures', 'trivy');
const report = (name: string) => parseTrivyReport(readFileSync(join(fixtures, name), 'utf8'), name);
const policy: ScanPolicy = {
  failOn: ['CRITICAL', 'HIGH'],
  ignoreUnfixed: true,
  ignores: parseTrivyIgnore('CVE-2024-45491 exp:2026-01-01\nCVE-2024-52798\n', '.trivyignore'),
  now: new Date('2026-11-22T04:00:00Z'),
};

describe('SARIF 2.1.0 for code scanning', () => {
  const cart = evaluateScan('cart', report('cart-alpine.json'), policy);
  const order = evaluateScan('order', report('order-debian.json'), policy);
  const sarif = scanSarif([{ result: cart, location: 'app-repo/services/cart/Dockerfile' }, { result: order }], '0.58.1');

  it('has one run per image with its own category', () => {
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs.map((run) => run.automationDetails?.id)).toEqual(['slipway-scan/cart/', 'slipway-scan/order/']);
    expect(sarif.runs[0]?.tool.driver).toMatchObject({ name: 'Trivy', version: '0.58.1' });
  });

  it('reports counted findings only, blocking ones as errors, on the Dockerfile', () => {
    const run = sarif.runs[0];
    // CVE-2024-52798 is ignored; CVE-2024-9143 appears twice (libcrypto3, libssl3) under one rule.
    expect(run?.results?.map((result) => [result['ruleId'], result['level']])).toEqual([
      ['CVE-2024-45491', 'error'],
      ['CVE-2024-9143', 'warning'],
      ['CVE-2024-9143', 'warning'],
      ['CVE-2024-21538', 'error'],
      ['CVE-2025-5889', 'note'],
    ]);
    expect(run?.tool.driver.rules?.map((rule) => [rule.id, rule.properties?.['security-severity']])).toEqual([
      ['CVE-2024-45491', '9.5'],
      ['CVE-2024-9143', '5.5'],
      ['CVE-2024-21538', '8.0'],
      ['CVE-2025-5889', '2.0'],
    ]);
    const first = run?.results?.[0] as unknown as {
      ruleIndex: number;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }>;
    };
    expect(first.ruleIndex).toBe(0);
    expect(first.locations[0]?.physicalLocation.artifactLocation.uri).toBe('app-repo/services/cart/Dockerfile');
    expect(sarif.runs[1]?.results?.map((result) => result['ruleId'])).toEqual(['CVE-2025-0395', 'CVE-2024-56171']);
  });

  it('summarises each image and lists blocking findings and expired ignores', () => {
    const summary = scanJobSummary([cart, order, evaluateScan('product', report('product-distroless-clean.json'), policy)], policy);
    expect(summary).toContain('Policy: fail on CRITICAL, HIGH; findings without a fix ignored.');
    expect(summary).toContain(
      '| cart<br>`123456789012.dkr.ecr.ap-south-1.amazonaws.com/slipway/cart:sha-860c190` | 1 | 1 | 2 | 1 | 0 | 1 | ❌ 2 blocking |',
    );
    expect(summary).toContain(
      '| order<br>`123456789012.dkr.ecr.ap-south-1.amazonaws.com/slipway/order:sha-860c190` | 0 | 2 | 0 | 0 | 0 | 5 | ❌ 2 blocking |',
    );
    expect(summary).toMatch(/\| product<br>.* \| 0 \| 0 \| 0 \| 0 \| 0 \| 0 \| ✅ passed \|/);
    expect(summary).toContain(
      '| [CVE-2024-45491](https://avd.aquasec.com/nvd/cve-2024-45491) | CRITICAL | expat | 2.6.2-r0 | 2.6.3-r0 | fixed |',
    );
    expect(summary).toContain('- ignore entry for CVE-2024-45491 at `.trivyignore:1` expired on 2026-01-01: it counts again');
  });
});
