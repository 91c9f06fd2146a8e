// `terraform fmt -check -recursive` over infra-repo with the real terraform binary.
// No providers are needed, so this runs offline; `terraform validate` needs
// provider downloads and runs in the GitHub workflow instead.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { locateTerraform, offlineTerraform } from '../checks/terraform-binary.ts';

const infraRoot = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'slipway-tf-fmt-'));
const terraform = offlineTerraform(scratch);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs terraform fmt -check in dir: exit status and the files (relative to dir) it would rewrite. */
function fmtCheck(dir: string): { status: number | null; files: string[]; stderr: string } {
  const result = terraform(dir, ['fmt', '-check', '-recursive', '-list=true', '.']);
  return { status: result.status, files: result.stdout.split('\n').filter(Boolean), stderr: result.stderr };
}

describe('terraform fmt', () => {
  it('infra-repo is formatted (terraform fmt -check -recursive infra-repo)', () => {
    const { status, files, stderr } = fmtCheck(infraRoot);
    expect(files, `unformatted files; run \`terraform fmt -recursive infra-repo\`:\n${files.join('\n')}\n${stderr}`).toEqual([]);
    expect(status).toBe(0);
  });

  it('fails on an unformatted file and names it', () => {
    const dir = join(scratch, 'unformatted');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.tf'), 'variable "x" {\ntype=string\n  description   =   "x"\n}\n');
    const { status, files } = fmtCheck(dir);
    expect(status).not.toBe(0);
    expect(files).toEqual(['main.tf']);
  });
});

describe('locating terraform', () => {
  const only = (path: string) => (candidate: string) => candidate === path;

  it('takes TERRAFORM_BIN first', () => {
    expect(locateTerraform({ TERRAFORM_BIN: '/opt/tf/terraform', PATH: '/usr/bin' }, only('/opt/tf/terraform'))).toBe('/opt/tf/terraform');
  });

  it('then the first terraform on PATH', () => {
    expect(
      locateTerraform({ PATH: '/usr/bin:/usr/local/bin:/opt/bin' }, (p) => p.startsWith('/usr/local/bin') || p.startsWith('/opt/bin')),
    ).toBe('/usr/local/bin/terraform');
  });

  it('fails with what was searched and how to install when terraform is missing', () => {
    expect(() => locateTerraform({ PATH: '/usr/bin:/bin' }, () => false)).toThrow(
      /terraform not found: TERRAFORM_BIN is unset and no directory on PATH \(\/usr\/bin:\/bin\) holds an executable terraform\. Install Terraform >= 1\.10/,
    );
  });

  it('fails when TERRAFORM_BIN points at nothing', () => {
    expect(() => locateTerraform({ TERRAFORM_BIN: '/nope/terraform', PATH: '/usr/local/bin' }, only('/usr/local/bin/terraform'))).toThrow(
      /TERRAFORM_BIN is set to \/nope\/terraform, which is not an executable file/,
    );
  });
});
