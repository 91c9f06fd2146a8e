// Where the terraform binary is. Tests that need it fail with this message
// rather than skip: CI must install Terraform.
import { accessSync, constants } from 'node:fs';
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
