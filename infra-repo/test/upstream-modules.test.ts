// Registry module calls are checked against the interface recorded from upstream at the pinned
// release (checks/upstream-inputs/): a misspelt input, a loose or missing version, a version with
// no recorded inputs and an unknown output are findings; the recorded files are well formed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRegistrySource, moduleCallFindings, moduleOutputFindings } from '../checks/module-calls.ts';
import type { ModuleIndex } from '../checks/module-calls.ts';
import { formatFinding, loadInfraRepo, namedBlocks, parseTerraformModule } from '../checks/terraform-config.ts';
import type { TerraformModule } from '../checks/terraform-config.ts';
import { loadUpstreamModules, parseUpstreamModule, upstreamKey, UPSTREAM_INPUTS_DIR } from '../checks/upstream-modules.ts';
import type { UpstreamModule } from '../checks/upstream-modules.ts';

const infraRoot = fileURLToPath(new URL('..', import.meta.url));
const upstream = loadUpstreamModules(UPSTREAM_INPUTS_DIR);
const recorded: ModuleIndex = { local: new Map(), upstream };
const scratch = mkdtempSync(join(tmpdir(), 'slipway-upstream-inputs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function caller(text: string): Promise<TerraformModule> {
  return parseTerraformModule('environments/dev', [{ path: 'environments/dev/main.tf', text }]);
}

const podIdentity = (version: string, body: string) =>
  `module "lbc" {\n  source  = "terraform-aws-modules/eks-pod-identity/aws"\n  version = "${version}"\n\n${body}}\n`;

describe('registry module inputs', () => {
  it('a misspelt input is a finding naming file, line, module and the nearest valid name', async () => {
    const call = await caller(podIdentity('2.8.1', '  name                           = "lbc"\n  attach_aws_lb_controler_policy = true\n'));
    expect(moduleCallFindings(call, recorded).map(formatFinding)).toEqual([
      'environments/dev/main.tf:6: [module-call] module "lbc" passes "attach_aws_lb_controler_policy", which terraform-aws-modules/eks-pod-identity/aws 2.8.1 does not declare (did you mean "attach_aws_lb_controller_policy"?)',
    ]);
  });

  it('the correctly spelt inputs pass', async () => {
    const call = await caller(
      podIdentity('2.8.1', '  name                            = "lbc"\n  attach_aws_lb_controller_policy = true\n'),
    );
    expect(moduleCallFindings(call, recorded)).toEqual([]);
  });

  it.each([
    ['a range', '~> 2.8', 'has version "~> 2.8", not an exact version'],
    [
      'a version with no recorded inputs',
      '2.7.0',
      'no recorded inputs for terraform-aws-modules/eks-pod-identity/aws 2.7.0 in checks/upstream-inputs/',
    ],
  ])('%s is a finding', async (_what, version, expected) => {
    const found = moduleCallFindings(await caller(podIdentity(version, '  name = "lbc"\n')), recorded).map(formatFinding);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(expected);
    expect(found[0]).toMatch(/^environments\/dev\/main\.tf:1: \[module-call\] module "lbc"/);
  });

  it('a registry call without a version is a finding', async () => {
    const call = await caller('module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n  name   = "x"\n}\n');
    expect(moduleCallFindings(call, recorded).map(formatFinding)).toEqual([
      'environments/dev/main.tf:1: [module-call] module "vpc": registry module terraform-aws-modules/vpc/aws has no version: pin one release (e.g. version = "1.2.3") so its inputs can be checked',
    ]);
  });

  it('a git source can be checked neither way and is a finding', async () => {
    const call = await caller('module "vpc" {\n  source = "git::https://example.com/vpc.git?ref=v1"\n}\n');
    expect(moduleCallFindings(call, recorded).map(formatFinding)[0]).toContain('is neither a module directory of this repository');
  });

  it('a submodule source is a registry source with its own recorded inputs', async () => {
    expect(isRegistrySource('terraform-aws-modules/vpc/aws//modules/vpc-endpoints')).toBe(true);
    expect(isRegistrySource('../../modules/vpc')).toBe(false);
    const call = await caller(
      'module "endpoints" {\n  source  = "terraform-aws-modules/vpc/aws//modules/vpc-endpoints"\n  version = "6.6.0"\n  vpc_id  = "x"\n  endpoint = {}\n}\n',
    );
    expect(moduleCallFindings(call, recorded).map(formatFinding)).toEqual([
      'environments/dev/main.tf:5: [module-call] module "endpoints" passes "endpoint", which terraform-aws-modules/vpc/aws//modules/vpc-endpoints 6.6.0 does not declare (did you mean "endpoints"?)',
    ]);
  });

  it('a required upstream variable that is not passed is a finding', async () => {
    const strict: UpstreamModule = {
      ...upstream.get(upstreamKey('terraform-aws-modules/eks-pod-identity/aws', '2.8.1'))!,
      required: ['name'],
    };
    const index: ModuleIndex = { local: new Map(), upstream: new Map([[upstreamKey(strict.module, strict.version), strict]]) };
    const found = moduleCallFindings(await caller(podIdentity('2.8.1', '  attach_aws_lb_controller_policy = true\n')), index).map(
      formatFinding,
    );
    expect(found).toEqual([
      'environments/dev/main.tf:1: [module-call] module "lbc" does not pass "name", which terraform-aws-modules/eks-pod-identity/aws 2.8.1 requires (it has no default)',
    ]);
  });

  it('a reference to an output the registry module does not have is a finding', async () => {
    const call = await caller(
      `${podIdentity('2.8.1', '  name = "lbc"\n')}locals {\n  ok  = module.lbc.iam_role_arn\n  bad = module.lbc.role_arn\n}\n`,
    );
    expect(moduleOutputFindings(call, recorded).map(formatFinding)).toEqual([
      'environments/dev/main.tf:9: [module-output] module.lbc.role_arn: terraform-aws-modules/eks-pod-identity/aws 2.8.1 has no output "role_arn" (did you mean "iam_role_arn"?)',
    ]);
  });
});

describe('the recorded upstream interfaces', () => {
  it.each([...upstream.values()].map((m) => [upstreamKey(m.module, m.version), m] as const))(
    '%s names its repository, tag, commit and files',
    (_key, m) => {
      expect(m.source.repository).toMatch(/^github\.com\/terraform-aws-modules\/terraform-aws-[a-z-]+$/);
      expect(m.source.tag).toBe(`v${m.version}`);
      expect(m.source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(m.source.files).toEqual(['outputs.tf', 'variables.tf']);
      expect(m.variables.length).toBeGreaterThan(0);
    },
  );

  it('each is the interface of a module version this repository calls (no stale records)', async () => {
    const repo = await loadInfraRepo(infraRoot);
    const called = new Set(
      repo.flatMap((m) => namedBlocks(m, 'module')).map((call) => upstreamKey(String(call.body.source), String(call.body.version ?? ''))),
    );
    expect([...upstream.keys()].filter((key) => !called.has(key))).toEqual([]);
    expect(upstream.size).toBe(4);
  });

  describe('bad records are refused with the file and the field named', () => {
    beforeAll(() => {
      writeFileSync(join(scratch, 'not-json.json'), '{ "module": ');
    });

    it('a file that is not JSON', () => {
      expect(() => loadUpstreamModules(scratch)).toThrow(/^not-json\.json: not valid JSON/);
    });

    it('a record without its source or with a loose version', () => {
      expect(() =>
        parseUpstreamModule('x.json', JSON.stringify({ module: 'a/b/aws', version: '~> 1.0', variables: [], required: [], outputs: [] })),
      ).toThrow(
        "x.json: missing or malformed version (an exact x.y.z), source { repository, tag, commit, files }; record it again from the module's release tag",
      );
    });

    it('two records of one module version', () => {
      rmSync(join(scratch, 'not-json.json'));
      const record = JSON.stringify({
        module: 'a/b/aws',
        version: '1.0.0',
        source: { repository: 'r', tag: 'v1.0.0', commit: 'c', files: [] },
        variables: [],
        required: [],
        outputs: [],
      });
      writeFileSync(join(scratch, 'one.json'), record);
      writeFileSync(join(scratch, 'two.json'), record);
      expect(() => loadUpstreamModules(scratch)).toThrow(/^two\.json: a\/b\/aws@1\.0\.0 is recorded twice/);
    });
  });
});
