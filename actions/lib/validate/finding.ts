/** One problem the validator found: where (file, document, field), what, and what to do. */
export interface Finding {
  /** Path of the file, relative to the folder that holds the validated tree (e.g. gitops-repo/…). */
  file: string;
  /** Index of the YAML document in the file (0-based), when the finding is about one document. */
  document?: number;
  /** Dotted field path inside the document (`spec.source.path`), or '' for the whole document. */
  field: string;
  /** A short stable name of the rule that failed (`schema`, `unknown-field`, `project`, …). */
  rule: string;
  /** What is wrong. */
  message: string;
  /** What to do about it. */
  fix: string;
}

/** `file (document N) field: message — fix`, one line per finding. */
export function formatFinding(finding: Finding): string {
  const document = finding.document === undefined ? '' : ` (document ${finding.document})`;
  const field = finding.field ? ` ${finding.field}` : '';
  return `${finding.file}${document}${field}: ${finding.message} — ${finding.fix} [${finding.rule}]`;
}

/** Findings in a stable order (file, document, field, rule), each reported once. */
export function sortFindings(findings: Finding[]): Finding[] {
  const unique = new Map<string, Finding>();
  for (const finding of findings)
    unique.set(JSON.stringify([finding.file, finding.document, finding.field, finding.rule, finding.message]), finding);
  return [...unique.values()].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.document ?? -1) - (b.document ?? -1) ||
      a.field.localeCompare(b.field) ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  );
}

/** JSON pointer (`/spec/containers/0/image`) → field path (`spec.containers[0].image`). */
export function fieldPath(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(part)) path += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) path += path ? `.${part}` : part;
    else path += `[${JSON.stringify(part)}]`;
  }
  return path;
}

/** Joins a field path and a child key or index. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (!/^[A-Za-z_$][\w$-]*$/.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent ? `${parent}.${key}` : key;
}
