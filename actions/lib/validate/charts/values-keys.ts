/**
 * Values keys a chart does not define. Helm merges whatever values it is given and templates
 * read only the keys they know: a misspelt or outdated key is silently ignored. The rule:
 *
 * - The chart's definitions are its `values.yaml` and the `.Values.<path>` its templates read
 *   (charts often document optional keys only as comments and read them in a template), plus,
 *   under each dependency's `alias` (or name), that subchart's own definitions (recursively),
 *   and under `global` the union of every chart's `global`.
 * - A key given in the tree's values (an Application's valuesObject / values / parameters, or a
 *   values file of the tree) is unknown when the definitions at that place do not have it.
 * - Checking stops, and anything below is accepted, where the chart passes a map through
 *   free-form: where its default is an empty map `{}` or null, where the default is not a map
 *   (a list or scalar), where a subchart ships as an archive (not read), and at keys named like
 *   Kubernetes maps and objects the chart hands to `toYaml` — names ending in annotations,
 *   labels, nodeSelector, selector, extraArgs, env, securityContext, resources, affinity,
 *   tolerations or probe (any field Kubernetes accepts there is valid).
 * - Values files shipped inside the chart are the chart's own and are not checked.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { childPath } from '../finding.ts';
import { record } from '../json-values.ts';
import type { Json } from '../json-values.ts';

export const freeFormKey =
  /(annotations|labels|nodeselector|selector|extraargs|env|securitycontext|resources|affinity|tolerations|probe)$/i;

function readYaml(file: string): unknown {
  return existsSync(file) ? (parse(readFileSync(file, 'utf8'), { maxAliasCount: 1000 }) as unknown) : undefined;
}

/** Deep union of two definition trees: keys of both; maps merged. */
function union(a: unknown, b: unknown): unknown {
  const left = record(a);
  const right = record(b);
  if (!left || !right) return right ?? left ?? b ?? a;
  const merged: Json = { ...left };
  for (const [key, value] of Object.entries(right)) merged[key] = key in left ? union(left[key], value) : value;
  return merged;
}

/**
 * Adds a path a template reads. A key values.yaml lacks becomes defined (null, free-form below,
 * when the template reads it whole); maps values.yaml defines stay as strict as it defines them.
 */
function addReadPath(definitions: Json, keys: string[], created: WeakSet<object>): void {
  let node = definitions;
  for (const [index, key] of keys.entries()) {
    const last = index === keys.length - 1;
    const existing = node[key];
    if (!(key in node) || (last && created.has(record(existing) ?? {}))) {
      node[key] = last ? null : {};
      if (!last) created.add(node[key] as object);
    }
    const next = record(node[key]);
    if (!next || (!created.has(next) && Object.keys(next).length === 0)) return;
    node = next;
  }
}

/** Every `.Values.a.b` path the templates of a chart folder read (its own templates/, not its subcharts'). */
export function templateReadPaths(chartDir: string): string[][] {
  const paths: string[][] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 10 || !existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, depth + 1);
      else if (entry.isFile() && statSync(path).size < 4 * 1024 * 1024) {
        for (const match of readFileSync(path, 'utf8').matchAll(/\.Values((?:\.[A-Za-z_]\w*)+)/g))
          paths.push((match[1] ?? '').slice(1).split('.'));
      }
    }
  };
  walk(join(chartDir, 'templates'), 0);
  return paths;
}

/** The definitions of a chart folder (its values.yaml and template reads, with its subcharts' under their names). */
export function chartDefinitions(chartDir: string, depth = 0): Json {
  const own = record(readYaml(join(chartDir, 'values.yaml'))) ?? {};
  const definitions: Json = structuredClone(own);
  const created = new WeakSet<object>();
  for (const keys of templateReadPaths(chartDir)) addReadPath(definitions, keys, created);
  let globals: unknown = definitions.global ?? {};
  const chartsDir = join(chartDir, 'charts');
  if (depth > 10 || !existsSync(chartsDir)) return definitions;
  const dependencies = (record(readYaml(join(chartDir, 'Chart.yaml')))?.dependencies ?? []) as unknown[];
  for (const entry of readdirSync(chartsDir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.tgz')) {
      // An archived subchart: its definitions are not read, so its key is accepted whole.
      const name = entry.name.replace(/-v?\d+\.\d+\.\d+.*\.tgz$/, '');
      definitions[name] = {};
      continue;
    }
    if (!entry.isDirectory()) continue;
    const name = String(record(readYaml(join(chartsDir, entry.name, 'Chart.yaml')))?.name ?? entry.name);
    const sub = chartDefinitions(join(chartsDir, entry.name), depth + 1);
    globals = union(globals, sub.global ?? {});
    delete sub.global;
    const aliases = dependencies
      .map(record)
      .filter((dependency) => dependency?.name === name)
      .map((dependency) => String(dependency?.alias ?? name));
    for (const key of aliases.length > 0 ? aliases : [name]) definitions[key] = union(sub, definitions[key]);
  }
  definitions.global = globals;
  return definitions;
}

function unknownBelow(definitions: unknown, values: unknown, path: string, found: string[]): void {
  const defined = record(definitions);
  const given = record(values);
  if (!defined || !given || Object.keys(defined).length === 0) return;
  for (const [key, value] of Object.entries(given)) {
    const at = childPath(path, key);
    if (!(key in defined)) found.push(at);
    else if (!freeFormKey.test(key)) unknownBelow(defined[key], value, at, found);
  }
}

/** Key paths of `values` the definitions do not have (dotted, `a.b["c.d"]`). */
export function unknownValueKeys(definitions: Json, values: unknown): string[] {
  const found: string[] = [];
  const given = record(values);
  if (!given) return found;
  for (const [key, value] of Object.entries(given)) {
    if (!(key in definitions) && key !== 'global') found.push(childPath('', key));
    else if (!freeFormKey.test(key)) unknownBelow(definitions[key], value, childPath('', key), found);
  }
  return found;
}

/**
 * The map keys of a `--set` name (helm/helm v3.17.2 `pkg/strvals/parser.go`): `.` separates
 * keys, `\.` is a dot inside a key, `[n]` indexes a list (the path stops there).
 */
export function parameterKeys(name: string): string[] {
  const keys: string[] = [];
  let current = '';
  for (let i = 0; i < name.length; i++) {
    const char = name[i];
    if (char === '\\' && i + 1 < name.length) current += name[++i];
    else if (char === '.') {
      keys.push(current);
      current = '';
    } else if (char === '[') {
      keys.push(current);
      return keys;
    } else current += char;
  }
  keys.push(current);
  return keys;
}

/** The values a `--set` name writes, as a nested map (the value itself does not matter here). */
export function parameterAsValues(name: string): Json {
  const keys = parameterKeys(name);
  return keys.reduceRight<unknown>((inner, key) => ({ [key]: inner }), null) as Json;
}
