/**
 * Trivy's ignore files, read the way Trivy reads them:
 *   .trivyignore       one ID per line, optional `exp:YYYY-MM-DD`, `#` comments, blank lines;
 *   .trivyignore.yaml  `vulnerabilities:` entries with `id`, optional `paths` (globs over the
 *                      package's file in the image), `statement` and `expired_at: YYYY-MM-DD`.
 * Like Trivy, an entry stops applying once the clock passes 00:00 UTC of its expiry date; from then
 * on the finding counts again. Entries name their file and line so a summary can point at them.
 */
import { isMap, isSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { globPattern } from '../images/changed-services.ts';
import { parseLinedDocument } from '../validate/yaml-documents.ts';

export interface IgnoreRule {
  id: string;
  /** Expiry date (YYYY-MM-DD); the rule applies before 00:00 UTC of that day. */
  expiresOn?: string;
  /** Globs over the finding's file (package path or target); absent = everywhere. */
  paths?: string[];
  statement?: string;
  /** `file:line` of the entry. */
  source: string;
}

export class TrivyIgnoreError extends Error {
  override name = 'TrivyIgnoreError';
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function checkDate(text: string, where: string): string {
  const match = datePattern.exec(text);
  const time = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : Number.NaN;
  if (!match || Number.isNaN(time) || new Date(time).toISOString().slice(0, 10) !== text) {
    throw new TrivyIgnoreError(`${where}: expiry '${text}' is not a date in the form YYYY-MM-DD`);
  }
  return text;
}

/** Parses the plain `.trivyignore` format. */
export function parseTrivyIgnore(text: string, file: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file}:${index + 1}`;
    const [id = '', ...rest] = line.split(/\s+/);
    let expiresOn: string | undefined;
    for (const field of rest) {
      if (field.startsWith('#')) break;
      if (field.startsWith('exp:')) expiresOn = checkDate(field.slice(4), where);
      else throw new TrivyIgnoreError(`${where}: unexpected '${field}' after the ID; a line is '<ID> [exp:YYYY-MM-DD]'`);
    }
    rules.push({ id, ...(expiresOn ? { expiresOn } : {}), source: where });
  });
  return rules;
}

/** Parses `.trivyignore.yaml` (only its `vulnerabilities` section concerns an image scan). */
export function parseTrivyIgnoreYaml(text: string, file: string): IgnoreRule[] {
  const parsed = parseLinedDocument(text);
  const at = (line: number | undefined): string => (line ? `${file}:${line}` : file);
  if ('error' in parsed) throw new TrivyIgnoreError(`${at(parsed.line)}: not valid YAML: ${parsed.error}`);
  const lineOf = (node: YamlNode | null | undefined): string => at(parsed.lineOf(node));
  const root = parsed.document.contents;
  if (root === null) return [];
  if (!isMap(root)) throw new TrivyIgnoreError(`${lineOf(root)}: must be a mapping with a 'vulnerabilities' list`);
  const list = root.get('vulnerabilities', true) as YamlNode | undefined;
  if (list === undefined || list === null || (list as { value?: unknown }).value === null) return [];
  if (!isSeq(list)) throw new TrivyIgnoreError(`${lineOf(list)}: 'vulnerabilities' must be a list of entries with an id`);
  return list.items.map((item) => {
    const where = lineOf(item as YamlNode);
    if (!isMap(item)) throw new TrivyIgnoreError(`${where}: each vulnerabilities entry must be a mapping with an id`);
    const entry = item.toJSON() as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!['id', 'paths', 'statement', 'expired_at', 'purls'].includes(key))
        throw new TrivyIgnoreError(`${where}: unknown key '${key}' (expected id, paths, statement, expired_at)`);
    }
    if (entry['purls'] !== undefined) {
      throw new TrivyIgnoreError(
        `${where}: 'purls' is not supported by the Slipway scan policy; narrow the entry with 'paths' instead (an entry it cannot narrow would ignore too much)`,
      );
    }
    const id = entry['id'];
    if (typeof id !== 'string' || id === '') throw new TrivyIgnoreError(`${where}: 'id' must be a non-empty string`);
    const rule: IgnoreRule = { id, source: where };
    const expiry = entry['expired_at'];
    if (expiry !== undefined && expiry !== null) {
      const text = expiry instanceof Date ? expiry.toISOString().slice(0, 10) : String(expiry);
      rule.expiresOn = checkDate(text, where);
    }
    const paths = entry['paths'];
    if (paths !== undefined && paths !== null) {
      if (!Array.isArray(paths) || paths.some((path) => typeof path !== 'string' || path === ''))
        throw new TrivyIgnoreError(`${where}: 'paths' must be a list of file globs`);
      rule.paths = paths as string[];
    }
    if (typeof entry['statement'] === 'string') rule.statement = entry['statement'];
    return rule;
  });
}

/** True once `now` has passed 00:00 UTC of the rule's expiry date. */
export function isExpired(rule: IgnoreRule, now: Date): boolean {
  return rule.expiresOn !== undefined && now.getTime() > Date.parse(`${rule.expiresOn}T00:00:00Z`);
}

/** True when the rule names this finding (same ID, and one of its paths matches, if it has paths). */
export function ruleMatches(rule: IgnoreRule, id: string, file: string): boolean {
  if (rule.id !== id) return false;
  if (!rule.paths) return true;
  const path = file.replace(/^\/+/, '');
  return rule.paths.some((glob) => globPattern(glob.replace(/^\/+/, '')).test(path));
}
