/**
 * `slipway scan-policy <report.json | service=report.json>… [--severity CRITICAL,HIGH]
 * [--ignore-unfixed] [--ignore-file .trivyignore]… [--sarif out.sarif] [--json]`: judges Trivy
 * JSON reports with the same policy as the scan action, locally. Default ignore files:
 * .trivyignore and .trivyignore.yaml when present. Exit 0 nothing blocks, 1 blocking findings, 2 bad usage.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { scanSarif } from '../../lib/scan/sarif.ts';
import { describeBlocking, evaluateScan, parseSeverities, ScanPolicyError } from '../../lib/scan/policy.ts';
import { parseTrivyIgnore, parseTrivyIgnoreYaml } from '../../lib/scan/trivy-ignore.ts';
import type { IgnoreRule } from '../../lib/scan/trivy-ignore.ts';
import { parseTrivyReport } from '../../lib/scan/trivy-report.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../command.ts';

export const command: Command = {
  summary: 'judge Trivy JSON reports with the scan policy (severities, ignore-unfixed, expiring ignores); exit 1 on blocking findings',
  usage: 'slipway scan-policy <report.json | service=report.json>... [--severity CRITICAL,HIGH] [--ignore-unfixed] [--ignore-file FILE]... [--sarif FILE] [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: {
        severity: { type: 'string', default: 'CRITICAL,HIGH' },
        'ignore-unfixed': { type: 'boolean', default: false },
        'ignore-file': { type: 'string', multiple: true },
        sarif: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length === 0) throw new UsageError('give at least one Trivy JSON report (trivy image --format json)');
    let failOn;
    try {
      failOn = parseSeverities(values.severity, '--severity');
    } catch (error) {
      if (error instanceof ScanPolicyError) throw new UsageError(error.message);
      throw error;
    }
    const ignoreFiles = values['ignore-file'] ?? ['.trivyignore', '.trivyignore.yaml'].filter((file) => existsSync(resolve(io.cwd, file)));
    const ignores: IgnoreRule[] = [];
    for (const file of ignoreFiles) {
      const path = resolve(io.cwd, file);
      if (!existsSync(path)) throw new UsageError(`--ignore-file ${file} does not exist`);
      const text = readFileSync(path, 'utf8');
      ignores.push(...(/\.ya?ml$/.test(file) ? parseTrivyIgnoreYaml(text, file) : parseTrivyIgnore(text, file)));
    }
    const policy = { failOn, ignoreUnfixed: values['ignore-unfixed'], ignores, now: new Date() };
    const results = positionals.map((argument) => {
      const equals = argument.indexOf('=');
      const file = equals > 0 ? argument.slice(equals + 1) : argument;
      const name = equals > 0 ? argument.slice(0, equals) : basename(file).replace(/\.json$/, '');
      const path = resolve(io.cwd, file);
      if (!existsSync(path)) throw new UsageError(`report ${file} does not exist`);
      return evaluateScan(name, parseTrivyReport(readFileSync(path, 'utf8'), file), policy);
    });
    if (values.sarif) writeFileSync(resolve(io.cwd, values.sarif), `${JSON.stringify(scanSarif(results.map((result) => ({ result }))), null, 2)}\n`);
    const blocking = describeBlocking(results);
    if (values.json) {
      io.out(JSON.stringify(results.map((result) => ({ name: result.name, artifact: result.artifact, passed: result.passed, counts: result.counts, blocking: result.blocking.map((finding) => finding.vulnerability.id) })), null, 2));
    } else {
      for (const result of results) {
        const c = result.counts;
        io.out(`${result.name}: ${result.passed ? 'passed' : `${result.blocking.length} blocking`} (critical ${c.CRITICAL}, high ${c.HIGH}, medium ${c.MEDIUM}, low ${c.LOW}, unknown ${c.UNKNOWN})`);
        for (const finding of result.findings.filter((candidate) => candidate.ignoreExpired)) {
          io.out(`  ${finding.vulnerability.id}: ignore entry ${finding.ignore?.source ?? ''} expired on ${finding.ignore?.expiresOn ?? ''}, counted again`);
        }
      }
      for (const line of blocking) io.out(`blocking: ${line}`);
    }
    return blocking.length === 0 ? 0 : 1;
  },
};
