/**
 * `slipway scan-policy <report.json | service=report.json>… [--severity CRITICAL,HIGH]
 * [--ignore-unfixed] [--ignore-file .trivyignore]… [--sarif out.sarif] [--json]`: judges Trivy
 * JSON reports with the same policy as the scan action, locally. Default ignore files:
 * .trivyignore and .trivyignore.yaml when present. Exit 0 nothing blocks, 1 blocking findings, 2 bad usage.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { scanSarif } from '../../lib/scan/sarif.ts';
import { describeBlocking, evaluateScan, scanResultsJson } from '../../lib/scan/policy.ts';
import { parseTrivyReport } from '../../lib/scan/trivy-report.ts';
import { InputError } from '../../lib/shell/inputs/raw-inputs.ts';
import { parseReports, parseScanPolicy, scanFields } from '../../lib/shell/inputs/scan.ts';
import { cliInputs } from '../cli-inputs.ts';
import type { Command } from '../command.ts';

export const command: Command = {
  summary: 'judge Trivy JSON reports with the scan policy (severities, ignore-unfixed, expiring ignores); exit 1 on blocking findings',
  usage:
    'slipway scan-policy <report.json | service=report.json>... [--severity CRITICAL,HIGH] [--ignore-unfixed] [--ignore-file FILE]... [--sarif FILE] [--json]',
  async run(args, io) {
    const raw = cliInputs(scanFields, args, io.env);
    const shell = { root: io.cwd, loosePaths: true };
    if (raw.list('reports').length === 0) throw new InputError('give at least one Trivy JSON report (trivy image --format json)');
    const policy = parseScanPolicy(raw, shell);
    const results = parseReports(raw, shell).map((report) =>
      evaluateScan(report.name, parseTrivyReport(readFileSync(report.file, 'utf8'), report.path), policy),
    );
    const sarif = raw.text('sarifFile');
    if (sarif) writeFileSync(resolve(io.cwd, sarif), `${JSON.stringify(scanSarif(results.map((result) => ({ result }))), null, 2)}\n`);
    const blocking = describeBlocking(results);
    if (raw.flag('json')) {
      io.out(JSON.stringify(scanResultsJson(results), null, 2));
    } else {
      for (const result of results) {
        const c = result.counts;
        io.out(
          `${result.name}: ${result.passed ? 'passed' : `${result.blocking.length} blocking`} (critical ${c.CRITICAL}, high ${c.HIGH}, medium ${c.MEDIUM}, low ${c.LOW}, unknown ${c.UNKNOWN})`,
        );
        for (const finding of result.findings.filter((candidate) => candidate.ignoreExpired)) {
          io.out(
            `  ${finding.vulnerability.id}: ignore entry ${finding.ignore?.source ?? ''} expired on ${finding.ignore?.expiresOn ?? ''}, counted again`,
          );
        }
      }
      for (const line of blocking) io.out(`blocking: ${line}`);
    }
    return blocking.length === 0 ? 0 : 1;
  },
};
