// An environment root keeps its state in S3, locked with S3's native lockfile
// (use_lockfile, Terraform 1.10+), encrypted, and without the deprecated DynamoDB lock table.
import { childBlocks, isBody, lineOf, terraformSettings } from './terraform-config.ts';
import type { Finding, TerraformModule } from './terraform-config.ts';

const DYNAMODB_ARGUMENTS = ['dynamodb_table', 'dynamodb_endpoint'];

export function stateBackendFindings(root: TerraformModule): Finding[] {
  const findings: Finding[] = [];
  const backends = terraformSettings(root).flatMap(({ body, file }) =>
    childBlocks(body, 'backend').flatMap((byType) => Object.entries(byType).map(([type, config]) => ({ type, config, file }))),
  );
  if (backends.length === 0) {
    return [
      {
        check: 'state-backend',
        file: root.files[0]?.path ?? root.dir,
        message: `${root.dir} has no backend: add backend "s3" { key = "...", use_lockfile = true, encrypt = true } to its terraform block`,
      },
    ];
  }
  for (const { type, config, file } of backends) {
    const line = lineOf(file.text, `backend "${type}"`);
    const where = { check: 'state-backend', file: file.path, line };
    if (type !== 's3') {
      findings.push({ ...where, message: `backend "${type}": environments keep state in the S3 bucket from bootstrap/ (backend "s3")` });
      continue;
    }
    const body = (Array.isArray(config) ? config[0] : config) as unknown;
    const settings = isBody(body) ? body : {};
    if (settings.use_lockfile !== true) {
      findings.push({ ...where, message: 'backend "s3" does not set use_lockfile = true: state writes would not be locked' });
    }
    for (const argument of DYNAMODB_ARGUMENTS.filter((a) => a in settings)) {
      findings.push({
        ...where,
        line: lineOf(file.text, argument) ?? line,
        message: `backend "s3" sets ${argument}: DynamoDB locking is deprecated; remove it and rely on use_lockfile = true`,
      });
    }
    if (settings.encrypt !== true) {
      findings.push({ ...where, message: 'backend "s3" does not set encrypt = true' });
    }
    if (typeof settings.key !== 'string') {
      findings.push({ ...where, message: 'backend "s3" has no key: each environment needs its own state key' });
    }
  }
  return findings;
}
