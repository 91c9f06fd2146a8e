// Module calls match the modules they call: only declared variables are passed,
// every required variable (no default) is passed, and every module.X.Y
// reference names an output module X declares.
import { join, normalize } from 'node:path';
import { attributeLine, blockLine, lineOf, namedBlocks, stringsIn } from './terraform-config.ts';
import type { Finding, TerraformModule } from './terraform-config.ts';

/** Arguments of a module block that are Terraform's, not the module's variables. */
const META_ARGUMENTS = new Set(['source', 'version', 'providers', 'depends_on', 'count', 'for_each']);

/** The module directory a local source points at, relative to the infra-repo root; undefined for registry/git sources. */
export function localModuleDir(callerDir: string, source: string): string | undefined {
  if (!source.startsWith('./') && !source.startsWith('../')) return undefined;
  return normalize(join(callerDir, source));
}

/** Findings for every module call of caller; modules maps a directory (relative to the infra-repo root) to its parsed module. */
export function moduleCallFindings(caller: TerraformModule, modules: ReadonlyMap<string, TerraformModule>): Finding[] {
  const findings: Finding[] = [];
  for (const call of namedBlocks(caller, 'module')) {
    const where = { check: 'module-call', file: call.file.path, line: blockLine(call.file, 'module', call.name) };
    const source = call.body.source;
    if (typeof source !== 'string') {
      findings.push({ ...where, message: `module "${call.name}" has no literal source` });
      continue;
    }
    const dir = localModuleDir(caller.dir, source);
    const callee = dir === undefined ? undefined : modules.get(dir);
    if (callee === undefined) {
      findings.push({
        ...where,
        message: `module "${call.name}": source "${source}" is not a module directory of this repository; use a local ../../modules/<name> path so the call can be checked`,
      });
      continue;
    }
    const declared = new Map(namedBlocks(callee, 'variable').map((v) => [v.name, v]));
    const passed = Object.keys(call.body).filter((key) => !META_ARGUMENTS.has(key));
    for (const argument of passed) {
      if (!declared.has(argument)) {
        findings.push({
          ...where,
          line: attributeLine(call.file.text, argument, Math.max(0, call.file.text.indexOf(`module "${call.name}"`))) ?? where.line,
          message: `module "${call.name}" passes "${argument}", which ${callee.dir} does not declare (declared: ${[...declared.keys()].sort().join(', ')})`,
        });
      }
    }
    for (const [name, variable] of declared) {
      if (!('default' in variable.body) && !passed.includes(name)) {
        findings.push({ ...where, message: `module "${call.name}" does not pass "${name}", which ${callee.dir} requires (it has no default)` });
      }
    }
  }
  return findings;
}

const MODULE_REFERENCE = /(?<![\w.-])module\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.([A-Za-z_][\w-]*)/g;

/** Findings for module.X.Y references in caller whose module X has no output Y. */
export function moduleOutputFindings(caller: TerraformModule, modules: ReadonlyMap<string, TerraformModule>): Finding[] {
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
        const dir = typeof call.body.source === 'string' ? localModuleDir(caller.dir, call.body.source) : undefined;
        const callee = dir === undefined ? undefined : modules.get(dir);
        if (callee === undefined) continue; // reported by moduleCallFindings
        const outputs = new Set(namedBlocks(callee, 'output').map((o) => o.name));
        if (!outputs.has(output)) {
          findings.push({
            ...where,
            line: lineOf(file.text, `module.${name}.${output}`) ?? where.line,
            message: `${reference}: ${callee.dir} has no output "${output}" (outputs: ${[...outputs].sort().join(', ')})`,
          });
        }
      }
    }
  }
  return findings;
}
