import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { slipwayInProcess } from '../../test-support/slipway-in-process.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'test-support', 'fixtures', 'trivy');

const slipway = (cwd: string, ...args: string[]) => slipwayInProcess(args, {}, cwd);

function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-scan-cli-'));
  for (const name of ['cart-alpine.json', 'order-debian.json', 'product-distroless-clean.json'])
    copyFileSync(join(fixtures, name), join(dir, name));
  return dir;
}

describe('slipway scan-policy', () => {
  it('exits 1 listing blocking findings, reads .trivyignore by default and writes SARIF', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, '.trivyignore'), 'CVE-2024-45491 exp:2026-01-01\nCVE-2024-52798\nCVE-2024-21538\n');
    const result = await slipway(cwd, 'scan-policy', 'cart=cart-alpine.json', 'product-distroless-clean.json', '--sarif', 'out.sarif');
    expect(result.code).toBe(1);
    expect(result.out).toEqual([
      'cart: 1 blocking (critical 1, high 0, medium 2, low 1, unknown 0)',
      '  CVE-2024-45491: ignore entry .trivyignore:1 expired on 2026-01-01, counted again',
      'product-distroless-clean: passed (critical 0, high 0, medium 0, low 0, unknown 0)',
      'blocking: cart: CVE-2024-45491 CRITICAL in expat 2.6.2-r0 (fixed in 2.6.3-r0)',
    ]);
    expect((JSON.parse(readFileSync(join(cwd, 'out.sarif'), 'utf8')) as { runs: unknown[] }).runs).toHaveLength(2);
  });

  it('exits 0 when nothing blocks, with JSON output', async () => {
    const result = await slipway(
      workspace(),
      'scan-policy',
      'order=order-debian.json',
      '--severity',
      'critical',
      '--ignore-unfixed',
      '--json',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out.join('\n'))).toEqual([
      {
        name: 'order',
        artifact: '123456789012.dkr.ecr.ap-south-1.amazonaws.com/slipway/order:sha-860c190',
        passed: true,
        counts: { CRITICAL: 0, HIGH: 2, MEDIUM: 0, LOW: 0, UNKNOWN: 0 },
        blocking: [],
      },
    ]);
  });

  it.each([
    [['scan-policy'], /give at least one Trivy JSON report/],
    [['scan-policy', 'cart-alpine.json', '--severity', 'SEVERE'], /--severity: 'SEVERE' is not a Trivy severity/],
    [['scan-policy', 'missing.json'], /<report\.\.\.>: missing\.json does not exist/],
    [['scan-policy', 'cart-alpine.json', '--ignore-file', 'nope'], /--ignore-file nope does not exist/],
  ])('exits 2 on bad usage: %j', async (args, message) => {
    const result = await slipway(workspace(), ...args);
    expect(result.code).toBe(2);
    expect(result.err.join('\n')).toMatch(message);
  });

  it('exits 1 naming a corrupt report', async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, 'broken.json'), '{');
    const result = await slipway(cwd, 'scan-policy', 'broken.json');
    expect(result.code).toBe(1);
    expect(result.err.join('\n')).toMatch(/^slipway scan-policy: broken\.json is not valid JSON/);
  });
});
