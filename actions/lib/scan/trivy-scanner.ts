/**
 * Runs the real Trivy on one image and leaves its full JSON report (SchemaVersion 2): no severity
 * filter, no --ignore-unfixed and an empty ignore file, so Trivy reports everything and the scan
 * policy (scan-policy.ts) alone decides, with one reading of .trivyignore and its expiry dates.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStep } from '../images/builder.ts';

export async function trivyVersion(env?: NodeJS.ProcessEnv): Promise<string> {
  const output = (
    await runStep({ command: 'trivy', args: ['--version'] }, { ...(env ? { env } : {}), purpose: 'asking trivy for its version' })
  ).toString('utf8');
  return /Version:\s*(\S+)/.exec(output)?.[1] ?? 'unknown';
}

export async function runTrivyImage(
  reference: string,
  outputFile: string,
  scratch: string,
  extraArgs: string[] = [],
  env?: NodeJS.ProcessEnv,
): Promise<void> {
  const emptyIgnore = join(scratch, 'empty.trivyignore');
  writeFileSync(emptyIgnore, '');
  await runStep(
    {
      command: 'trivy',
      args: [
        'image',
        '--quiet',
        '--format',
        'json',
        '--scanners',
        'vuln',
        '--ignorefile',
        emptyIgnore,
        '--output',
        outputFile,
        ...extraArgs,
        reference,
      ],
    },
    { ...(env ? { env } : {}), purpose: `scanning ${reference} with trivy` },
  );
}
