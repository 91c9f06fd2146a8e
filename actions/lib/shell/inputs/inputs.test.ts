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
import { createReleaseManifest, formatReleaseManifest, releaseManifestSchema } from '../../release/release-manifest.ts';
import { actionInputs } from '../action-io.ts';
import { shellContext } from '../shell-context.ts';
import type { ShellContext } from '../shell-context.ts';
import { evidenceFields, parseEvidenceInputs } from './evidence.ts';
import { deploymentStatusFields, parseDeploymentStatusInputs } from './deployment-status.ts';
import { parsePendingRollbackInputs, pendingRollbackFields } from './pending-rollback.ts';
import { landingFields, parsePromoteInputs, parseRollbackInputs, promoteFields } from './promote.ts';
import type { Fields, RawInputs } from './raw-inputs.ts';
import { InputError, releaseId } from './raw-inputs.ts';
import { parseReleaseRunInputs, releaseRunFields } from './release-run.ts';
import { parseScanPolicy, scanFields } from './scan.ts';
import { parseVerifyProvenanceInputs, verifyProvenanceFields } from './verify-provenance.ts';
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
    {
      name: 'another environment with the images a check read from it',
      action: {
        environment: 'prod',
        'from-environment': 'dev',
        'checked-images': `cart=registry.example.com/shop/cart:v2@${digest},order=registry.example.com/shop/order:v3@${digest}`,
      },
      cli: [
        'prod',
        '--from',
        'dev',
        '--checked-image',
        `cart=registry.example.com/shop/cart:v2@${digest}`,
        '--checked-image',
        `order=registry.example.com/shop/order:v3@${digest}`,
      ],
      source: {
        kind: 'environment',
        from: 'dev',
        checked: [
          { service: 'cart', image: { repository: 'registry.example.com/shop/cart', tag: 'v2', digest } },
          { service: 'order', image: { repository: 'registry.example.com/shop/order', tag: 'v3', digest } },
        ],
      },
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
      name: 'checked images without an environment to promote from',
      action: {
        environment: 'dev',
        images: `cart=registry.example.com/shop/cart:v2@${digest}`,
        'checked-images': `cart=r/cart:v1@${digest}`,
      },
      cli: ['dev', '--set', `cart=registry.example.com/shop/cart:v2@${digest}`, '--checked-image', `cart=r/cart:v1@${digest}`],
      error: [
        "input 'checked-images' holds what a check read from input 'from-environment': give it only with that",
        '--checked-image holds what a check read from --from: give it only with that',
      ],
    },
    {
      name: 'a checked image without a digest',
      action: { environment: 'prod', 'from-environment': 'dev', 'checked-images': 'cart=registry.example.com/shop/cart:v2' },
      cli: ['prod', '--from', 'dev', '--checked-image', 'cart=registry.example.com/shop/cart:v2'],
      error: [
        "input 'checked-images' (cart): 'registry.example.com/shop/cart:v2' is not pinned: promotion needs both a tag and a digest (repository:tag@sha256:<64 hex>).",
        "--checked-image (cart): 'registry.example.com/shop/cart:v2' is not pinned: promotion needs both a tag and a digest (repository:tag@sha256:<64 hex>).",
      ],
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
      refresh: true,
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
    ['true', true],
    ['false', false],
    ['', true],
  ])("the action's refresh input %j: refresh %s (off for an identity that may only read the Applications)", (value, refresh) => {
    const inputs = { environment: 'dev', 'gitops-commit': sha, services: 'cart=v2', applications: 'preview-pr-7', refresh: value };
    expect(parseVerifyInputs(fromAction(verifyFields, inputs), context)).toMatchObject({ applications: ['preview-pr-7'], refresh });
  });

  it('refuses a refresh input that is not true or false, naming it; the CLI has no such flag (it always asks)', () => {
    const inputs = { environment: 'dev', 'gitops-commit': sha, services: 'cart=v2', refresh: 'no' };
    expect(() => parseVerifyInputs(fromAction(verifyFields, inputs), context)).toThrow(
      new InputError("input 'refresh' must be true or false, not 'no'"),
    );
    vi.unstubAllEnvs();
    expect(() => cliInputs(verifyFields, ['dev', '--commit', sha, '--services', 'cart=v2', '--refresh'], {})).toThrow(/--refresh/);
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

describe('the shared checks of ids and URLs', () => {
  it('a release id is what the release manifest schema calls an id', () => {
    expect(releaseId.source).toBe(releaseManifestSchema.properties.id.pattern);
  });
});

describe('deployment-status inputs (slipway deployment-status), the run from the job when not given', () => {
  const job = shellContext(
    {
      GITHUB_REPOSITORY: 'example/slipway',
      GITHUB_SHA: sha,
      GITHUB_RUN_ID: '321',
      GITHUB_SERVER_URL: 'https://github.example.com/',
      GITHUB_API_URL: 'http://127.0.0.1:1',
    },
    workspace,
    workspace,
  );
  const given = ['--environment', 'production', '--release', '1a2b3c4-20261122T030000Z', '--gitops-commit', 'c'.repeat(40)];
  const parse = (args: string[], context = job, token = 'ghs_x') =>
    parseDeploymentStatusInputs(cliInputs(deploymentStatusFields, args, {}), context, token);

  it('reads the record, taking the run, its commit and the repository from the job', () => {
    expect(parse([...given, '--verification', 'failure', '--rollback', '--url', 'https://shop.example.com'])).toEqual({
      repository: { owner: 'example', repo: 'slipway', token: 'ghs_x', apiUrl: 'http://127.0.0.1:1' },
      request: {
        environment: 'production',
        releaseId: '1a2b3c4-20261122T030000Z',
        gitopsCommit: 'c'.repeat(40),
        rollback: true,
        verified: false,
        runId: 321,
        sha,
        runUrl: 'https://github.example.com/example/slipway/actions/runs/321',
        environmentUrl: 'https://shop.example.com',
      },
    });
    const flags = parse([...given, '--verification', 'success', '--run', '9', '--sha', 'd'.repeat(40), '--repository', 'other/shop']);
    expect(flags.request).toMatchObject({ verified: true, rollback: false, runId: 9, sha: 'd'.repeat(40), environmentUrl: '' });
    expect(flags.request.runUrl).toBe('https://github.example.com/other/shop/actions/runs/9');
  });

  it.each<[string[], string, ShellContext?, string?]>([
    [['--environment', '', '--verification', 'success'], '--environment is required: the GitHub environment of the job (e.g. production)'],
    [['--environment', 'prod/x', '--verification', 'success'], "--environment 'prod/x' is not a GitHub environment name (e.g. production)"],
    [['--release', '$(id)', '--verification', 'success'], "--release '$(id)' is not a release id (like 1a2b3c4-20261122T030000Z)"],
    [['--gitops-commit', 'main', '--verification', 'success'], "--gitops-commit must be a commit SHA (7 to 64 hex characters), not 'main'"],
    [[], '--verification is required: one of success, failure, cancelled'],
    [['--verification', 'skipped'], "--verification must be one of success, failure, cancelled, not 'skipped'"],
    [['--verification', 'success', '--url', 'javascript:alert(1)'], "--url 'javascript:alert(1)' is not an http(s) URL"],
    [['--verification', 'success', '--run', 'x'], "--run 'x' is not a run id (a positive whole number)"],
    [
      ['--verification', 'success'],
      "GITHUB_RUN_ID '0' is not a run id (a positive whole number)",
      shellContext({ GITHUB_RUN_ID: '0' }, workspace),
    ],
    [['--verification', 'success'], 'give --run (or set GITHUB_RUN_ID): the run whose deployment this is', shellContext({}, workspace)],
    [['--verification', 'success', '--sha', 'abc1234'], "--sha must be a full commit SHA (40 hex characters), not 'abc1234'"],
    [
      ['--verification', 'success'],
      'give --sha (or set GITHUB_SHA): the commit the run ran for',
      shellContext({ GITHUB_RUN_ID: '1' }, workspace),
    ],
    [
      ['--verification', 'success'],
      'give --repository owner/name (or set GITHUB_REPOSITORY)',
      shellContext({ GITHUB_RUN_ID: '1', GITHUB_SHA: sha }, workspace),
    ],
    [
      ['--verification', 'success'],
      'set GH_TOKEN (or GITHUB_TOKEN) to a token that may write deployment statuses (permissions: deployments: write)',
      job,
      '',
    ],
  ])('refuses %j', (args, message, context = job, token = 'ghs_x') => {
    const flags = [...given];
    for (let index = 0; index < args.length; index += 2) {
      const at = flags.indexOf(args[index] ?? '');
      if (at >= 0) flags.splice(at, 2);
    }
    expect(() => parse([...flags, ...args], context, token)).toThrow(new InputError(message));
  });
});

describe('verify-provenance inputs (slipway verify-provenance)', () => {
  const image = `registry.example.com/shop/cart:v2@${digest}`;
  const parse = (args: string[], token = 'ghs_x') =>
    parseVerifyProvenanceInputs(
      cliInputs(verifyProvenanceFields, args, {}),
      shellContext({ GITHUB_API_URL: 'http://127.0.0.1:1' }, workspace),
      token,
    );

  it('reads the images by digest and the verifier: policy, trusted root and cache folder in the working folder, the API', () => {
    expect(
      parse([
        image,
        image,
        '--repository',
        'example/slipway',
        '--ref',
        'refs/tags/v1',
        '--trusted-root',
        'root.json',
        '--cache-dir',
        'cache',
      ]),
    ).toEqual({
      images: [
        { text: image, digest },
        { text: image, digest },
      ],
      verifier: {
        repository: 'example/slipway',
        ref: 'refs/tags/v1',
        serverUrl: 'https://github.com',
        trust: { trustedRootFile: join(workspace, 'root.json') },
        api: { token: 'ghs_x', apiUrl: 'http://127.0.0.1:1' },
        cacheDirectory: join(workspace, 'cache'),
      },
      trustedRoot: 'root.json',
    });
    expect(parse([image, '--repository', 'example/slipway'], '')).toMatchObject({
      verifier: { trust: {}, api: { apiUrl: 'http://127.0.0.1:1' } },
      trustedRoot: '',
    });
  });

  it.each([
    [['--repository', 'example/slipway'], 'give at least one image by digest (repository@sha256:…)'],
    [[image], '--repository owner/name is required: the repository whose release workflow must have signed'],
    [
      ['registry.example.com/shop/cart:v1', '--repository', 'example/slipway'],
      "image 'registry.example.com/shop/cart:v1' has no digest; give repository@sha256:… (what runs is the digest, not the tag)",
    ],
    [
      ['Cart@sha256:1', '--repository', 'example/slipway'],
      "image: 'Cart@sha256:1' is not a valid image reference: the digest 'sha256:1' is not sha256: followed by 64 lowercase hex characters. Expected repository:tag@sha256:<64 hex>.",
    ],
    [[image, '--repository', 'example/slipway', '--ref', 'main'], "ref 'main' is not a full git ref such as refs/heads/main"],
  ])('refuses %j', (args, message) => {
    expect(() => parse(args)).toThrow(new InputError(message));
  });
});

describe('release-run and pending-rollback inputs (the verbs reading workflow runs)', () => {
  const job = shellContext({ GITHUB_REPOSITORY: 'example/slipway' }, workspace);
  const repository = { owner: 'example', repo: 'slipway', token: 'ghs_x' };

  it('release-run takes exactly one of a release id, a run id and an environment to check', () => {
    const parse = (args: string[]) => parseReleaseRunInputs(cliInputs(releaseRunFields, args, {}), job, 'ghs_x');
    expect(parse(['--release', '1a2b3c4-20261122T030000Z'])).toEqual({ repository, releaseId: '1a2b3c4-20261122T030000Z' });
    expect(parse(['--run', '77', '--repository', 'other/shop'])).toEqual({
      repository: { ...repository, owner: 'other', repo: 'shop' },
      runId: 77,
    });
    expect(() => parse([])).toThrow(new InputError('give exactly one of --release, --run and --from'));
    expect(() => parse(['--release', '1a2b3c4-20261122T030000Z', '--run', '1'])).toThrow(
      new InputError('give exactly one of --release, --run and --from'),
    );
    expect(() => parse(['--run', '1.5'])).toThrow(new InputError("--run '1.5' is not a run id (a positive whole number)"));
    expect(parse(['--from', 'dev'])).toEqual({
      repository,
      from: { environment: 'dev', to: 'prod', gitopsPath: 'gitops-repo', ref: 'HEAD' },
    });
    expect(parse(['--from', 'dev', '--to', 'staging', '--gitops-path', '.', '--ref', 'abc1234'])).toMatchObject({
      from: { environment: 'dev', to: 'staging', ref: 'abc1234' },
    });
    expect(() => parse(['--from', 'dev', '--release', '1a2b3c4-20261122T030000Z'])).toThrow(
      new InputError('give exactly one of --release, --run and --from'),
    );
    expect(() => parse(['--from', 'Dev!'])).toThrow(/--from/);
    expect(() => parse(['--release', '1a2b3c4-20261122T030000Z', '--to', 'prod'])).toThrow(new InputError('--to goes with --from only'));
    expect(() => parse(['--from', 'dev', '--gitops-path', '/etc'])).toThrow(/must be relative to the repository root/);
    expect(() => parse(['--release', 'x', '--repository', 'not a repository'])).toThrow(
      new InputError("--repository: 'not a repository' is not a GitHub repository (owner/name)"),
    );
  });

  it('pending-rollback takes one environment of the GitOps tree', () => {
    const parse = (args: string[]) => parsePendingRollbackInputs(cliInputs(pendingRollbackFields, args, {}), job, 'ghs_x');
    expect(parse(['prod'])).toEqual({ repository, environment: 'prod' });
    expect(() => parse(['Prod'])).toThrow(
      new InputError("<environment> 'Prod' is not an environment name (lowercase letters, digits and '-', e.g. prod)"),
    );
    expect(() => parse(['prod', 'dev'])).toThrow(new InputError('give exactly one environment'));
  });
});
