import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReleaseManifest, formatReleaseManifest, parseReleaseManifest } from '../lib/release/release-manifest.ts';
import { errorLines, itFailsWithNoInputs, runAction } from '../test-support/action-run.ts';

const action = import.meta.dirname;
const fixtures = join(action, '..', 'test-support', 'fixtures', 'trivy');
const digest = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;

function workspaceWith(files: Record<string, string> = {}): string {
  const workspace = mkdtempSync(join(tmpdir(), 'slipway-scan-action-'));
  mkdirSync(join(workspace, 'reports'));
  for (const name of ['cart-alpine.json', 'order-debian.json', 'product-distroless-clean.json'])
    copyFileSync(join(fixtures, name), join(workspace, 'reports', name));
  mkdirSync(join(workspace, 'app-repo', 'services', 'cart'), { recursive: true });
  writeFileSync(join(workspace, 'app-repo', 'services', 'cart', 'Dockerfile'), 'FROM scratch\n');
  const manifest = createReleaseManifest({
    createdAt: '2026-11-22T04:00:00Z',
    source: { repository: 'acme/slipway', commit: '860c1904a1ce19322e91ac35af1ab07466440c37' },
    services: Object.fromEntries(
      ['cart', 'order', 'product'].map((service, index) => [
        service,
        {
          image: {
            repository: `123456789012.dkr.ecr.ap-south-1.amazonaws.com/slipway/${service}`,
            tag: 'sha-860c190',
            digest: digest(String(index + 1)),
          },
        },
      ]),
    ),
  });
  writeFileSync(join(workspace, 'release-manifest.json'), formatReleaseManifest(manifest));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(workspace, path), text);
  return workspace;
}

const reports = 'cart=reports/cart-alpine.json\norder=reports/order-debian.json\nproduct=reports/product-distroless-clean.json';
const runnerEnv = { GITHUB_REPOSITORY: 'acme/slipway', GITHUB_RUN_ID: '42', GITHUB_SERVER_URL: 'https://github.com' };

describe('the scan action bundle, run as the GitHub runner runs it', () => {
  itFailsWithNoInputs(action, "input 'release-manifest' or 'reports' is required: the images to scan, or Trivy JSON reports to judge");

  it('fails listing the blocking findings; writes SARIF, the summary and the manifest scan summary', async () => {
    const workspace = workspaceWith({ '.trivyignore': '# until the base image bump\nCVE-2024-45491 exp:2026-01-01\nCVE-2024-52798\n' });
    const run = await runAction(action, {
      workspace,
      inputs: { 'release-manifest': 'release-manifest.json', reports, 'ignore-unfixed': 'true' },
      env: runnerEnv,
    });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([
      [
        '4 blocking findings (policy: fail on CRITICAL, HIGH, unfixed ignored):',
        '- cart: CVE-2024-45491 CRITICAL in expat 2.6.2-r0 (fixed in 2.6.3-r0)',
        '- cart: CVE-2024-21538 HIGH in cross-spawn 7.0.3 (fixed in 7.0.5, 6.0.6)',
        '- order: CVE-2025-0395 HIGH in libc6 2.36-9+deb12u9 (no fix yet)',
        '- order: CVE-2024-56171 HIGH in libxml2 2.9.14+dfsg-1.3~deb12u1 (fixed in 2.9.14+dfsg-1.3~deb12u2)',
      ].join('\n'),
    ]);
    expect(run.outputs['passed']).toBe('false');
    expect(run.outputs['blocking']).toBe('4');
    const sarif = JSON.parse(readFileSync(join(workspace, 'trivy-results.sarif'), 'utf8')) as {
      version: string;
      runs: Array<{ results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }> }>;
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(3);
    expect(sarif.runs[0]?.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe('app-repo/services/cart/Dockerfile');
    const manifest = parseReleaseManifest(readFileSync(join(workspace, 'release-manifest.json'), 'utf8'));
    expect(manifest.services['cart']?.scan).toEqual({
      status: 'failed',
      scanner: 'trivy',
      critical: 1,
      high: 1,
      medium: 2,
      low: 1,
      reportUrl: 'https://github.com/acme/slipway/actions/runs/42',
      // The IDs behind the counts (one CVE found in two packages counts twice, is listed once): the evidence's vulnerability delta.
      vulnerabilities: { critical: ['CVE-2024-45491'], high: ['CVE-2024-21538'], medium: ['CVE-2024-9143'], low: ['CVE-2025-5889'] },
    });
    expect(manifest.services['product']?.scan).toEqual({
      status: 'passed',
      scanner: 'trivy',
      critical: 0,
      high: 0,
      medium: 0,
      low: 0,
      reportUrl: 'https://github.com/acme/slipway/actions/runs/42',
      vulnerabilities: { critical: [], high: [], medium: [], low: [] },
    });
    expect(run.summary).toContain('| Image | Critical | High | Medium | Low | Unknown | Ignored | Result |');
    expect(run.summary).toContain('- ignore entry for CVE-2024-45491 at `.trivyignore:2` expired on 2026-01-01: it counts again');
  });

  it('passes when nothing blocks and records it', async () => {
    const workspace = workspaceWith();
    const run = await runAction(action, {
      workspace,
      inputs: {
        'release-manifest': 'release-manifest.json',
        reports: 'product=reports/product-distroless-clean.json\ncart=reports/cart-alpine.json',
        severity: 'critical',
        'ignore-files': '.trivyignore.yaml',
      },
      env: runnerEnv,
    });
    // cart's CRITICAL blocks unless ignored: ignore it in the YAML file with a future expiry.
    expect(run.code).toBe(1);
    writeFileSync(
      join(workspace, '.trivyignore.yaml'),
      'vulnerabilities:\n  - id: CVE-2024-45491\n    statement: expat is not used for untrusted XML\n    expired_at: 2099-01-01\n',
    );
    const again = await runAction(action, {
      workspace,
      inputs: {
        reports: 'product=reports/product-distroless-clean.json\ncart=reports/cart-alpine.json',
        severity: 'critical',
        'ignore-files': '.trivyignore.yaml',
      },
      env: runnerEnv,
    });
    expect(errorLines(again)).toEqual([]);
    expect(again.code).toBe(0);
    expect(again.outputs['passed']).toBe('true');
    expect(JSON.parse(again.outputs['results'] ?? '[]')).toEqual([
      {
        name: 'product',
        artifact: '123456789012.dkr.ecr.ap-south-1.amazonaws.com/slipway/product:sha-860c190',
        passed: true,
        counts: { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, UNKNOWN: 0 },
        blocking: [],
      },
      {
        name: 'cart',
        artifact: '123456789012.dkr.ecr.ap-south-1.amazonaws.com/slipway/cart:sha-860c190',
        passed: true,
        counts: { CRITICAL: 0, HIGH: 2, MEDIUM: 2, LOW: 1, UNKNOWN: 0 },
        blocking: [],
      },
    ]);
  });

  it.each<{ name: string; files?: Record<string, string>; inputs: Record<string, string>; message: RegExp }>([
    {
      name: 'a missing report file',
      inputs: { reports: 'cart=reports/nope.json' },
      message: /^input 'reports': reports\/nope\.json does not exist in the workspace$/,
    },
    {
      name: 'corrupt report JSON',
      files: { 'reports/broken.json': '{"SchemaVersion": 2, "Results": [' },
      inputs: { reports: 'cart=reports/broken.json' },
      message: /^input 'reports' \(reports\/broken\.json\) is not valid JSON/,
    },
    {
      name: 'an unknown severity',
      inputs: { reports: 'cart=reports/cart-alpine.json', severity: 'CRITICAL,SEVERE' },
      message: /^input 'severity': 'SEVERE' is not a Trivy severity/,
    },
    {
      name: 'a malformed reports line',
      inputs: { reports: 'reports/cart-alpine.json' },
      message: /^input 'reports': 'reports\/cart-alpine\.json' is not service=path/,
    },
    {
      name: 'a corrupt release manifest',
      files: { 'bad-manifest.json': '{"schemaVersion": 1' },
      inputs: { 'release-manifest': 'bad-manifest.json', reports: 'cart=reports/cart-alpine.json' },
      message: /^input 'release-manifest' \(bad-manifest\.json\) is not valid JSON/,
    },
    {
      name: 'a report for a service not in the manifest',
      inputs: { 'release-manifest': 'release-manifest.json', reports: 'payment=reports/cart-alpine.json' },
      message: /^input 'reports': service 'payment' is not in the release manifest/,
    },
    {
      name: 'a bad expiry in .trivyignore',
      files: { '.trivyignore': 'CVE-1 exp:2026-02-30\n' },
      inputs: { reports: 'cart=reports/cart-alpine.json' },
      message: /^\.trivyignore:1: expiry '2026-02-30' is not a date/,
    },
  ])('names the input for $name and writes nothing', async ({ files, inputs, message }) => {
    const workspace = workspaceWith(files);
    const before = readFileSync(join(workspace, 'release-manifest.json'), 'utf8');
    const run = await runAction(action, { workspace, inputs, env: runnerEnv });
    expect(run.code).toBe(1);
    const errors = errorLines(run);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(message);
    expect(`${run.stdout}${run.stderr}`).not.toMatch(/\n\s+at /);
    expect(() => readFileSync(join(workspace, 'trivy-results.sarif'))).toThrow();
    expect(readFileSync(join(workspace, 'release-manifest.json'), 'utf8')).toBe(before);
  });

  it('runs trivy on each manifest image by digest with the full report and no filtering of its own (a stand-in trivy executable: the real one needs its online database)', async () => {
    const workspace = workspaceWith();
    const bin = mkdtempSync(join(tmpdir(), 'slipway-trivy-bin-'));
    const calls = join(bin, 'calls.log');
    // Answers `trivy --version` and `trivy image … --output FILE REF` with a real-format report per image.
    writeFileSync(
      join(bin, 'trivy'),
      `#!/bin/sh\nif [ "$1" = "--version" ]; then echo "Version: 0.58.1"; exit 0; fi\necho "$*" >> '${calls}'\nout=""; prev=""; for a in "$@"; do [ "$prev" = "--output" ] && out="$a"; prev="$a"; done\ncase "$*" in *slipway/cart@*) cp '${join(fixtures, 'cart-alpine.json')}' "$out";; *) cp '${join(fixtures, 'product-distroless-clean.json')}' "$out";; esac\n`,
    );
    chmodSync(join(bin, 'trivy'), 0o755);
    const run = await runAction(action, {
      workspace,
      inputs: { 'release-manifest': 'release-manifest.json', 'trivy-args': '--timeout 10m' },
      env: { ...runnerEnv, PATH: `${bin}:${process.env['PATH'] ?? ''}` },
    });
    expect(run.code).toBe(1);
    const lines = readFileSync(calls, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      new RegExp(
        `^image --quiet --format json --scanners vuln --ignorefile \\S+empty\\.trivyignore --output \\S+cart\\.json --timeout 10m 123456789012\\.dkr\\.ecr\\.ap-south-1\\.amazonaws\\.com/slipway/cart@sha256:1{64}$`,
      ),
    );
    const manifest = parseReleaseManifest(readFileSync(join(workspace, 'release-manifest.json'), 'utf8'));
    expect(manifest.services['cart']?.scan).toMatchObject({ status: 'failed', scanner: 'trivy 0.58.1', critical: 1, high: 2 });
    expect(manifest.services['order']?.scan).toMatchObject({ status: 'passed', scanner: 'trivy 0.58.1', critical: 0 });
    expect(errorLines(run)[0]).toMatch(/^3 blocking findings/);
    expect(run.summary).toContain('| cart<br>`123456789012.dkr.ecr.ap-south-1.amazonaws.com/slipway/cart:sha-860c190@sha256:');
  });

  it('says how to get trivy when it must scan an image and trivy is not installed', async () => {
    const workspace = workspaceWith();
    const run = await runAction(action, {
      workspace,
      inputs: { 'release-manifest': 'release-manifest.json' },
      env: { ...runnerEnv, PATH: '/nonexistent' },
    });
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([
      'trivy is not installed on this runner: add aquasecurity/setup-trivy before this step, or give Trivy JSON reports (input reports)',
    ]);
  });
});
