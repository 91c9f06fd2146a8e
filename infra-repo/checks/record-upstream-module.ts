// `npm run record-upstream -w @slipway/infra-repo -- <module dir> <registry source> <version> <repository> <tag> <commit>`
// Records what a registry module declares (variables, required variables, outputs) from a checkout
// of its release tag, into checks/upstream-inputs/. Run it when a pinned module version moves, e.g.
// after `git clone --branch v6.6.0 https://github.com/terraform-aws-modules/terraform-aws-vpc`.
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadTerraformModule } from './terraform-config.ts';
import { declaredInterface, UPSTREAM_INPUTS_DIR } from './upstream-modules.ts';
import type { UpstreamModule } from './upstream-modules.ts';

const [dir, module, version, repository, tag, commit] = process.argv.slice(2);
if (!dir || !module || !version || !repository || !tag || !commit || !/^\d+\.\d+\.\d+$/.test(version) || !existsSync(dir)) {
  console.error('usage: record-upstream-module.ts <module dir> <registry source> <exact version x.y.z> <repository> <tag> <commit>');
  process.exit(2);
}
const parsed = await loadTerraformModule(resolve(dir), resolve(dir));
const files = parsed.files.map((f) => f.path).filter((p) => /(^|\/)(variables|outputs)\.tf$/.test(p));
const recorded: UpstreamModule = { module, version, source: { repository, tag, commit, files }, ...declaredInterface(parsed) };
const name = `${module.replace(/\/\//g, '/').replace(/\//g, '_')}@${version}.json`;
const target = join(UPSTREAM_INPUTS_DIR, name);
writeFileSync(target, `${JSON.stringify(recorded, null, 2)}\n`);
console.log(`${target}: ${recorded.variables.length} variables, ${recorded.outputs.length} outputs`);
