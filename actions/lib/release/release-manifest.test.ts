import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  annotateScan,
  createReleaseManifest,
  parseReleaseManifest,
  recordQualityGate,
  releaseManifestSchemaPath,
} from './release-manifest.ts';

const digest = `sha256:${'c'.repeat(64)}`;
type Spoilable = Record<string, unknown> & {
  services: Record<string, unknown> & { product: Record<string, unknown> & { image: Record<string, unknown> } };
};
const release = () =>
  createReleaseManifest({
    createdAt: '2026-11-22T03:00:00Z',
    source: { repository: 'example/slipway', commit: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b', ref: 'refs/heads/main' },
    services: {
      product: {
        image: { repository: 'registry.example.com/slipway/product', tag: 'sha-1a2b3c4', digest },
        chart: { revision: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b' },
      },
    },
  });

describe('release manifest', () => {
  it('is created valid, with an id from the commit and time, and round-trips through JSON', () => {
    const manifest = release();
    expect(manifest.id).toBe('1a2b3c4-20261122T030000Z');
    expect(parseReleaseManifest(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('is annotated by scan and quality gate without losing fields', () => {
    const scanned = annotateScan(release(), 'product', { status: 'passed', scanner: 'trivy', critical: 0, high: 1 });
    const gated = recordQualityGate(scanned, 'product', { status: 'passed' });
    expect(gated.services['product']).toMatchObject({
      scan: { status: 'passed', high: 1 },
      qualityGate: { status: 'passed' },
      chart: { revision: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b' },
    });
    expect(() => annotateScan(release(), 'cart', { status: 'passed' })).toThrow(/has no service 'cart' \(it has: product\)/);
  });

  it('records the vulnerability IDs per severity, and refuses a severity it does not count or an ID with a space', () => {
    const vulnerabilities = { high: ['CVE-2025-0395', 'RHSA-2024:1234'], low: ['DLA-3482-1'] };
    const scanned = annotateScan(release(), 'product', { status: 'passed', high: 2, low: 1, vulnerabilities });
    expect(parseReleaseManifest(JSON.stringify(scanned)).services['product']?.scan?.vulnerabilities).toEqual(vulnerabilities);
    const unknownSeverity = { status: 'passed' as const, vulnerabilities: { negligible: ['CVE-1'] } as never };
    expect(() => annotateScan(release(), 'product', unknownSeverity)).toThrow(/scan\/vulnerabilities: unknown field 'negligible'/);
    expect(() => annotateScan(release(), 'product', { status: 'passed', vulnerabilities: { high: ['CVE 1'] } })).toThrow(
      /scan\/vulnerabilities\/high\/0: must match pattern/,
    );
  });

  it.each([
    ['a missing digest', (m: Spoilable) => delete m.services.product.image.digest, /\/services\/product\/image: missing field 'digest'/],
    [
      'a tag digest',
      (m: Spoilable) => (m.services.product.image.digest = 'latest'),
      /\/services\/product\/image\/digest: must match pattern/,
    ],
    ['an unknown field', (m: Spoilable) => (m['extra'] = true), /\(top level\): unknown field 'extra'/],
    ['a bad time', (m: Spoilable) => (m['createdAt'] = 'yesterday'), /\/createdAt: must match format "date-time"/],
    [
      'an upper-case service',
      (m: Spoilable) => (m['services'] = { Product: m.services.product } as unknown as Spoilable['services']),
      /\/services: property name must be valid/,
    ],
    [
      'a chart revision that is a branch',
      (m: Spoilable) => (m.services.product['chart'] = { revision: 'main' }),
      /\/services\/product\/chart\/revision: must be a full 40-hex commit SHA/,
    ],
    [
      'a chart revision that is a short SHA',
      (m: Spoilable) => (m.services.product['chart'] = { revision: '1a2b3c4' }),
      /\/services\/product\/chart\/revision: must be a full 40-hex commit SHA .*not a branch, tag or short SHA/,
    ],
    [
      'an attestation without its id',
      (m: Spoilable) => (m.services.product['attestations'] = [{ predicateType: 'https://slsa.dev/provenance/v1' }]),
      /\/services\/product\/attestations\/0: missing field 'attestationId'/,
    ],
    [
      'an attestation id that is not a number',
      (m: Spoilable) => (m.services.product['attestations'] = [{ predicateType: 'https://slsa.dev/provenance/v1', attestationId: '' }]),
      /\/services\/product\/attestations\/0\/attestationId: must match pattern/,
    ],
    [
      'an attestation in the registry by tag',
      (m: Spoilable) =>
        (m.services.product['attestations'] = [
          {
            predicateType: 'https://slsa.dev/provenance/v1',
            attestationId: '1',
            referrersOf: 'registry.example.com/slipway/product:latest',
          },
        ]),
      /\/services\/product\/attestations\/0\/referrersOf: must match pattern/,
    ],
    [
      'a bad scan status',
      (m: Spoilable) => (m.services.product.scan = { status: 'ok' }),
      /\/services\/product\/scan\/status: must be one of passed, failed, not-scanned/,
    ],
  ])('rejects %s with the field path', (_name, spoil, message) => {
    const manifest = JSON.parse(JSON.stringify(release())) as Spoilable;
    spoil(manifest);
    expect(() => parseReleaseManifest(JSON.stringify(manifest), 'release.json')).toThrow(message);
    expect(() => parseReleaseManifest(JSON.stringify(manifest), 'release.json')).toThrow(/^release\.json does not match/);
  });

  it('rejects text that is not JSON', () => {
    expect(() => parseReleaseManifest('{', 'release.json')).toThrow(/release\.json is not valid JSON/);
  });

  it('accepts the documented example (actions/schemas/examples/release-manifest.json)', () => {
    const text = readFileSync(new URL('../../schemas/examples/release-manifest.json', import.meta.url), 'utf8');
    const example = parseReleaseManifest(text, 'example');
    expect(Object.keys(example.services)).toEqual(['product', 'cart']);
    expect(example.services['product']?.attestations?.map((attestation) => attestation.predicateType)).toEqual([
      'https://slsa.dev/provenance/v1',
      'https://cyclonedx.org/bom',
    ]);
  });

  it('publishes its schema at the documented path', () => {
    const schema = JSON.parse(readFileSync(new URL(`../../../${releaseManifestSchemaPath}`, import.meta.url), 'utf8')) as { title: string };
    expect(schema.title).toBe('Slipway release manifest');
  });
});
