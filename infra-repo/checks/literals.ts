// No hard-coded account ids, regions or secrets in the Terraform code. Account
// ids come from data.aws_caller_identity, regions from variables and
// data.aws_region, secrets from outside Terraform.
//
// Region names are allowed in one place only: the `default` of a variable (a
// value the caller overrides). Examples belong in *.example files and READMEs,
// which are not .tf files and are not checked.
import { lineOf, stringsIn } from './terraform-config.ts';
import type { Finding, TerraformModule } from './terraform-config.ts';

const ACCOUNT_ID = /(?<![\w-])\d{12}(?![\w-])/;

/** AWS region codes (eu-west-1, us-gov-west-1, ap-southeast-2) and availability zones (eu-west-1a). */
const REGION =
  /(?<![\w-])(?:us|eu|ap|sa|ca|me|af|il|mx|cn)(?:-gov|-iso[a-z]?)?-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d[a-z]?(?![\w-])/;

const SECRET_VALUES: { pattern: RegExp; what: string }[] = [
  { pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/, what: 'an AWS access key id' },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a private key' },
  { pattern: /\bgh[pousr]_[A-Za-z0-9]{30,}\b/, what: 'a GitHub token' },
  { pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/, what: 'a Slack token' },
];

/** Argument names whose literal values would be credentials. */
const SECRET_KEY = /(?:^|_)(?:password|passwd|secret|secret_key|access_key|api_key|token|private_key|client_secret)$/i;

function isVariableDefault(path: string[]): boolean {
  return path[0] === 'variable' && path.includes('default');
}

function isLiteral(value: string): boolean {
  return value.length > 0 && !value.includes('${');
}

export function hardcodedLiteralFindings(module: TerraformModule): Finding[] {
  const findings: Finding[] = [];
  for (const file of module.files) {
    for (const { path, value } of stringsIn(file.json)) {
      const where = (needle: string) => ({ check: 'hardcoded-literal', file: file.path, line: lineOf(file.text, needle) });
      const account = ACCOUNT_ID.exec(value);
      if (account) {
        findings.push({
          ...where(account[0]),
          message: `"${account[0]}" looks like an AWS account id (at ${path.join('.')}): use data.aws_caller_identity.current.account_id or a variable`,
        });
      }
      const region = REGION.exec(value);
      if (region && !isVariableDefault(path)) {
        findings.push({
          ...where(region[0]),
          message: `"${region[0]}" is a hard-coded region or AZ (at ${path.join('.')}): use var.region, data.aws_region.current or data.aws_availability_zones`,
        });
      }
      for (const { pattern, what } of SECRET_VALUES) {
        const secret = pattern.exec(value);
        if (secret) {
          findings.push({
            ...where(secret[0]),
            message: `a string at ${path.join('.')} looks like ${what}: never commit credentials; pass them at run time or use a secret store`,
          });
        }
      }
      const key = path[path.length - 1] ?? '';
      if (SECRET_KEY.test(key) && isLiteral(value)) {
        findings.push({
          ...where(key),
          message: `"${key}" is set to a literal (at ${path.join('.')}): secrets must not be written in Terraform code; take them from a sensitive variable or a secret store`,
        });
      }
    }
  }
  return findings;
}
