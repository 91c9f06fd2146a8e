// `npm run check -w @slipway/infra-repo`: prints every structural finding, exits 1 if any.
import { fileURLToPath } from 'node:url';
import { infraFindings } from './infra-checks.ts';
import { formatFinding, loadInfraRepo } from './terraform-config.ts';
import { loadUpstreamModules, UPSTREAM_INPUTS_DIR } from './upstream-modules.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const modules = await loadInfraRepo(root);
const findings = infraFindings(modules, loadUpstreamModules(UPSTREAM_INPUTS_DIR));
for (const finding of findings) console.error(formatFinding(finding));
console.log(`infra-repo: ${modules.length} Terraform directories checked, ${findings.length} finding(s)`);
process.exitCode = findings.length === 0 ? 0 : 1;
