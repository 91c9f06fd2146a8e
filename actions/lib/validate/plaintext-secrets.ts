/**
 * Finds secret values written in plain text: Secret objects with data, fields named like a
 * password or token holding a literal, `env` entries of that kind, and values that look like
 * credentials whatever their key (AWS access keys, private keys, GitHub tokens, URLs with a
 * password). References (existingSecret, secretKeyRef, passwordKey, …) are fine.
 */
import { childPath } from './finding.ts';

export interface SecretProblem {
  field: string;
  message: string;
}

/** Keys whose value is the secret itself (not the name of a Secret or key holding it). */
const secretKey =
  /(^|[-_.]|[a-z])(password|passwd|pwd|token|secret[-_]?key|secret[-_]?access[-_]?key|access[-_]?key|api[-_]?key|client[-_]?secret|private[-_]?key|credentials?)$/i;

const secretShapes: { pattern: RegExp; what: string }[] = [
  { pattern: /\bAKIA[0-9A-Z]{16}\b/, what: 'an AWS access key id' },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a private key' },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/, what: 'a GitHub token' },
  { pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/, what: 'a Slack token' },
  { pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:[^\s@/]+@/i, what: 'a URL with a password' },
];

export function isSecretKey(key: string): boolean {
  return secretKey.test(key);
}

function literal(value: unknown): value is string | number {
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
}

/** Secret values in one document (a Kubernetes object, values file or anything YAML). */
export function findPlaintextSecrets(document: unknown): SecretProblem[] {
  const problems: SecretProblem[] = [];
  const top =
    document !== null && typeof document === 'object' && !Array.isArray(document) ? (document as Record<string, unknown>) : undefined;
  if (top?.kind === 'Secret' && typeof top.apiVersion === 'string' && top.apiVersion === 'v1') {
    for (const section of ['data', 'stringData']) {
      const values = top[section];
      if (values && typeof values === 'object' && Object.keys(values).length > 0) {
        problems.push({ field: section, message: 'a Secret with its values committed to Git' });
      }
    }
  }
  const walk = (value: unknown, path: string) => {
    if (typeof value === 'string') {
      for (const shape of secretShapes) if (shape.pattern.test(value)) problems.push({ field: path, message: `looks like ${shape.what}` });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, childPath(path, index)));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const object = value as Record<string, unknown>;
    // env: [{name: DB_PASSWORD, value: "…"}]
    if (typeof object.name === 'string' && isSecretKey(object.name) && literal(object.value)) {
      problems.push({ field: childPath(path, 'value'), message: `${object.name} is given as a literal value` });
    }
    for (const [key, child] of Object.entries(object)) {
      if (top?.kind === 'Secret' && path === '' && (key === 'data' || key === 'stringData')) continue;
      if (isSecretKey(key) && literal(child)) problems.push({ field: childPath(path, key), message: `${key} holds a literal value` });
      else walk(child, childPath(path, key));
    }
  };
  walk(document, '');
  return problems;
}
