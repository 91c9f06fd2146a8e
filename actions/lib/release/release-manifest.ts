/**
 * The release manifest: the unit of promotion. A JSON document (schema:
 * actions/schemas/release-manifest.schema.json) listing, per service, the exact image by digest,
 * the chart revision, the scan summary and the quality-gate status, plus the source commit and
 * creation time of the release. Build writes it, scan annotates it, promote consumes it.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from '../../schemas/release-manifest.schema.json' with { type: 'json' };
import type { PinnedImage } from './image-reference.ts';

export type ScanStatus = 'passed' | 'failed' | 'not-scanned';
export type QualityGateStatus = 'passed' | 'failed' | 'skipped' | 'pending';

export interface ScanSummary {
  status: ScanStatus;
  scanner?: string;
  critical?: number;
  high?: number;
  medium?: number;
  low?: number;
  /** The IDs the counts are made of, per severity; absent in manifests written before they were recorded. */
  vulnerabilities?: VulnerabilityIds;
  reportUrl?: string;
}

export type CountedSeverity = 'critical' | 'high' | 'medium' | 'low';
export type VulnerabilityIds = Partial<Record<CountedSeverity, string[]>>;

export interface QualityGate {
  status: QualityGateStatus;
  details?: string;
  url?: string;
}

/** Where a service's image came from, when that differs from the manifest's own release. */
export interface ServiceOrigin {
  releaseId: string;
  sourceCommit: string;
  createdAt: string;
}

/**
 * A signed attestation the release made of a service's image (actions/attest in release.yml): its
 * predicate type, its id and page in GitHub's attestation store, and the image whose registry
 * referrers hold it.
 */
export interface ServiceAttestation {
  predicateType: string;
  attestationId: string;
  url?: string;
  referrersOf?: string;
}

export interface ReleaseService {
  image: PinnedImage;
  chart?: { revision: string; path?: string };
  origin?: ServiceOrigin;
  scan?: ScanSummary;
  attestations?: ServiceAttestation[];
  qualityGate?: QualityGate;
}

export interface ReleaseManifest {
  schemaVersion: 1;
  id: string;
  createdAt: string;
  source: { repository: string; commit: string; ref?: string; runUrl?: string };
  services: Record<string, ReleaseService>;
}

/** Path of the published JSON Schema, relative to the repository root. */
export const releaseManifestSchemaPath = 'actions/schemas/release-manifest.schema.json';
export { schema as releaseManifestSchema };

export class ReleaseManifestError extends Error {
  override name = 'ReleaseManifestError';
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    ajv.addFormat('date-time', (text: string) => rfc3339.test(text) && !Number.isNaN(Date.parse(text)));
    ajv.addFormat('uri', (text: string) => URL.canParse(text));
    compiled = ajv.compile(schema);
  }
  return compiled;
}

function describe(error: ErrorObject): string {
  const at = error.instancePath === '' ? '(top level)' : error.instancePath;
  if (error.keyword === 'additionalProperties') return `${at}: unknown field '${String(error.params['additionalProperty'])}'`;
  if (error.keyword === 'required') return `${at}: missing field '${String(error.params['missingProperty'])}'`;
  if (error.keyword === 'enum') return `${at}: must be one of ${(error.params['allowedValues'] as unknown[]).join(', ')}`;
  if (error.keyword === 'pattern' && /\/chart\/revision$/.test(error.instancePath)) {
    return `${at}: must be a full 40-hex commit SHA (the Argo CD targetRevision the service is pinned to), not a branch, tag or short SHA that could move after the release was reviewed`;
  }
  return `${at}: ${error.message ?? error.keyword}`;
}

/** Checks a parsed value against the schema; throws ReleaseManifestError listing every problem. */
export function validateReleaseManifest(value: unknown, where = 'release manifest'): ReleaseManifest {
  const validate = validator();
  if (!validate(value)) {
    const problems = (validate.errors ?? []).filter((error) => error.keyword !== 'if').map(describe);
    throw new ReleaseManifestError(`${where} does not match ${releaseManifestSchemaPath}:\n  ${[...new Set(problems)].join('\n  ')}`);
  }
  return value as ReleaseManifest;
}

/** Parses and validates release-manifest JSON text. */
export function parseReleaseManifest(text: string, where = 'release manifest'): ReleaseManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ReleaseManifestError(`${where} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return validateReleaseManifest(value, where);
}

export function formatReleaseManifest(manifest: ReleaseManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export interface NewRelease {
  id?: string;
  createdAt?: Date | string;
  source: ReleaseManifest['source'];
  services: Record<string, ReleaseService>;
}

/** Builds a validated manifest; the id defaults to `<short commit>-<UTC time>`. */
export function createReleaseManifest(release: NewRelease): ReleaseManifest {
  const createdAt = release.createdAt === undefined ? new Date().toISOString() : new Date(release.createdAt).toISOString();
  const id = release.id ?? `${release.source.commit.slice(0, 7)}-${createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
  return validateReleaseManifest({ schemaVersion: 1, id, createdAt, source: release.source, services: release.services });
}

function withService(manifest: ReleaseManifest, service: string, change: (entry: ReleaseService) => ReleaseService): ReleaseManifest {
  const entry = manifest.services[service];
  if (!entry) {
    throw new ReleaseManifestError(
      `release ${manifest.id} has no service '${service}' (it has: ${Object.keys(manifest.services).join(', ')})`,
    );
  }
  return validateReleaseManifest({ ...manifest, services: { ...manifest.services, [service]: change(entry) } });
}

/** Records a scan result for one service (the scan action's annotation). */
export function annotateScan(manifest: ReleaseManifest, service: string, scan: ScanSummary): ReleaseManifest {
  return withService(manifest, service, (entry) => ({ ...entry, scan }));
}

/** Records the quality-gate status for one service. */
export function recordQualityGate(manifest: ReleaseManifest, service: string, qualityGate: QualityGate): ReleaseManifest {
  return withService(manifest, service, (entry) => ({ ...entry, qualityGate }));
}

/** The release a service's image belongs to: its own origin, else the manifest's release. */
export function serviceOrigin(manifest: ReleaseManifest, service: string): ServiceOrigin {
  const entry = manifest.services[service];
  return entry?.origin ?? { releaseId: manifest.id, sourceCommit: manifest.source.commit, createdAt: manifest.createdAt };
}
