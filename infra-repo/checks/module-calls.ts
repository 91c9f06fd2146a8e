// Module calls match the modules they call: only declared variables are passed,
// every required variable (no default) is passed, and every module.X.Y
// reference names an output module X declares. A callee is a module directory
// of this repository, or a registry module pinned to an exact version whose
// variables and outputs are recorded from upstream (checks/upstream-inputs/).
import { join, normalize } from 'node:path';
import { closest } from 'fastest-levenshtein';
import { attributeLine, blockLine, lineOf, namedBlocks, stringsIn } from './terraform-config.ts';
import type { Finding, NamedBlock, TerraformModule } from './terraform-config.ts';
import { declaredInterface, upstreamKey } from './upstream-modules.ts';
import type { UpstreamModules } from './upstream-modules.ts';
import { isExactVersion } from './version-pins.ts';

/** Arguments of a module block that are Terraform's, not the module's variables. */
const META_ARGUMENTS = new Set(['source', 'version', 'providers', 'depends_on', 'count', 'for_each']);

/** namespace/name/provider, optionally //subdirectory: a Terraform registry module source. */
const REGISTRY_SOURCE = /^[a-z0-9][a-z0-9_-]*\/[a-z0-9][a-z0-9_-]*\/[a-z0-9]+(?:\/\/[\w./-]+)?$/;

/** What a call is checked against: the callee's name in findings and what it declares. */
interface Callee {
  label: string;
  variables: ReadonlySet<string>;
  required: ReadonlySet<string>;
  outputs: ReadonlySet<string>;
}

/** Where the checks find callees: this repository's modules by directory, and the recorded registry modules. */
export interface ModuleIndex {
  local: ReadonlyMap<string, TerraformModule>;
  upstream: UpstreamModules;
}

/** The module directory a local source points at, relative to the infra-repo root; undefined for registry/git sources. */
export function localModuleDir(callerDir: string, source: string): string | undefined {
  if (!source.startsWith('./') && !source.startsWith('../')) return undefined;
  return normalize(join(callerDir, source));
}

export function isRegistrySource(source: string): boolean {
  return REGISTRY_SOURCE.test(source);
}

/** The callee of a call, or the reason it cannot be checked. */
function resolveCallee(caller: TerraformModule, call: NamedBlock, index: ModuleIndex): Callee | string {
  const source = call.body.source;
  if (typeof source !== 'string') return `module "${call.name}" has no literal source`;
  const dir = localModuleDir(caller.dir, source);
  if (dir !== undefined) {
    const local = index.local.get(dir);
    if (local === undefined) return `module "${call.name}": source "${source}" is not a module directory of this repository`;
    const declared = declaredInterface(local);
    return {
      label: local.dir,
      variables: new Set(declared.variables),
      required: new Set(declared.required),
      outputs: new Set(declared.outputs),
    };
  }
  if (!isRegistrySource(source)) {
    return `module "${call.name}": source "${source}" is neither a module directory of this repository (../../modules/<name>) nor a registry module (namespace/name/provider): the call cannot be checked`;
  }
  const version = typeof call.body.version === 'string' ? call.body.version.replace(/^=\s*/, '') : undefined;
  if (version === undefined || !isExactVersion(version)) {
    return `module "${call.name}": registry module ${source} has ${version === undefined ? 'no version' : `version "${version}", not an exact version`}: pin one release (e.g. version = "1.2.3") so its inputs can be checked`;
  }
  const upstream = index.upstream.get(upstreamKey(source, version));
  if (upstream === undefined) {
    return `module "${call.name}": no recorded inputs for ${source} ${version} in checks/upstream-inputs/: record its variables.tf and outputs.tf at that release's tag (npm run record-upstream -w @slipway/infra-repo)`;
  }
  return {
    label: `${source} ${version}`,
    variables: new Set(upstream.variables),
    required: new Set(upstream.required),
    outputs: new Set(upstream.outputs),
  };
}

/** ' (did you mean "x"?)' with the declared name nearest to name, or '' when nothing is declared. */
function suggestion(name: string, declared: ReadonlySet<string>): string {
  return declared.size === 0 ? '' : ` (did you mean "${closest(name, [...declared])}"?)`;
}

/** Findings for every module call of caller. */
export function moduleCallFindings(caller: TerraformModule, index: ModuleIndex): Finding[] {
  const findings: Finding[] = [];
  for (const call of namedBlocks(caller, 'module')) {
    const where = { check: 'module-call', file: call.file.path, line: blockLine(call.file, 'module', call.name) };
    const callee = resolveCallee(caller, call, index);
    if (typeof callee === 'string') {
      findings.push({ ...where, message: callee });
      continue;
    }
    const passed = Object.keys(call.body).filter((key) => !META_ARGUMENTS.has(key));
    for (const argument of passed.filter((a) => !callee.variables.has(a))) {
      findings.push({
        ...where,
        line: attributeLine(call.file.text, argument, Math.max(0, call.file.text.indexOf(`module "${call.name}"`))) ?? where.line,
        message: `module "${call.name}" passes "${argument}", which ${callee.label} does not declare${suggestion(argument, callee.variables)}`,
      });
    }
    for (const name of [...callee.required].filter((r) => !passed.includes(r))) {
      findings.push({
        ...where,
        message: `module "${call.name}" does not pass "${name}", which ${callee.label} requires (it has no default)`,
      });
    }
  }
  return findings;
}

const MODULE_REFERENCE = /(?<![\w.-])module\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.([A-Za-z_][\w-]*)/g;

/** Findings for module.X.Y references in caller whose module X has no output Y. */
export function moduleOutputFindings(caller: TerraformModule, index: ModuleIndex): Finding[] {
  const calls = new Map(namedBlocks(caller, 'module').map((c) => [c.name, c]));
  const findings: Finding[] = [];
  for (const file of caller.files) {
    for (const { value } of stringsIn(file.json)) {
      for (const match of value.matchAll(MODULE_REFERENCE)) {
        const [reference, name = '', output = ''] = match;
        const call = calls.get(name);
        const where = { check: 'module-output', file: file.path, line: lineOf(file.text, `module.${name}`) };
        if (call === undefined) {
          findings.push({ ...where, message: `${reference} refers to module "${name}", which ${caller.dir} does not call` });
          continue;
        }
        const callee = resolveCallee(caller, call, index);
        if (typeof callee === 'string') continue; // reported by moduleCallFindings
        if (!callee.outputs.has(output)) {
          findings.push({
            ...where,
            line: lineOf(file.text, `module.${name}.${output}`) ?? where.line,
            message: `${reference}: ${callee.label} has no output "${output}"${suggestion(output, callee.outputs)}`,
          });
        }
      }
    }
  }
  return findings;
}
