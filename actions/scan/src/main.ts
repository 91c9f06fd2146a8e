/**
 * The scan action: Trivy on each image of the release manifest (or the Trivy JSON reports given),
 * the scan policy over every finding, SARIF for code scanning, a job summary table per image, the
 * scan summary written into the release manifest; fails listing the blocking findings.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatImageReference } from '../../lib/release/image-reference.ts';
import { annotateScan, formatReleaseManifest, parseReleaseManifest } from '../../lib/release/release-manifest.ts';
import type { ReleaseManifest } from '../../lib/release/release-manifest.ts';
import { scanSarif } from '../../lib/scan/sarif.ts';
import { describeBlocking, evaluateScan, scanResultsJson, scanSummary } from '../../lib/scan/policy.ts';
import type { ScanPolicy, ScanResult } from '../../lib/scan/policy.ts';
import { scanJobSummary } from '../../lib/scan/summary.ts';
import { parseTrivyReport } from '../../lib/scan/trivy-report.ts';
import { runTrivyImage, trivyVersion } from '../../lib/scan/trivy-scanner.ts';
import { actionContext, actionInputs, appendSummary, fail, log, runAction, setOutputs } from '../../lib/shell/action-io.ts';
import { InputError } from '../../lib/shell/inputs/raw-inputs.ts';
import { parseReports, parseScanPolicy, scanFields } from '../../lib/shell/inputs/scan.ts';
import type { ReportFile } from '../../lib/shell/inputs/scan.ts';
import { insideRoot } from '../../lib/shell/workspace-paths.ts';

type Raw = ReturnType<typeof actionInputs<typeof scanFields>>;

function releaseManifest(raw: Raw, workspace: string, reports: ReportFile[]): ReleaseManifest | undefined {
  const path = raw.text('releaseManifest');
  if (path === '') return undefined;
  const file = insideRoot(workspace, path, raw.label('releaseManifest'));
  if (!existsSync(file)) throw new InputError(`${raw.label('releaseManifest')}: ${path} does not exist in the workspace`);
  const manifest = parseReleaseManifest(readFileSync(file, 'utf8'), `${raw.label('releaseManifest')} (${path})`);
  for (const report of reports) {
    if (!manifest.services[report.name])
      throw new InputError(
        `${raw.label('reports')}: service '${report.name}' is not in the release manifest (it has ${Object.keys(manifest.services).join(', ')})`,
      );
  }
  return manifest;
}

/** Scans the manifest's images that no report was given for; returns the scanner's name and version. */
async function scanImages(
  raw: Raw,
  manifest: ReleaseManifest | undefined,
  reports: ReportFile[],
  policy: ScanPolicy,
  scratch: string,
  results: ScanResult[],
): Promise<string> {
  const toScan = manifest
    ? Object.entries(manifest.services).filter(([service]) => !reports.some((report) => report.name === service))
    : [];
  if (toScan.length === 0) return 'trivy';
  const scanner = `trivy ${await trivyVersion()}`;
  for (const [service, entry] of toScan) {
    const reference = formatImageReference({ repository: entry.image.repository, digest: entry.image.digest });
    log.info(`scanning ${service}: ${reference}`);
    const output = join(scratch, `${service}.json`);
    await runTrivyImage(reference, output, scratch, raw.text('trivyArgs') ? raw.text('trivyArgs').split(/\s+/) : []);
    const parsed = parseTrivyReport(readFileSync(output, 'utf8'), `trivy report of ${service}`);
    results.push(evaluateScan(service, { ...parsed, artifactName: formatImageReference(entry.image) }, policy));
  }
  return scanner;
}

export function run(): Promise<void> {
  const scratch = mkdtempSync(join(tmpdir(), 'slipway-scan-'));
  return runAction(async () => {
    const raw = actionInputs(scanFields);
    const context = actionContext();
    const workspace = context.workspace;
    const shell = {
      root: workspace,
      loosePaths: false,
      skippedIgnoreFile: (path: string) => log.info(`ignore file ${path} not found: nothing ignored from it`),
    };
    const reports = parseReports(raw, shell);
    if (raw.text('releaseManifest') === '' && reports.length === 0)
      throw new InputError("input 'release-manifest' or 'reports' is required: the images to scan, or Trivy JSON reports to judge");
    const policy = parseScanPolicy(raw, shell);
    const manifest = releaseManifest(raw, workspace, reports);
    const sarifPath = raw.text('sarifFile') || 'trivy-results.sarif';
    const sarifFile = insideRoot(workspace, sarifPath, raw.label('sarifFile'));

    const results = reports.map((report) =>
      evaluateScan(report.name, parseTrivyReport(readFileSync(report.file, 'utf8'), `${raw.label('reports')} (${report.path})`), policy),
    );
    const scanner = await scanImages(raw, manifest, reports, policy, scratch, results);
    const reportUrl = raw.text('reportUrl') || context.runUrl || '';
    const servicesPath = raw.text('servicesPath') || 'app-repo/services';
    const sarif = scanSarif(
      results.map((result) => {
        const dockerfile = `${servicesPath}/${result.name}/Dockerfile`;
        return { result, ...(existsSync(join(workspace, dockerfile)) ? { location: dockerfile } : {}) };
      }),
      scanner.startsWith('trivy ') ? scanner.slice(6) : undefined,
    );
    // Everything is decided before anything is written: no half-written outputs on bad input.
    let annotated = manifest;
    if (annotated)
      for (const result of results) annotated = annotateScan(annotated, result.name, scanSummary(result, scanner, reportUrl || undefined));
    writeFileSync(sarifFile, `${JSON.stringify(sarif, null, 2)}\n`);
    if (annotated)
      writeFileSync(insideRoot(workspace, raw.text('releaseManifest'), raw.label('releaseManifest')), formatReleaseManifest(annotated));

    const blocking = describeBlocking(results);
    setOutputs({
      passed: String(blocking.length === 0),
      blocking: String(blocking.length),
      'sarif-file': sarifPath,
      'release-manifest': raw.text('releaseManifest'),
      results: JSON.stringify(scanResultsJson(results)),
    });
    await appendSummary(scanJobSummary(results, policy));
    for (const result of results)
      log.info(
        `${result.name}: ${result.passed ? 'passed' : `${result.blocking.length} blocking`} (critical ${result.counts.CRITICAL}, high ${result.counts.HIGH}, medium ${result.counts.MEDIUM}, low ${result.counts.LOW})`,
      );
    if (blocking.length > 0) {
      fail(
        `${blocking.length} blocking finding${blocking.length === 1 ? '' : 's'} (policy: fail on ${policy.failOn.join(', ')}${policy.ignoreUnfixed ? ', unfixed ignored' : ''}):\n${blocking.map((line) => `- ${line}`).join('\n')}`,
      );
    }
  }).finally(() => rmSync(scratch, { recursive: true, force: true }));
}
