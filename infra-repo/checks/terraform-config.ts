// The Terraform configuration as data: each directory of .tf files parsed with
// @cdktf/hcl2json (HCL -> JSON, expressions kept as "${...}" strings), plus the
// raw text so findings can name a line.
import { parse } from '@cdktf/hcl2json';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A block body or object value as hcl2json returns it. */
export type HclBody = Record<string, unknown>;

export interface TerraformFile {
  /** Path relative to the infra-repo root, e.g. modules/vpc/main.tf. */
  path: string;
  text: string;
  json: HclBody;
}

/** One Terraform module: every .tf file of one directory. */
export interface TerraformModule {
  /** Directory relative to the infra-repo root, e.g. modules/vpc. */
  dir: string;
  files: TerraformFile[];
}

/** A named block such as variable "x", module "y" or output "z". */
export interface NamedBlock {
  name: string;
  body: HclBody;
  file: TerraformFile;
}

/** A labelled resource or data block, e.g. resource "aws_iam_role" "build". */
export interface TypedBlock extends NamedBlock {
  type: string;
}

export interface Finding {
  check: string;
  /** File relative to the infra-repo root. */
  file: string;
  line?: number;
  message: string;
}

export function isBody(value: unknown): value is HclBody {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bodies(value: unknown): HclBody[] {
  return Array.isArray(value) ? value.filter(isBody) : isBody(value) ? [value] : [];
}

/** Parses the given files (path relative to the infra-repo root, text) into one module. */
export async function parseTerraformModule(dir: string, sources: { path: string; text: string }[]): Promise<TerraformModule> {
  const files: TerraformFile[] = [];
  for (const source of sources) {
    let json: HclBody;
    try {
      json = (await parse(source.path, source.text)) as HclBody;
    } catch (error) {
      throw new Error(`${source.path}: not valid HCL (${(error as Error).message}). Run \`terraform fmt ${source.path}\` to see where.`, {
        cause: error,
      });
    }
    files.push({ path: source.path, text: source.text, json });
  }
  return { dir, files };
}

/** Every directory under root (inclusive) that holds .tf files, skipping .terraform and node_modules. */
export function terraformDirectories(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    const entries = readdirSync(dir).sort();
    if (entries.some((e) => e.endsWith('.tf') && statSync(join(dir, e)).isFile())) found.push(dir);
    for (const entry of entries) {
      if (entry === '.terraform' || entry === 'node_modules' || entry.startsWith('.')) continue;
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
    }
  };
  walk(root);
  return found;
}

/** Reads and parses one directory of the infra repository. */
export async function loadTerraformModule(root: string, dir: string): Promise<TerraformModule> {
  const sources = readdirSync(dir)
    .filter((name) => name.endsWith('.tf'))
    .sort()
    .map((name) => ({ path: relative(root, join(dir, name)), text: readFileSync(join(dir, name), 'utf8') }));
  return parseTerraformModule(relative(root, dir) || '.', sources);
}

/** Reads and parses every Terraform directory of the infra repository at root. */
export async function loadInfraRepo(root: string): Promise<TerraformModule[]> {
  const modules: TerraformModule[] = [];
  for (const dir of terraformDirectories(root)) modules.push(await loadTerraformModule(root, dir));
  return modules;
}

/** Blocks with one label: variable, output, module, provider (by name). */
export function namedBlocks(module: TerraformModule, kind: 'variable' | 'output' | 'module' | 'locals' | 'provider'): NamedBlock[] {
  const result: NamedBlock[] = [];
  for (const file of module.files) {
    const byName = file.json[kind];
    if (!isBody(byName)) continue;
    for (const [name, value] of Object.entries(byName)) {
      for (const body of bodies(value)) result.push({ name, body, file });
    }
  }
  return result;
}

/** Every local value of a module by name (all its locals blocks merged). */
export function moduleLocals(module: TerraformModule): HclBody {
  return Object.assign({}, ...module.files.flatMap((file) => bodies(file.json.locals)));
}

/** `${local.<name><accessors>}`; an accessor is .key, ["key"] or [var.x]. */
const LOCAL_REFERENCE = /\$\{local\.(\w+)((?:\.\w+|\["[^"]*"\]|\[var\.\w+\])*)\}/g;
const LOCAL_ACCESSOR = /\.(\w+)|\["([^"]*)"\]|\[(var\.\w+)\]/g;

/**
 * Every value a string can take once its references to locals are replaced: `${local.a}`,
 * `${local.a.b}`, `${local.a["b"]}`, and `${local.a[var.x]}`, which may be any value of the map
 * local.a (the variable chooses one). A reference to anything else, or to a local that is not a
 * string there, stays as written.
 */
export function expandLocals(value: string, locals: HclBody, depth = 0): string[] {
  if (depth > 8) return [value];
  for (const match of value.matchAll(LOCAL_REFERENCE)) {
    const [reference, name, accessors] = match as unknown as [string, string, string];
    let candidates: unknown[] = [locals[name]];
    for (const [, key, quoted, chosen] of accessors.matchAll(LOCAL_ACCESSOR)) {
      candidates = candidates.flatMap((v) => (!isBody(v) ? [undefined] : chosen ? Object.values(v) : [v[key ?? quoted ?? '']]));
    }
    if (candidates.length === 0 || !candidates.every((v): v is string => typeof v === 'string')) continue;
    const [before, after] = [value.slice(0, match.index), value.slice(match.index + reference.length)];
    return candidates.flatMap((v) => expandLocals(before + v + after, locals, depth + 1));
  }
  return [value];
}

/** Blocks with two labels: resource and data. */
export function typedBlocks(module: TerraformModule, kind: 'resource' | 'data'): TypedBlock[] {
  const result: TypedBlock[] = [];
  for (const file of module.files) {
    const byType = file.json[kind];
    if (!isBody(byType)) continue;
    for (const [type, byName] of Object.entries(byType)) {
      if (!isBody(byName)) continue;
      for (const [name, value] of Object.entries(byName)) {
        for (const body of bodies(value)) result.push({ type, name, body, file });
      }
    }
  }
  return result;
}

/** The terraform { } settings blocks of a module, with their files. */
export function terraformSettings(module: TerraformModule): { body: HclBody; file: TerraformFile }[] {
  return module.files.flatMap((file) => bodies(file.json.terraform).map((body) => ({ body, file })));
}

/** Nested blocks of a body (hcl2json gives them as arrays of bodies). */
export function childBlocks(body: HclBody, name: string): HclBody[] {
  return bodies(body[name]);
}

/** 1-based line of the first occurrence of needle in text, or undefined. */
export function lineOf(text: string, needle: string, from = 0): number | undefined {
  const at = text.indexOf(needle, from);
  return at < 0 ? undefined : text.slice(0, at).split('\n').length;
}

/** 1-based line of the first `name =` assignment at or after offset from. */
export function attributeLine(text: string, name: string, from = 0): number | undefined {
  const pattern = new RegExp(`^[ \\t]*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ \\t]*=`, 'gm');
  pattern.lastIndex = from;
  const match = pattern.exec(text);
  return match ? text.slice(0, match.index).split('\n').length : undefined;
}

/** Line of a block header such as `variable "name"` or `resource "type" "name"`. */
export function blockLine(file: TerraformFile, ...labels: string[]): number | undefined {
  const [kind, ...names] = labels;
  const header = new RegExp(`^\\s*${kind}\\s+${names.map((n) => `"${n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*`).join('')}\\{`, 'm');
  const match = header.exec(file.text);
  return match ? file.text.slice(0, match.index).split('\n').length : undefined;
}

/** Every string in a value, with the dotted key path that leads to it. */
export function stringsIn(value: unknown, path: string[] = []): { path: string[]; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (typeof value === 'number') return [{ path, value: String(value) }];
  if (Array.isArray(value)) return value.flatMap((v) => stringsIn(v, path));
  if (isBody(value)) return Object.entries(value).flatMap(([k, v]) => stringsIn(v, [...path, k]));
  return [];
}

export function formatFinding(finding: Finding): string {
  return `${finding.file}${finding.line === undefined ? '' : `:${finding.line}`}: [${finding.check}] ${finding.message}`;
}
