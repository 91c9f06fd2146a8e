// Versions are pinned: every module sets required_version, every required
// provider has a source and a version range with an upper bound, and every Helm
// chart is an exact version.
import { blockLine, childBlocks, isBody, lineOf, namedBlocks, terraformSettings, typedBlocks } from './terraform-config.ts';
import type { Finding, TerraformModule } from './terraform-config.ts';

/**
 * Whether a Terraform version constraint has an upper bound: `< x`, `<= x`, an exact
 * version (`= x` or bare `x`), or `~> x.y` (pessimistic with at least two parts; `~> 6`
 * reads as unbounded to most people, so it is not accepted).
 */
export function constraintHasUpperBound(constraint: string): boolean {
  return constraint
    .split(',')
    .map((part) => part.trim())
    .some((part) => {
      if (/^<=?\s*\d/.test(part)) return true;
      if (/^=?\s*\d+\.\d+\.\d+$/.test(part)) return true;
      const pessimistic = /^~>\s*(\d+(?:\.\d+)*)$/.exec(part);
      return pessimistic !== null && (pessimistic[1] ?? '').split('.').length >= 2;
    });
}

/** An exact release version, x.y.z: what chart and registry module pins must be. */
export function isExactVersion(version: string): boolean {
  return /^\d+\.\d+\.\d+$/.test(version);
}

export function versionPinFindings(module: TerraformModule): Finding[] {
  const findings: Finding[] = [];
  const settings = terraformSettings(module);
  const fallbackFile = module.files[0]?.path ?? module.dir;
  if (!settings.some((s) => typeof s.body.required_version === 'string')) {
    findings.push({
      check: 'version-pin',
      file: settings[0]?.file.path ?? fallbackFile,
      message: `${module.dir} sets no required_version: add \`required_version = ">= 1.10"\` to its terraform block (versions.tf)`,
    });
  }
  for (const { body, file } of settings) {
    for (const providers of childBlocks(body, 'required_providers')) {
      for (const [name, requirement] of Object.entries(providers)) {
        const line = lineOf(file.text, `${name} = {`) ?? lineOf(file.text, name);
        if (!isBody(requirement)) {
          findings.push({
            check: 'version-pin',
            file: file.path,
            line,
            message: `provider "${name}" must be { source = "...", version = "..." }`,
          });
          continue;
        }
        if (typeof requirement.source !== 'string') {
          findings.push({
            check: 'version-pin',
            file: file.path,
            line,
            message: `provider "${name}" has no source (e.g. "hashicorp/${name}")`,
          });
        }
        const version = requirement.version;
        if (typeof version !== 'string') {
          findings.push({
            check: 'version-pin',
            file: file.path,
            line,
            message: `provider "${name}" has no version constraint: add e.g. version = ">= 6.9, < 7.0"`,
          });
        } else if (!constraintHasUpperBound(version)) {
          findings.push({
            check: 'version-pin',
            file: file.path,
            line,
            message: `provider "${name}" version "${version}" has no upper bound: a new major version could change behaviour unreviewed; use ">= a, < b" or "~> x.y"`,
          });
        }
      }
    }
  }
  const variables = new Map(namedBlocks(module, 'variable').map((v) => [v.name, v]));
  for (const release of typedBlocks(module, 'resource').filter((r) => r.type === 'helm_release')) {
    const where = { check: 'chart-pin', file: release.file.path, line: blockLine(release.file, 'resource', 'helm_release', release.name) };
    const version = release.body.version;
    const viaVariable = typeof version === 'string' ? /^\$\{var\.([\w-]+)\}$/.exec(version) : null;
    const effective = viaVariable ? variables.get(viaVariable[1] ?? '')?.body.default : version;
    if (typeof effective !== 'string' || !isExactVersion(effective)) {
      findings.push({
        ...where,
        message: `helm_release "${release.name}" chart version ${JSON.stringify(effective ?? null)} is not an exact version: pin it (e.g. "9.5.4"), directly or as the default of the variable it uses`,
      });
    }
  }
  return findings;
}
