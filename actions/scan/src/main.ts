/**
 * The scan action: Trivy on each image of the release manifest (or the Trivy JSON reports given),
 * the scan policy over every finding, SARIF for code scanning, a job summary table per image, the
 * scan summary written into the release manifest; fails listing the blocking findings.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionRunner, ActionInputError } from '../../lib/shell/action-runner.ts';
import type { ActionRunner } from '../../lib/shell/action-runner.ts';
import { formatImageReference } from '../../lib/release/image-reference.ts';
import { annotateScan, formatReleaseManifest, parseReleaseManifest } from '../../lib/release/release-manifest.ts';
import type { ReleaseManifest } from '../../lib/release/release-manifest.ts';
import { scanSarif } from '../../lib/scan/sarif.ts';
import { describeBlocking, evaluateScan, parseSeverities, scanSummary } from '../../lib/scan/policy.ts';
import type { ScanResult } from '../../lib/scan/policy.ts';
import { scanJobSummary } from '../../lib/scan/summary.ts';
import { parseTrivyIgnore, parseTrivyIgnoreYaml } from '../../lib/scan/trivy-ignore.ts';
import type { IgnoreRule } from '../../lib/scan/trivy-ignore.ts';
import { parseTrivyReport } from '../../lib/scan/trivy-report.ts';
import { runTrivyImage, trivyVersion } from '../../lib/scan/trivy-scanner.ts';
import { insideRoot } from '../../lib/shell/workspace-paths.ts';

function readInputFile(workspace: string, path: string, input: string): string {
  const file = insideRoot(workspace, path, `input '${input}'`);
  if (!existsSync(file)) throw new ActionInputError(`input '${input}': ${path} does not exist in the workspace`);
  return readFileSync(file, 'utf8');
}

function ignoreRules(runner: ActionRunner, workspace: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const path of runner.listInput('ignore-files', true)) {
    const file = insideRoot(workspace, path, "input 'ignore-files'");
    if (!existsSync(file)) {
      runner.info(`ignore file ${path} not found: nothing ignored from it`);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    rules.push(...(/\.ya?ml$/.test(path) ? parseTrivyIgnoreYaml(text, path) : parseTrivyIgnore(text, path)));
  }
  return rules;
}

/** `service=path` lines; `where` names the input. */
function reportInputs(lines: string[]): Array<{ name: string; path: string }> {
  return lines.map((line) => {
    const equals = line.indexOf('=');
    const name = line.slice(0, equals).trim();
    const path = line.slice(equals + 1).trim();
    if (equals <= 0 || path === '' || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(name)) throw new ActionInputError(`input 'reports': '${line}' is not service=path/to/trivy-report.json`);
    return { name, path };
  });
}

export async function run(runner: ActionRunner = actionRunner()): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'slipway-scan-'));
  try {
    const workspace = runner.env('GITHUB_WORKSPACE') ?? process.cwd();
    const manifestPath = runner.input('release-manifest');
    const reports = reportInputs(runner.listInput('reports'));
    if (manifestPath === '' && reports.length === 0) throw new ActionInputError("input 'release-manifest' or 'reports' is required: the images to scan, or Trivy JSON reports to judge");
    const failOn = parseSeverities(runner.input('severity') || 'CRITICAL,HIGH', "input 'severity'");
    const ignoreUnfixed = runner.booleanInput('ignore-unfixed');
    const policy = { failOn, ignoreUnfixed, ignores: ignoreRules(runner, workspace), now: new Date() };
    let manifest: ReleaseManifest | undefined;
    if (manifestPath !== '') manifest = parseReleaseManifest(readInputFile(workspace, manifestPath, 'release-manifest'), `input 'release-manifest' (${manifestPath})`);
    if (manifest) {
      for (const report of reports) {
        if (!manifest.services[report.name]) throw new ActionInputError(`input 'reports': service '${report.name}' is not in the release manifest (it has ${Object.keys(manifest.services).join(', ')})`);
      }
    }

    const results: ScanResult[] = [];
    let scanner = 'trivy';
    for (const report of reports) {
      results.push(evaluateScan(report.name, parseTrivyReport(readInputFile(workspace, report.path, 'reports'), `input 'reports' (${report.path})`), policy));
    }
    const toScan = manifest ? Object.entries(manifest.services).filter(([service]) => !reports.some((report) => report.name === service)) : [];
    if (toScan.length > 0) {
      const version = await trivyVersion();
      scanner = `trivy ${version}`;
      for (const [service, entry] of toScan) {
        const reference = formatImageReference({ repository: entry.image.repository, digest: entry.image.digest });
        runner.info(`scanning ${service}: ${reference}`);
        const output = join(scratch, `${service}.json`);
        await runTrivyImage(reference, output, scratch, runner.input('trivy-args') ? runner.input('trivy-args').split(/\s+/) : []);
        const parsed = parseTrivyReport(readFileSync(output, 'utf8'), `trivy report of ${service}`);
        results.push(evaluateScan(service, { ...parsed, artifactName: formatImageReference(entry.image) }, policy));
      }
    }

    const sarifPath = runner.input('sarif-file') || 'trivy-results.sarif';
    const sarifFile = insideRoot(workspace, sarifPath, "input 'sarif-file'");
    const serverUrl = (runner.env('GITHUB_SERVER_URL') ?? 'https://github.com').replace(/\/$/, '');
    const repository = runner.env('GITHUB_REPOSITORY');
    const runId = runner.env('GITHUB_RUN_ID');
    const reportUrl = runner.input('report-url') || (repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : '');
    const servicesPath = runner.input('services-path') || 'app-repo/services';
    const sarif = scanSarif(
      results.map((result) => {
        const dockerfile = `${servicesPath}/${result.name}/Dockerfile`;
        return { result, ...(existsSync(join(workspace, dockerfile)) ? { location: dockerfile } : {}) };
      }),
      scanner.startsWith('trivy ') ? scanner.slice(6) : undefined,
    );
    // Everything is decided before anything is written: no half-written outputs on bad input.
    let annotated = manifest;
    if (annotated) for (const result of results) annotated = annotateScan(annotated, result.name, scanSummary(result, scanner, reportUrl || undefined));
    writeFileSync(sarifFile, `${JSON.stringify(sarif, null, 2)}\n`);
    if (annotated && manifestPath !== '') writeFileSync(insideRoot(workspace, manifestPath, "input 'release-manifest'"), formatReleaseManifest(annotated));

    const blocking = describeBlocking(results);
    runner.setOutput('passed', String(blocking.length === 0));
    runner.setOutput('blocking', String(blocking.length));
    runner.setOutput('sarif-file', sarifPath);
    runner.setOutput('release-manifest', manifestPath);
    runner.setOutput('results', JSON.stringify(results.map((result) => ({ name: result.name, artifact: result.artifact, passed: result.passed, counts: result.counts, blocking: result.blocking.map((finding) => finding.vulnerability.id) }))));
    runner.appendSummary(scanJobSummary(results, policy));
    for (const result of results) runner.info(`${result.name}: ${result.passed ? 'passed' : `${result.blocking.length} blocking`} (critical ${result.counts.CRITICAL}, high ${result.counts.HIGH}, medium ${result.counts.MEDIUM}, low ${result.counts.LOW})`);
    if (blocking.length > 0) {
      process.exitCode = 1;
      runner.error(`${blocking.length} blocking finding${blocking.length === 1 ? '' : 's'} (policy: fail on ${failOn.join(', ')}${ignoreUnfixed ? ', unfixed ignored' : ''}):\n${blocking.map((line) => `- ${line}`).join('\n')}`);
    }
  } catch (error) {
    process.exitCode = 1;
    runner.error(error instanceof Error ? error.message : String(error));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
