/**
 * The gate report: every quality gate of a pull request in one Markdown table, for the one sticky
 * PR comment and the job summary. The seven gates of the pull-request workflow always have a row
 * (a gate that did not report shows as such); other gates may be added. Statuses accept GitHub's job
 * results (success, failure, cancelled, skipped) as well as passed/failed/pending.
 */
import { isMap, isSeq } from 'yaml';
import { parseLinedDocument } from '../validate/yaml-documents.ts';
import { markdownCell } from './markdown-cell.ts';

export type GateOutcome = 'passed' | 'failed' | 'cancelled' | 'skipped' | 'pending';

export interface GateResult {
  /** Gate id: tests, coverage, sonarcloud, trivy, manifest-validation, terraform, workflow-lint, or another. */
  gate: string;
  name: string;
  outcome: GateOutcome;
  summary?: string;
  url?: string;
}

/** The pull-request workflow's gates, in table order. */
export const standardGates: ReadonlyArray<{ gate: string; name: string }> = [
  { gate: 'tests', name: 'Tests' },
  { gate: 'coverage', name: 'Coverage' },
  { gate: 'sonarcloud', name: 'SonarCloud' },
  { gate: 'trivy', name: 'Trivy image scan' },
  { gate: 'manifest-validation', name: 'GitOps manifest validation' },
  { gate: 'terraform', name: 'Terraform' },
  { gate: 'workflow-lint', name: 'Workflow lint' },
];

export class GateReportError extends Error {
  override name = 'GateReportError';
}

const outcomes: Record<string, GateOutcome> = {
  success: 'passed',
  passed: 'passed',
  pass: 'passed',
  ok: 'passed',
  failure: 'failed',
  failed: 'failed',
  fail: 'failed',
  error: 'failed',
  cancelled: 'cancelled',
  canceled: 'cancelled',
  skipped: 'skipped',
  pending: 'pending',
  in_progress: 'pending',
  queued: 'pending',
};

export function parseOutcome(text: string, where: string): GateOutcome {
  const outcome = outcomes[text.trim().toLowerCase()];
  if (!outcome)
    throw new GateReportError(`${where}: status '${text}' is not one of success, failure, cancelled, skipped, pending (or passed, failed)`);
  return outcome;
}

/**
 * Parses the `gates` input: a YAML list of `{ gate, status, summary?, url?, name? }`.
 * Every error names the input and the line.
 */
export function parseGates(text: string, where: string): GateResult[] {
  const parsed = parseLinedDocument(text);
  if ('error' in parsed) throw new GateReportError(`${where} line ${parsed.line ?? '?'}: not valid YAML: ${parsed.error}`);
  const root = parsed.document.contents;
  if (!isSeq(root))
    throw new GateReportError(`${where}: must be a YAML list of entries with gate and status (e.g. "- gate: tests\\n  status: success")`);
  const seen = new Set<string>();
  return root.items.map((item) => {
    const line = (isMap(item) ? parsed.lineOf(item) : undefined) ?? '?';
    const at = `${where} line ${line}`;
    if (!isMap(item)) throw new GateReportError(`${at}: each entry must be a mapping with gate and status`);
    const entry = item.toJSON() as Record<string, unknown>;
    for (const key of Object.keys(entry)) {
      if (!['gate', 'name', 'status', 'summary', 'url'].includes(key))
        throw new GateReportError(`${at}: unknown key '${key}' (expected gate, name, status, summary, url)`);
    }
    const gate = entry['gate'];
    if (typeof gate !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(gate))
      throw new GateReportError(`${at}: 'gate' must be an id such as tests, sonarcloud, trivy`);
    if (seen.has(gate)) throw new GateReportError(`${at}: gate '${gate}' is listed twice`);
    seen.add(gate);
    const status = entry['status'];
    const outcome = parseOutcome(typeof status === 'string' ? status : String(status ?? ''), `${at} (gate ${gate})`);
    const url = entry['url'];
    if (url !== undefined && url !== null && url !== '' && (typeof url !== 'string' || !/^https?:\/\//.test(url)))
      throw new GateReportError(`${at}: url '${String(url)}' must be an http(s) link`);
    const name =
      typeof entry['name'] === 'string' ? entry['name'] : (standardGates.find((standard) => standard.gate === gate)?.name ?? gate);
    const summary = entry['summary'];
    return {
      gate,
      name,
      outcome,
      ...(summary !== undefined && summary !== null && summary !== '' ? { summary: String(summary) } : {}),
      ...(typeof url === 'string' && url !== '' ? { url } : {}),
    };
  });
}

export type OverallOutcome = 'passed' | 'failed' | 'pending';

export interface GateTable {
  rows: Array<GateResult | { gate: string; name: string; outcome: 'missing' }>;
  overall: OverallOutcome;
  failed: string[];
}

/** The standard gates first (missing ones marked), then any other gate in the order given. */
export function gateTable(results: readonly GateResult[]): GateTable {
  const byGate = new Map(results.map((result) => [result.gate, result]));
  const rows: GateTable['rows'] = standardGates.map(
    (standard) => byGate.get(standard.gate) ?? { ...standard, outcome: 'missing' as const },
  );
  for (const result of results) if (!standardGates.some((standard) => standard.gate === result.gate)) rows.push(result);
  const failed = rows.filter((row) => row.outcome === 'failed' || row.outcome === 'cancelled').map((row) => row.name);
  const waiting = rows.some((row) => row.outcome === 'pending' || row.outcome === 'missing');
  return { rows, overall: failed.length > 0 ? 'failed' : waiting ? 'pending' : 'passed', failed };
}

const icons: Record<GateOutcome | 'missing', string> = {
  passed: '✅ passed',
  failed: '❌ failed',
  cancelled: '🚫 cancelled',
  skipped: '⏭️ skipped',
  pending: '⏳ pending',
  missing: '➖ not reported',
};

/** The hidden marker that finds the sticky comment again. */
export function commentMarker(id: string): string {
  if (!/^[A-Za-z0-9_.:-]+$/.test(id)) throw new GateReportError(`marker '${id}' may only hold letters, digits and _ . : -`);
  return `<!-- ${id} -->`;
}

export interface ReportContext {
  marker: string;
  commit?: string;
  runUrl?: string;
  updatedAt: Date;
}

export function gateReportMarkdown(table: GateTable, context: ReportContext): string {
  const headline =
    table.overall === 'passed'
      ? '✅ every gate passed'
      : table.overall === 'failed'
        ? `❌ failed: ${table.failed.map(markdownCell).join(', ')}`
        : '⏳ some gates have not finished';
  const lines = [
    commentMarker(context.marker),
    `### Quality gates — ${headline}`,
    '',
    '| Gate | Result | Details |',
    '| --- | --- | --- |',
  ];
  for (const row of table.rows) {
    const name = 'url' in row && row.url ? `[${markdownCell(row.name)}](${row.url})` : markdownCell(row.name);
    const summary = 'summary' in row && row.summary ? markdownCell(row.summary) : '';
    lines.push(`| ${name} | ${icons[row.outcome]} | ${summary} |`);
  }
  const footer = [
    context.commit ? `commit \`${context.commit.slice(0, 7)}\`` : undefined,
    context.runUrl ? `[workflow run](${context.runUrl})` : undefined,
    `updated ${context.updatedAt.toISOString().replace(/\.\d+Z$/, 'Z')}`,
  ].filter(Boolean);
  lines.push('', `<sub>${footer.join(' · ')}</sub>`);
  return `${lines.join('\n')}\n`;
}
