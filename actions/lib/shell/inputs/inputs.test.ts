/**
 * The input layer, table-driven, through both shells: each row gives the same values as the action
 * receives them (INPUT_* read by @actions/core) and as the CLI does (flags read by parseArgs), and
 * the typed value both must produce, or the exact error each must give (naming its input or flag).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cliInputs } from '../../../cli/cli-inputs.ts';
import { createReleaseManifest, formatReleaseManifest } from '../../release/release-manifest.ts';
import { actionInputs } from '../action-io.ts';
import { shellContext } from '../shell-context.ts';
import type { ShellContext } from '../shell-context.ts';
import { evidenceFields, parseEvidenceInputs } from './evidence.ts';
import { landingFields, parsePromoteInputs, parseRollbackInputs, promoteFields } from './promote.ts';
import type { Fields, RawInputs } from './raw-inputs.ts';
import { InputError } from './raw-inputs.ts';
import { parseScanPolicy, scanFields } from './scan.ts';
import { parseVerifyInputs, parseVerifyTargets, verifyFields } from './verify.ts';

const workspace = mkdtempSync(join(tmpdir(), 'slipway-inputs-'));
const context: ShellContext = shellContext(
  { GITHUB_REPOSITORY: 'example/slipway', GITHUB_SHA: 'abcdef0123456789abcdef0123456789abcdef01' },
  workspace,
  workspace,
);
const digest = `sha256:${'1'.repeat(64)}`;
const sha = 'abcdef0123456789abcdef0123456789abcdef01';

afterEach(() => {
  vi.unstubAllEnvs();
});

function fromAction<F extends Fields>(fields: F, inputs: Record<string, string>): RawInputs<F> {
  for (const [name, value] of Object.entries(inputs)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, value);
  return actionInputs(fields);
}

const shells = <F extends Fields>(fields: F, action: Record<string, string>, cli: string[], env: NodeJS.ProcessEnv = {}) => ({
  action: () => fromAction(fields, action),
  cli: () => cliInputs(fields, cli, env),
});

describe('promote inputs, shared by the promote action and slipway promote', () => {
  it.each<{ name: string; action: Record<string, string>; cli: string[]; source: unknown }>([
    {
      name: 'images',
      action: { environment: 'dev', images: `cart=registry.example.com/shop/cart:v2@${digest}` },
      cli: ['dev', '--set', `cart=registry.example.com/shop/cart:v2@${digest}`],
      source: {
        kind: 'images',
        images: [{ service: 'cart', image: { repository: 'registry.example.com/shop/cart', tag: 'v2', digest } }],
        sourceCommit: sha,
        sourceRepository: 'example/slipway',
      },
    },
    {
      name: 'another environment, some services',
      action: { environment: 'prod', 'from-environment': 'dev', services: 'cart, order' },
      cli: ['prod', '--from', 'dev', '--service', 'cart', '--service', 'order'],
      source: { kind: 'environment', from: 'dev', services: ['cart', 'order'] },
    },
  ])('reads $name to the same typed value in both shells', ({ action, cli, source }) => {
    for (const read of Object.values(shells(promoteFields, action, cli))) {
      const inputs = parsePromoteInputs(read(), context);
      expect(inputs.source).toEqual(source);
      expect(inputs.maxAttempts).toBe(25);
      expect(inputs.target).toEqual({ checkout: workspace, branch: 'main', remote: 'origin', serverUrl: 'https://github.com' });
      vi.unstubAllEnvs();
    }
  });

  it('reads a release manifest inside the workspace, and the provenance inputs of the action', () => {
    const manifest = createReleaseManifest({
      createdAt: '2026-01-01T00:00:00Z',
      source: { repository: 'example/slipway', commit: sha },
      services: { cart: { image: { repository: 'registry.example.com/shop/cart', tag: 'v2', digest } } },
    });
    writeFileSync(join(workspace, 'release.json'), formatReleaseManifest(manifest));
    const inputs = parsePromoteInputs(
      fromAction(promoteFields, { environment: 'dev', 'release-manifest': 'release.json', 'require-provenance': 'false' }),
      context,
    );
    expect(inputs.source).toEqual({ kind: 'release', manifest });
    expect(inputs.provenance).toEqual({ required: false });
  });

  it.each<{ name: string; action: Record<string, string>; cli: string[]; error: string[] }>([
    {
      name: 'no source',
      action: { environment: 'dev' },
      cli: ['dev'],
      error: [
        "give exactly one of input 'release-manifest', input 'images', input 'from-environment', input 'rollback'",
        'give exactly one of --release, --set, --from',
      ],
    },
    {
      name: 'two sources',
      action: { environment: 'dev', 'from-environment': 'prod', rollback: 'true' },
      cli: ['dev', '--from', 'prod', '--release', 'r.json'],
      error: [
        "give exactly one of input 'release-manifest', input 'images', input 'from-environment', input 'rollback', not input 'from-environment' and input 'rollback'",
        'give exactly one of --release, --set, --from, not --release and --from',
      ],
    },
    {
      name: 'a malformed image line',
      action: { environment: 'dev', images: 'Cart=x' },
      cli: ['dev', '--set', 'Cart=x'],
      error: ["input 'images': 'Cart=x' is not service=repository:tag@sha256:…", "--set: 'Cart=x' is not service=repository:tag@sha256:…"],
    },
    {
      name: 'a release outside the workspace',
      action: { environment: 'dev', 'release-manifest': '../r.json' },
      cli: ['dev', '--release', '../r.json'],
      error: [
        `input 'release-manifest': '../r.json' points outside ${workspace}; give a path inside the repository`,
        `--release: '../r.json' points outside ${workspace}; give a path inside the repository`,
      ],
    },
    {
      name: 'a bad rollback flag',
      action: { environment: 'dev', rollback: 'yes' },
      cli: ['dev', '--from', 'x', 'extra'],
      error: ["input 'rollback' must be true or false, not 'yes'", 'give exactly one environment'],
    },
    {
      name: 'a pull request without a token',
      action: { environment: 'dev', 'from-environment': 'x', mode: 'pull-request' },
      cli: ['dev', '--from', 'x', '--pull-request'],
      error: [
        "input 'mode' pull-request needs a token: input 'token' is empty",
        '--pull-request needs a token: $GITOPS_TOKEN (--token-env) is empty',
      ],
    },
  ])('refuses $name naming the input or the flag', ({ action, cli, error }) => {
    const [read, expected] = [shells(promoteFields, action, cli), error];
    expect(() => parsePromoteInputs(read.action(), context)).toThrow(new InputError(expected[0] ?? ''));
    vi.unstubAllEnvs();
    expect(() => parsePromoteInputs(read.cli(), context)).toThrow(new InputError(expected[1] ?? ''));
  });

  it.each([
    [{ environment: 'dev', 'from-environment': 'x', mode: 'merge' }, "input 'mode' must be commit or pull-request, not 'merge'"],
    [
      { environment: 'dev', 'from-environment': 'x', 'max-attempts': '0' },
      "input 'max-attempts' must be a whole number from 1 to 100, not '0'",
    ],
    [{ environment: '', 'from-environment': 'x' }, "input 'environment' is required"],
  ])('refuses action inputs %j', (inputs, message) => {
    expect(() => parsePromoteInputs(fromAction(promoteFields, inputs), context)).toThrow(new InputError(message));
  });

  it('slipway rollback takes the landing flags and the token from the environment variable it names', () => {
    const inputs = parseRollbackInputs(
      cliInputs(landingFields, ['prod', '--pull-request', '--token-env', 'MY_TOKEN'], { MY_TOKEN: 'ghs_x' }),
      context,
    );
    expect(inputs).toMatchObject({
      environment: 'prod',
      source: { kind: 'rollback' },
      pullRequest: { repository: { owner: 'example', repo: 'slipway', token: 'ghs_x' } },
      target: { token: 'ghs_x' },
    });
  });
});

describe('verify inputs, shared by the verify action and slipway verify', () => {
  it('reads the same request in both shells: the objectives, Prometheus and its token, Grafana, the rollback', () => {
    const action = {
      environment: 'dev',
      'gitops-commit': sha,
      services: 'cart=v2',
      'prometheus-url': 'http://127.0.0.1:9090',
      'prometheus-token': 'p',
      'grafana-url': 'http://127.0.0.1:3000',
      'grafana-token': 'g',
      'availability-objective': '0.999',
      rollback: 'true',
    };
    const cli = [
      'dev',
      '--commit',
      sha,
      '--services',
      'cart=v2',
      '--prometheus',
      'http://127.0.0.1:9090',
      '--grafana',
      'http://127.0.0.1:3000',
      '--availability-objective',
      '0.999',
      '--rollback',
    ];
    const read = shells(verifyFields, action, cli, { PROMETHEUS_TOKEN: 'p', GRAFANA_TOKEN: 'g' });
    const fromAction_ = parseVerifyInputs(read.action(), context);
    vi.unstubAllEnvs();
    const fromCli = parseVerifyInputs(read.cli(), context);
    expect(fromCli).toEqual(fromAction_);
    expect(fromCli).toMatchObject({
      targets: [{ service: 'cart', version: 'v2' }],
      applications: ['cart'],
      timeoutMs: 600_000,
      intervalMs: 10_000,
      soakMs: 300_000,
      prometheus: { url: 'http://127.0.0.1:9090', token: 'p' },
      grafana: { url: 'http://127.0.0.1:3000', token: 'g' },
      objectives: { availability: 0.999, latency: 0.99 },
      rollback: { checkout: workspace, branch: 'main' },
      laterCommits: { checkout: workspace, remote: 'origin' },
    });
  });

  it.each([
    [
      { 'gitops-commit': '' },
      ['--commit', ''],
      "input 'gitops-commit' is required: the GitOps commit the promotion made",
      '--commit is required: the GitOps commit the promotion made',
    ],
    [
      { 'poll-interval': '0' },
      ['--interval', '0'],
      "input 'poll-interval' must be seconds between 1 and 600, not '0'",
      "--interval must be seconds between 1 and 600, not '0'",
    ],
    [
      { 'max-burn-rate': '0.5' },
      ['--max-burn-rate', '0.5'],
      "input 'max-burn-rate' must be a number of at least 1, not '0.5'",
      "--max-burn-rate must be a number of at least 1, not '0.5'",
    ],
    [
      { 'prometheus-url': 'http://p', 'prometheus-service': 'm/p:9090' },
      ['--prometheus', 'http://p', '--prometheus-service', 'm/p:9090'],
      "give input 'prometheus-url' or input 'prometheus-service', not both",
      'give --prometheus or --prometheus-service, not both',
    ],
  ])('refuses %j / %j', (action, cli, actionError, cliError) => {
    const read = shells(verifyFields, { environment: 'dev', 'gitops-commit': sha, services: 'cart=v2', ...action }, [
      'dev',
      '--commit',
      sha,
      '--services',
      'cart=v2',
      ...cli,
    ]);
    expect(() => parseVerifyInputs(read.action(), context)).toThrow(new InputError(actionError));
    vi.unstubAllEnvs();
    expect(() => parseVerifyInputs(read.cli(), context)).toThrow(new InputError(cliError));
  });

  it.each([
    ['', []],
    ['cart=sha-1a2b3c4', [{ service: 'cart', version: 'sha-1a2b3c4' }]],
    [
      'cart=1.2.0, order=1.3.0\nproduct = 2.0.0',
      [
        { service: 'cart', version: '1.2.0' },
        { service: 'order', version: '1.3.0' },
        { service: 'product', version: '2.0.0' },
      ],
    ],
    [
      JSON.stringify([
        { service: 'cart', from: { tag: 'sha-0000001' }, to: { tag: 'sha-1a2b3c4', digest: 'sha256:00' }, sourceCommit: sha },
      ]),
      [{ service: 'cart', version: 'sha-1a2b3c4', commit: sha }],
    ],
    [
      JSON.stringify([{ service: 'cart', to: { tag: 'sha-1a2b3c4' }, sourceCommit: '0000000' }]),
      [{ service: 'cart', version: 'sha-1a2b3c4' }],
    ],
    [JSON.stringify([{ service: 'order', version: '2.0.0' }]), [{ service: 'order', version: '2.0.0' }]],
  ])('reads the services %j', (text, targets) => {
    expect(parseVerifyTargets(text)).toEqual(targets);
  });

  it.each([
    ['cart', "services: 'cart' is not service=version"],
    ['Cart=1', "services: 'Cart=1' is not service=version"],
    ['[{"service":"cart"}]', 'services[0]: needs "service" and "to.tag" (or "version") strings'],
    ['{"service":"cart"}', 'services: \'{"service":"cart"}\' is not service=version'],
    ['[{"service":', 'services: not valid JSON'],
  ])('refuses the services %j', (text, message) => {
    expect(() => parseVerifyTargets(text)).toThrow(message);
  });
});

describe('scan policy inputs, shared by the scan action and slipway scan-policy', () => {
  it('reads severities and ignore-unfixed alike, and names the input or flag of a bad severity', () => {
    const shell = { root: workspace, loosePaths: true };
    const read = shells(scanFields, { severity: 'critical', 'ignore-unfixed': 'true' }, ['--severity', 'critical', '--ignore-unfixed']);
    const policies = [parseScanPolicy(read.action(), shell), parseScanPolicy(read.cli(), shell)].map(
      ({ failOn, ignoreUnfixed, ignores }) => ({ failOn, ignoreUnfixed, ignores }),
    );
    expect(policies).toEqual([
      { failOn: ['CRITICAL'], ignoreUnfixed: true, ignores: [] },
      { failOn: ['CRITICAL'], ignoreUnfixed: true, ignores: [] },
    ]);
    expect(() => parseScanPolicy(fromAction(scanFields, { severity: 'SEVERE' }), shell)).toThrow(
      new InputError("input 'severity': 'SEVERE' is not a Trivy severity; use CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN"),
    );
    expect(() => parseScanPolicy(cliInputs(scanFields, ['--ignore-file', 'nope'], {}), { root: workspace, loosePaths: true })).toThrow(
      new InputError('--ignore-file nope does not exist'),
    );
  });
});

describe('evidence inputs (slipway evidence)', () => {
  const evidence = (args: string[], token = 'ghs_evidence') =>
    parseEvidenceInputs(cliInputs(evidenceFields, ['prod', ...args], {}), { ...context, apiUrl: 'http://127.0.0.1:9' }, token);

  it('takes --release as a release id; one repository names the source commits, the Release runs and the provenance policy', () => {
    writeFileSync(join(workspace, 'root.json'), '{}');
    const inputs = evidence(['--release', '1a2b3c4-20261122T030000Z', '--service', 'cart', '--trusted-root', 'root.json']);
    expect(inputs.source).toEqual({ kind: 'release-id', releaseId: '1a2b3c4-20261122T030000Z', services: ['cart'] });
    expect(inputs.github).toEqual({ owner: 'example', repo: 'slipway', token: 'ghs_evidence', apiUrl: 'http://127.0.0.1:9' });
    expect(inputs.releases).toMatchObject({
      trusted: { repository: 'example/slipway', workflowPath: '.github/workflows/release.yml', branch: 'main' },
    });
    expect(inputs.provenance).toMatchObject({ repository: 'example/slipway', trust: { trustedRootFile: join(workspace, 'root.json') } });
    expect(inputs.chartCheckouts).toEqual([{ checkout: workspace, repository: 'https://github.com/example/slipway' }]);
  });

  it('says why the releases and provenance are unknown without a token, and refuses a bad release id or two sources', () => {
    const reason = { unavailable: 'no GitHub token to read the source repository with (GH_TOKEN)' };
    expect(evidence(['--from', 'dev'], '')).toMatchObject({
      source: { kind: 'environment', from: 'dev' },
      github: reason,
      releases: reason,
      provenance: reason,
    });
    expect(() => evidence(['--release', '../release-manifest.json'])).toThrow(
      new InputError("--release '../release-manifest.json' is not a release id (like 1a2b3c4-20261122T030000Z)"),
    );
    expect(() => evidence(['--release', '1a2b3c4-20261122T030000Z', '--from', 'dev'])).toThrow(
      new InputError('give exactly one of --release and --from, not both'),
    );
  });
});
