/**
 * Every step of the workflows (and of the composite actions under actions/) that uses an action of
 * another repository, checked against what that action declares at the tag we pin. The facts are in
 * upstream-actions.json, read from each action's own repository (its file and tag named there): the
 * commit of the tag, the inputs, those required without a default, the outputs, the job permissions
 * its README asks for, and the values upstream accepts for inputs whose values it restricts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, parse, parseDocument, type YAMLMap } from 'yaml';
import type { WorkflowStep } from './workflow-replay.ts';

interface ValueRule {
  oneOf?: string[];
  pattern?: string;
  integer?: [number, number | null];
  source: string;
}
interface PermissionNeed {
  /** Only when this input (or its default) has this value. */
  when?: { input: string; equals: string; default: string };
  grant: Record<string, 'read' | 'write'>;
  source: string;
}
interface ActionFacts {
  version: string;
  commit: string;
  source: { repo: string; file: string; tag: string };
  inputs: string[];
  required: string[];
  outputs: string[];
  /** Outputs named after the keys of a YAML input (dorny/paths-filter: one set per filter). */
  outputsPerKeyOf?: { input: string; names: string[] };
  permissions?: PermissionNeed[];
  values?: Record<string, ValueRule>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const factsFile = '.github/workflows-test/upstream-actions.json';
const upstream = Object.fromEntries(
  Object.entries(JSON.parse(readFileSync(join(root, factsFile), 'utf8')) as Record<string, unknown>).filter(
    ([name]) => !name.startsWith('$'),
  ),
) as Record<string, ActionFacts>;

const workflowFiles = readdirSync(join(root, '.github/workflows'))
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => `.github/workflows/${name}`);
const compositeFiles = readdirSync(join(root, 'actions'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .flatMap((entry) => ['action.yml', 'action.yaml'].map((name) => `actions/${entry.name}/${name}`))
  .filter((path) => {
    try {
      return (parse(readFileSync(join(root, path), 'utf8')) as { runs?: { using?: string } }).runs?.using === 'composite';
    } catch {
      return false;
    }
  });

/** Why a value breaks a rule, or undefined when it keeps it. */
function breaks(value: string, rule: ValueRule): string | undefined {
  if (rule.oneOf !== undefined && !rule.oneOf.includes(value)) return `one of ${rule.oneOf.join(', ')}`;
  if (rule.pattern !== undefined && !new RegExp(rule.pattern).test(value)) return `a value matching ${rule.pattern}`;
  if (rule.integer !== undefined) {
    const [min, max] = rule.integer;
    if (!/^\d+$/.test(value) || Number(value) < min || (max !== null && Number(value) > max))
      return `a whole number from ${min}${max === null ? '' : ` to ${max}`}`;
  }
  return undefined;
}

/** The outputs a step of this action can have: those its metadata declares, and those named after an input's keys. */
function outputsOf(facts: ActionFacts, step: WorkflowStep): string[] {
  const perKey = facts.outputsPerKeyOf;
  if (perKey === undefined) return facts.outputs;
  const given = step.with?.[perKey.input];
  // The input is YAML text, or the path of a YAML file in the repository.
  const yaml =
    typeof given !== 'string'
      ? ''
      : given.includes('\n')
        ? given
        : existsSync(join(root, given))
          ? readFileSync(join(root, given), 'utf8')
          : '';
  const keys = Object.keys((parse(yaml) as Record<string, unknown> | null) ?? {});
  return [...facts.outputs, ...keys.flatMap((key) => perKey.names.map((name) => name.replace('{key}', key)))];
}

const levels: Record<string, number> = { none: 0, read: 1, write: 2 };
/** The level a job's token has for a scope: the job's permissions, else the workflow's (read-all/write-all too). */
function granted(permissions: unknown, scope: string): number {
  if (permissions === 'write-all') return levels['write'] ?? 2;
  if (permissions === 'read-all') return levels['read'] ?? 1;
  return typeof permissions === 'object' && permissions !== null
    ? (levels[String((permissions as Record<string, unknown>)[scope])] ?? 0)
    : 0;
}

const outputReads = (value: unknown) => [...JSON.stringify(value ?? null).matchAll(/\bsteps\.([\w-]+)\.outputs\.([\w-]+)/g)];

/**
 * The findings for one workflow or composite action: each says where (file, line, job, step), what
 * is wrong against which upstream file and tag, and what to do.
 */
function findingsFor(path: string, text: string, facts: Record<string, ActionFacts>): string[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const findings: string[] = [];
  const groups: { where: string; steps: unknown; readers: unknown; permissions?: unknown }[] = [];
  const workflowPermissions = (doc.toJSON() as { permissions?: unknown } | null)?.permissions;
  const jobs = doc.get('jobs');
  if (isMap(jobs)) {
    for (const pair of jobs.items) {
      const job = pair.value as YAMLMap;
      const permissions = (job.toJSON() as { permissions?: unknown }).permissions ?? workflowPermissions;
      groups.push({
        where: `job ${String(pair.key)}`,
        steps: job.get('steps'),
        readers: job.get('outputs'),
        permissions: permissions ?? 'unset',
      });
    }
  }
  const runs = doc.get('runs');
  if (isMap(runs)) groups.push({ where: 'runs', steps: runs.get('steps'), readers: doc.get('outputs') });

  for (const { where, steps, readers, permissions } of groups) {
    if (!isSeq(steps)) continue;
    const plain = steps.items.map((node) => (node as YAMLMap).toJSON() as WorkflowStep);
    steps.items.forEach((node, index) => {
      const step = plain[index] ?? {};
      const usesNode = (node as YAMLMap).get('uses', true);
      if (step.uses === undefined || step.uses.startsWith('./') || step.uses.startsWith('docker://') || !isScalar(usesNode)) return;
      const at = `${path}:${lines.linePos(usesNode.range?.[0] ?? 0).line} (${where}, ${step.id ?? step.name ?? `step ${index + 1}`})`;
      const [action = '', ref = ''] = step.uses.split('@');
      const known = facts[action];
      if (known === undefined) {
        findings.push(`${at}: ${action} is not in ${factsFile}; read its action.yml at the tag you pin and record its facts there`);
        return;
      }
      const cited = `${known.source.repo} ${known.source.file} at ${known.source.tag}`;
      if (ref !== known.commit) findings.push(`${at}: ${action}@${ref} is not ${known.version}'s commit ${known.commit} (${cited})`);
      const comment = usesNode.comment?.trim();
      if (comment !== known.version) findings.push(`${at}: the comment after the pin says '${comment ?? ''}', not ${known.version}`);
      const given = step.with ?? {};
      for (const input of Object.keys(given).filter((name) => !known.inputs.includes(name)))
        findings.push(`${at}: ${action} declares no input '${input}' (${cited}); its inputs: ${known.inputs.join(', ')}`);
      for (const input of known.required.filter((name) => !(name in given)))
        findings.push(`${at}: ${action} requires '${input}', which has no default (${cited})`);
      // A composite action runs with its caller's permissions: only a job's are checked.
      for (const need of permissions === undefined ? [] : (known.permissions ?? [])) {
        if (need.when !== undefined && String(given[need.when.input] ?? need.when.default) !== need.when.equals) continue;
        for (const [scope, level] of Object.entries(need.grant))
          if (granted(permissions, scope) < (levels[level] ?? 2))
            findings.push(
              `${at}: ${action} needs the job to grant ${scope}: ${level} (${known.source.repo} ${need.source} at ${known.version})`,
            );
      }
      for (const [input, value] of Object.entries(given)) {
        const rule = known.values?.[input];
        const shown = String(value);
        const wanted = rule === undefined || shown.includes('${{') ? undefined : breaks(shown, rule);
        if (wanted !== undefined)
          findings.push(`${at}: ${input}: '${shown}' is not ${wanted} (${known.source.repo} ${rule?.source} at ${known.version})`);
      }
    });
    const check = (reader: string, readerIndex: number, value: unknown) => {
      for (const [, id = '', output = ''] of outputReads(value)) {
        const targetIndex = plain.findIndex((candidate) => candidate.id === id);
        const target = plain[targetIndex];
        const known = target?.uses === undefined ? undefined : facts[target.uses.split('@')[0] ?? ''];
        if (target === undefined || known === undefined) continue;
        if (targetIndex >= readerIndex)
          findings.push(`${path} (${where}, ${reader}): reads steps.${id}.outputs.${output} before step ${id} runs`);
        if (!outputsOf(known, target).includes(output))
          findings.push(
            `${path} (${where}, ${reader}): steps.${id}.outputs.${output}: ${target.uses?.split('@')[0]} declares no output '${output}' (${known.source.repo} ${known.source.file} at ${known.version}); its outputs: ${outputsOf(known, target).join(', ') || 'none'}`,
          );
      }
    };
    plain.forEach((step, index) => check(step.id ?? step.name ?? `step ${index + 1}`, index, step));
    check('outputs', plain.length, isMap(readers) ? readers.toJSON() : undefined);
  }
  return findings;
}

describe('actions of other repositories, as upstream declares them at the pinned tag', () => {
  it('finds the workflows and the composite actions to check', () => {
    expect(workflowFiles.length).toBeGreaterThanOrEqual(8);
    expect(Object.keys(upstream).length).toBeGreaterThanOrEqual(17);
  });

  it.each([...workflowFiles, ...compositeFiles])('%s: pins, version comments, inputs, values and outputs match upstream', (path) => {
    expect(findingsFor(path, readFileSync(join(root, path), 'utf8'), upstream)).toEqual([]);
  });

  it('every recorded action is used, and its facts hold together', () => {
    const text = [...workflowFiles, ...compositeFiles].map((path) => readFileSync(join(root, path), 'utf8')).join('\n');
    for (const [action, facts] of Object.entries(upstream)) {
      expect(text, `${action} is recorded but no workflow uses it: drop its facts`).toContain(
        `uses: ${action}@${facts.commit} # ${facts.version}`,
      );
      expect(facts.commit, action).toMatch(/^[0-9a-f]{40}$/);
      expect(facts.source.tag, action).toBe(facts.version);
      expect(
        facts.required.filter((input) => !facts.inputs.includes(input)),
        action,
      ).toEqual([]);
      expect(
        Object.keys(facts.values ?? {}).filter((input) => !facts.inputs.includes(input)),
        action,
      ).toEqual([]);
      for (const rule of Object.values(facts.values ?? {})) expect(rule.source, action).not.toBe('');
      for (const need of facts.permissions ?? []) {
        expect(need.source, action).not.toBe('');
        if (need.when !== undefined) expect(facts.inputs, action).toContain(need.when.input);
      }
    }
  });

  it('says what is wrong in a step that strays from upstream', () => {
    const checkout = upstream['actions/checkout'];
    const upload = upstream['actions/upload-artifact'];
    const filter = upstream['dorny/paths-filter'];
    const composite = [
      'runs:',
      '  using: composite',
      '  steps:',
      '    - run: echo "${{ steps.upload.outputs.artifact-id }}"',
      `    - uses: actions/checkout@${'0'.repeat(40)} # v4.0.0`,
      '      with: { fetch-dept: 0 }',
      `    - id: upload`,
      `      uses: actions/upload-artifact@${upload?.commit} # ${upload?.version}`,
      '      with: { if-no-files-found: skip, retention-days: 120 }',
      `    - id: filter`,
      `      uses: dorny/paths-filter@${filter?.commit} # ${filter?.version}`,
      '      with:',
      '        filters: |',
      '          code: ["**/*.ts"]',
      '    - run: echo "${{ steps.upload.outputs.url }} ${{ steps.filter.outputs.code }} ${{ steps.filter.outputs.docs }}"',
      '    - uses: example/unknown@v1',
      'outputs:',
      '  early: { value: "${{ steps.filter.outputs.code_count }}" }',
    ].join('\n');
    const where = 'example/action.yml:';
    expect(findingsFor('example/action.yml', composite, upstream)).toEqual([
      `${where}5 (runs, step 2): actions/checkout@${'0'.repeat(40)} is not ${checkout?.version}'s commit ${checkout?.commit} (github.com/actions/checkout action.yml at ${checkout?.version})`,
      `${where}5 (runs, step 2): the comment after the pin says 'v4.0.0', not ${checkout?.version}`,
      `${where}5 (runs, step 2): actions/checkout declares no input 'fetch-dept' (github.com/actions/checkout action.yml at ${checkout?.version}); its inputs: ${checkout?.inputs.join(', ')}`,
      `${where}8 (runs, upload): actions/upload-artifact requires 'path', which has no default (github.com/actions/upload-artifact action.yml at ${upload?.version})`,
      `${where}8 (runs, upload): if-no-files-found: 'skip' is not one of warn, error, ignore (github.com/actions/upload-artifact ${upload?.values?.['if-no-files-found']?.source} at ${upload?.version})`,
      `${where}8 (runs, upload): retention-days: '120' is not a whole number from 0 to 90 (github.com/actions/upload-artifact ${upload?.values?.['retention-days']?.source} at ${upload?.version})`,
      `${where}16 (runs, step 6): example/unknown is not in ${factsFile}; read its action.yml at the tag you pin and record its facts there`,
      'example/action.yml (runs, step 1): reads steps.upload.outputs.artifact-id before step upload runs',
      `example/action.yml (runs, step 5): steps.upload.outputs.url: actions/upload-artifact declares no output 'url' (github.com/actions/upload-artifact action.yml at ${upload?.version}); its outputs: ${upload?.outputs.join(', ')}`,
      `example/action.yml (runs, step 5): steps.filter.outputs.docs: dorny/paths-filter declares no output 'docs' (github.com/dorny/paths-filter action.yml at ${filter?.version}); its outputs: changes, code, code_count, code_files`,
    ]);
  });

  it('says which permission a job lacks for what an action does', () => {
    const attest = upstream['actions/attest'];
    const filter = upstream['dorny/paths-filter'];
    const workflow = [
      'permissions: { contents: read }',
      'jobs:',
      '  build:',
      '    permissions: { id-token: write, attestations: write }',
      '    steps:',
      `      - uses: actions/attest@${attest?.commit} # ${attest?.version}`,
      '        with: { subject-path: dist/app.tgz }',
      '  changes:',
      '    steps:',
      `      - uses: dorny/paths-filter@${filter?.commit} # ${filter?.version}`,
      '        with: { filters: ".github/filters.yml" }',
    ].join('\n');
    const storage = attest?.permissions?.find((need) => need.when !== undefined)?.source;
    const pulls = filter?.permissions?.[0]?.source;
    expect(findingsFor('example.yml', workflow, upstream)).toEqual([
      `example.yml:6 (job build, step 1): actions/attest needs the job to grant artifact-metadata: write (github.com/actions/attest ${storage} at ${attest?.version})`,
      `example.yml:10 (job changes, step 1): dorny/paths-filter needs the job to grant pull-requests: read (github.com/dorny/paths-filter ${pulls} at ${filter?.version})`,
    ]);
  });
});
