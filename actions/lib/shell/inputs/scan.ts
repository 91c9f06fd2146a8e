/**
 * The scan verb's inputs, shared by the scan action and `slipway scan-policy`: the policy (failing
 * severities, ignore-unfixed, ignore files) and the Trivy JSON reports to judge; the action adds
 * the release manifest whose images it scans, the SARIF file and links.
 *
 * Where the shells differ, the caller says so: the action's reports are `service=path` inside the
 * workspace and its ignore files (action.yml defaults) may be missing; the CLI also takes a bare
 * report path (named after the file) anywhere, and refuses an ignore file it was given that is missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseSeverities } from '../../scan/policy.ts';
import type { ScanPolicy } from '../../scan/policy.ts';
import { parseTrivyIgnore, parseTrivyIgnoreYaml } from '../../scan/trivy-ignore.ts';
import type { IgnoreRule } from '../../scan/trivy-ignore.ts';
import { insideRoot } from '../workspace-paths.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { InputError, naming, serviceName } from './raw-inputs.ts';

export const scanFields = {
  reports: { kind: 'list', input: 'reports', flag: '<report...>' },
  severity: { kind: 'text', input: 'severity', flag: '--severity' },
  ignoreUnfixed: { kind: 'flag', input: 'ignore-unfixed', flag: '--ignore-unfixed' },
  ignoreFiles: { kind: 'list', input: 'ignore-files', flag: '--ignore-file', commas: true },
  sarifFile: { kind: 'text', input: 'sarif-file', flag: '--sarif' },
  json: { kind: 'flag', flag: '--json' },
  releaseManifest: { kind: 'text', input: 'release-manifest' },
  trivyArgs: { kind: 'text', input: 'trivy-args' },
  reportUrl: { kind: 'text', input: 'report-url' },
  servicesPath: { kind: 'text', input: 'services-path' },
} as const satisfies Record<string, Field>;

type Raw = RawInputs<typeof scanFields>;

export interface ScanShell {
  /** The folder paths are resolved in. */
  root: string;
  /** CLI: a bare path is a report named after its file, and paths may lie outside `root`. */
  loosePaths: boolean;
  /** Told when a listed ignore file is missing and skipped (action); absent: a missing file is refused (CLI). */
  skippedIgnoreFile?: (path: string) => void;
}

export interface ReportFile {
  name: string;
  /** As given, for messages. */
  path: string;
  file: string;
}

function ignoreRules(raw: Raw, shell: ScanShell): IgnoreRule[] {
  const given = raw.list('ignoreFiles');
  const defaults = given.length === 0;
  const paths = defaults ? ['.trivyignore', '.trivyignore.yaml'] : given;
  const rules: IgnoreRule[] = [];
  for (const path of paths) {
    const file = shell.loosePaths ? resolve(shell.root, path) : insideRoot(shell.root, path, raw.label('ignoreFiles'));
    if (!existsSync(file)) {
      if (defaults) continue;
      if (!shell.skippedIgnoreFile) throw new InputError(`${raw.label('ignoreFiles')} ${path} does not exist`);
      shell.skippedIgnoreFile(path);
      continue;
    }
    const text = readFileSync(file, 'utf8');
    rules.push(...(/\.ya?ml$/.test(path) ? parseTrivyIgnoreYaml(text, path) : parseTrivyIgnore(text, path)));
  }
  return rules;
}

export function parseScanPolicy(raw: Raw, shell: ScanShell, now = new Date()): ScanPolicy {
  const failOn = naming('', () => parseSeverities(raw.text('severity') || 'CRITICAL,HIGH', raw.label('severity')));
  return { failOn, ignoreUnfixed: raw.flag('ignoreUnfixed') ?? false, ignores: ignoreRules(raw, shell), now };
}

/** The reports to judge: `service=path` (or, CLI, a bare path); each must exist. */
export function parseReports(raw: Raw, shell: ScanShell): ReportFile[] {
  return raw.list('reports').map((entry) => {
    const equals = entry.indexOf('=');
    const path = (equals > 0 ? entry.slice(equals + 1) : entry).trim();
    const name = equals > 0 ? entry.slice(0, equals).trim() : shell.loosePaths ? basename(path).replace(/\.json$/, '') : '';
    if (path === '' || (equals > 0 && !serviceName.test(name)) || (!shell.loosePaths && equals <= 0)) {
      throw new InputError(`${raw.label('reports')}: '${entry}' is not service=path/to/trivy-report.json`);
    }
    const file = shell.loosePaths ? resolve(shell.root, path) : insideRoot(shell.root, path, raw.label('reports'));
    if (!existsSync(file))
      throw new InputError(`${raw.label('reports')}: ${path} does not exist${shell.loosePaths ? '' : ' in the workspace'}`);
    return { name, path, file };
  });
}
