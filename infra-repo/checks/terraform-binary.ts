// Where the terraform binary is. Tests that need it fail with this message
// rather than skip: CI must install Terraform.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const TERRAFORM_INSTALL_HINT =
  'Install Terraform >= 1.10 (HashiCorp release zip or HashiCorp apt repository; Debian has no terraform package and no npm package ships the binary), put it on PATH or set TERRAFORM_BIN to its path.';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds terraform: $TERRAFORM_BIN if set, else the first `terraform` on PATH.
 * Throws an error naming every place looked at when none is found.
 */
export function locateTerraform(env: NodeJS.ProcessEnv = process.env, executable: (path: string) => boolean = isExecutable): string {
  const explicit = env.TERRAFORM_BIN;
  if (explicit) {
    if (executable(explicit)) return explicit;
    throw new Error(`TERRAFORM_BIN is set to ${explicit}, which is not an executable file. ${TERRAFORM_INSTALL_HINT}`);
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = join(dir, 'terraform');
    if (executable(candidate)) return candidate;
  }
  throw new Error(
    `terraform not found: TERRAFORM_BIN is unset and no directory on PATH (${dirs.join(delimiter) || 'empty'}) holds an executable terraform. ${TERRAFORM_INSTALL_HINT}`,
  );
}

/** What one terraform run gave: its exit status and output. */
export interface TerraformRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs terraform the way the offline tests need it: no update check against HashiCorp
 * (CHECKPOINT_DISABLE), TF_IN_AUTOMATION, and an empty CLI configuration written into `scratch`
 * (no warning about a missing CLI config file). The runner finds terraform when it first runs, so a
 * test without it fails with TERRAFORM_INSTALL_HINT.
 */
export function offlineTerraform(scratch: string): (cwd: string, args: string[], input?: string) => TerraformRun {
  const cliConfig = join(scratch, 'terraformrc');
  writeFileSync(cliConfig, '');
  return (cwd, args, input) => {
    const terraform = locateTerraform();
    const result = spawnSync(terraform, args, {
      cwd,
      input,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: cliConfig },
    });
    if (result.error) throw new Error(`could not run ${terraform} ${args[0] ?? ''}: ${result.error.message}`);
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };
}
