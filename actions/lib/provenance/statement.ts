/**
 * What an attestation is about: the in-toto statement (in-toto/attestation spec/v1/statement.md)
 * inside the DSSE envelope — its predicate type and the digests of its subjects.
 */
import { inTotoPayloadType, inTotoStatementV1 } from './policy.ts';
import type { Refusal } from './policy.ts';

export interface InTotoStatement {
  predicateType: string;
  /** sha256 digests of the subjects, as `sha256:<hex>`. */
  subjectDigests: string[];
}

/** Reads a DSSE payload as an in-toto v1 statement; undefined when it is not one. */
export function readStatement(payloadType: string, payload: Buffer): InTotoStatement | undefined {
  if (payloadType !== inTotoPayloadType) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const statement = parsed as { _type?: unknown; predicateType?: unknown; subject?: unknown };
  if (statement._type !== inTotoStatementV1 || typeof statement.predicateType !== 'string' || !Array.isArray(statement.subject))
    return undefined;
  const subjectDigests = statement.subject
    .map((subject: unknown) => (subject as { digest?: { sha256?: unknown } } | null)?.digest?.sha256)
    .filter((hex): hex is string => typeof hex === 'string')
    .map((hex) => `sha256:${hex.toLowerCase()}`);
  return { predicateType: statement.predicateType, subjectDigests };
}

/** Refuses a statement that does not name the image's digest among its subjects. */
export function subjectRefusal(statement: InTotoStatement, digest: string): Refusal | undefined {
  if (statement.subjectDigests.includes(digest)) return undefined;
  const named = statement.subjectDigests.length > 0 ? statement.subjectDigests.join(', ') : 'no sha256 subject';
  return { reason: 'digest-mismatch', detail: `the attestation is about ${named}, not ${digest}` };
}
