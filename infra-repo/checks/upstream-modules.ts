// What a registry module accepts, as data: for each module source and exact version we call, the
// variable names its variables.tf declares (and which have no default) and the outputs its
// outputs.tf declares, recorded from the upstream repository at that release's tag. Facts taken
// from upstream, kept in checks/upstream-inputs/<module>@<version>.json; the checks compare our
// module calls with them, so an argument the module does not have is found before `terraform init`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { namedBlocks } from './terraform-config.ts';
import type { TerraformModule } from './terraform-config.ts';

/** Where a recorded interface was read: repository, files and tag (with its commit). */
export interface UpstreamSource {
  repository: string;
  tag: string;
  commit: string;
  files: string[];
}

/** The interface of one registry module at one version. */
export interface UpstreamModule {
  /** Registry source as a module block writes it, e.g. terraform-aws-modules/vpc/aws or …//modules/vpc-endpoints. */
  module: string;
  version: string;
  source: UpstreamSource;
  variables: string[];
  /** Variables without a default: every call must pass them. */
  required: string[];
  outputs: string[];
}

/** Recorded interfaces by `<module>@<version>`. */
export type UpstreamModules = ReadonlyMap<string, UpstreamModule>;

export function upstreamKey(module: string, version: string): string {
  return `${module}@${version}`;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Checks the shape of one recorded file; throws naming the file and the field when it is wrong. */
export function parseUpstreamModule(file: string, text: string): UpstreamModule {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const record = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const source = (typeof record.source === 'object' && record.source !== null ? record.source : {}) as Record<string, unknown>;
  const problems = [
    typeof record.module === 'string' ? '' : 'module (the registry source, a string)',
    typeof record.version === 'string' && /^\d+\.\d+\.\d+$/.test(record.version) ? '' : 'version (an exact x.y.z)',
    typeof source.repository === 'string' &&
    typeof source.tag === 'string' &&
    typeof source.commit === 'string' &&
    isStringList(source.files)
      ? ''
      : 'source { repository, tag, commit, files }',
    isStringList(record.variables) ? '' : 'variables (a list of names)',
    isStringList(record.required) ? '' : 'required (a list of names)',
    isStringList(record.outputs) ? '' : 'outputs (a list of names)',
  ].filter(Boolean);
  if (problems.length > 0)
    throw new Error(`${file}: missing or malformed ${problems.join(', ')}; record it again from the module's release tag`);
  return data as UpstreamModule;
}

/** Reads every recorded interface in dir; throws on a malformed file or two files for one module version. */
export function loadUpstreamModules(dir: string): Map<string, UpstreamModule> {
  const modules = new Map<string, UpstreamModule>();
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    const recorded = parseUpstreamModule(name, readFileSync(join(dir, name), 'utf8'));
    const key = upstreamKey(recorded.module, recorded.version);
    if (modules.has(key)) throw new Error(`${name}: ${key} is recorded twice in ${dir}; keep one file per module version`);
    modules.set(key, recorded);
  }
  return modules;
}

/** The interface a parsed module declares: what a recording takes from an upstream checkout. */
export function declaredInterface(module: TerraformModule): Pick<UpstreamModule, 'variables' | 'required' | 'outputs'> {
  const variables = namedBlocks(module, 'variable');
  return {
    variables: variables.map((v) => v.name).sort(),
    required: variables
      .filter((v) => !('default' in v.body))
      .map((v) => v.name)
      .sort(),
    outputs: namedBlocks(module, 'output')
      .map((o) => o.name)
      .sort(),
  };
}

/** checks/upstream-inputs/ of this repository: the recorded interfaces the checks use. */
export const UPSTREAM_INPUTS_DIR = fileURLToPath(new URL('upstream-inputs/', import.meta.url));
