/**
 * `slipway validate [folder] [--json]`: checks a GitOps tree (default gitops-repo) — YAML,
 * strict schemas, Applications and projects, the shop chart rendered per service and
 * environment, workload policy, secrets. Prints one line per finding; exit 0 clean, 1 findings,
 * 2 bad usage.
 */
import { formatFinding } from '../../lib/validate/finding.ts';
import { ValidateInputError, validateFolder } from '../../lib/validate/validate-folder.ts';

export const summary = 'validate a GitOps folder (default gitops-repo); exit 1 on any finding';

const usage = 'usage: slipway validate [folder] [--json]\n  folder  the GitOps tree to check (default: gitops-repo)\n  --json  print the findings as a JSON array\n';

export interface CommandOutput {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processOutput: CommandOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export async function run(args: string[], output: CommandOutput = processOutput): Promise<number> {
  const folders = args.filter((arg) => !arg.startsWith('-'));
  const flags = args.filter((arg) => arg.startsWith('-'));
  if (flags.includes('--help') || flags.includes('-h')) {
    output.stdout(usage);
    return 0;
  }
  const unknown = flags.filter((flag) => flag !== '--json');
  if (unknown.length > 0 || folders.length > 1) {
    output.stderr(`slipway validate: ${unknown.length > 0 ? `unknown option ${unknown.join(' ')}` : 'give at most one folder'}\n${usage}`);
    return 2;
  }
  const folder = folders[0] ?? 'gitops-repo';
  let findings;
  try {
    findings = await validateFolder(folder);
  } catch (error) {
    if (error instanceof ValidateInputError) {
      output.stderr(`slipway validate: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (flags.includes('--json')) output.stdout(`${JSON.stringify(findings, null, 2)}\n`);
  else {
    for (const finding of findings) output.stdout(`${formatFinding(finding)}\n`);
    output.stdout(findings.length === 0 ? `${folder}: no findings\n` : `${folder}: ${findings.length} finding${findings.length === 1 ? '' : 's'}\n`);
  }
  return findings.length === 0 ? 0 : 1;
}
