import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactZipBase64 } from '../../../test-support/artifact-archive.ts';
import { startChartRepository } from '../../../test-support/chart-repository.ts';
import type { ChartRepository } from '../../../test-support/chart-repository.ts';
import { startGitHubActionsApi } from '../../../test-support/github-actions-api.ts';
import type { ActionsApiState, StandInArtifact } from '../../../test-support/github-actions-api.ts';
import { startCommitsApi } from '../../../test-support/github-commits-api.ts';
import type { CommitsApi } from '../../../test-support/github-commits-api.ts';
import {
  createGitopsRemote,
  digestOf,
  registry,
  removeGitopsRemotes,
  run,
  serviceApplication,
} from '../../../test-support/gitops-repository.ts';
import type { GitopsRemoteFixture } from '../../../test-support/gitops-repository.ts';
import { provenanceServicesPerFile } from '../../../test-support/provenance-services.ts';
import { actionsRuns } from '../../github/workflow-runs.ts';
import { releaseRuns } from '../../release/release-runs.ts';
import { createReleaseManifest, formatReleaseManifest } from '../../release/release-manifest.ts';
import type { ReleaseManifest, ReleaseService } from '../../release/release-manifest.ts';
import { findHelm } from '../../validate/helm-binary.ts';
import { promote } from '../promote.ts';
import { evidenceMarkdown } from './evidence.ts';
import { collectEvidence, EvidenceError } from './gather.ts';
import type { CollectOptions } from './gather.ts';

const services = ['cart', 'product'];
const commit = (digit: string): string => digit.repeat(40);
const digest = (service: string, digit: string): string => `sha256:${(service === 'cart' ? 'ca' : 'b0').repeat(4)}${digit.repeat(56)}`;

/** The shop chart, two versions: 0.2.0 adds a readiness probe. */
const deployment = (probe: boolean): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app.kubernetes.io/name: {{ .Values.service }}
    app.kubernetes.io/version: {{ .Values.image.tag | quote }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels:
      app.kubernetes.io/name: {{ .Values.service }}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {{ .Values.service }}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}@{{ .Values.image.digest }}"
          ports:
            - containerPort: 8080
${probe ? '          readinessProbe:\n            httpGet:\n              path: /ready\n              port: 8080\n' : ''}`;
const chart = (version: string, probe: boolean) => ({
  name: 'shop',
  version,
  values: { service: 'shop', replicas: 2, image: { repository: 'shop', tag: 'latest', digest: '' } },
  files: { 'templates/deployment.yaml': deployment(probe) },
});

/** A service Application installing the shop chart from the chart repository at `version`. */
function application(environment: string, service: string, chartUrl: string, version: string): string {
  return serviceApplication(environment, service)
    .replace('repoURL: https://github.com/example/slipway.git\n    path: app-repo/charts/shop', `repoURL: ${chartUrl}\n    chart: shop`)
    .replace('targetRevision: main', `targetRevision: ${version}`);
}

function release(digit: string, createdAt: string, scans: Record<string, ReleaseService['scan']>): ReleaseManifest {
  return createReleaseManifest({
    createdAt,
    source: { repository: 'acme/shop', commit: commit(digit) },
    services: Object.fromEntries(
      services.map((service) => [
        service,
        {
          image: { repository: `${registry}/${service}`, tag: `sha-${digit.repeat(7)}`, digest: digest(service, digit) },
          ...(scans[service] ? { scan: scans[service] } : {}),
          attestations: [
            {
              predicateType: 'https://slsa.dev/provenance/v1',
              attestationId: `${digit.repeat(3)}${service.length}`,
              url: `https://github.com/acme/shop/attestations/${digit.repeat(3)}${service.length}`,
            },
          ],
        },
      ]),
    ),
  });
}

// What prod runs: cart scanned with IDs, product's manifest from before IDs were recorded (counts only).
const running = release('1', '2026-11-20T09:00:00Z', {
  cart: { status: 'passed', scanner: 'trivy 0.69.3', high: 2, vulnerabilities: { high: ['CVE-2024-56171', 'CVE-2025-0395'] } },
  product: { status: 'passed', scanner: 'trivy 0.69.3', high: 1, low: 1 },
});
// What dev verified: cart fixes one finding and brings a medium one.
const proposed = release('3', '2026-11-27T09:00:00Z', {
  cart: {
    status: 'passed',
    scanner: 'trivy 0.69.3',
    high: 1,
    medium: 1,
    vulnerabilities: { high: ['CVE-2025-0395'], medium: ['CVE-2025-4802'], low: [] },
  },
  product: { status: 'passed', scanner: 'trivy 0.69.3', low: 1, vulnerabilities: { low: ['CVE-2019-1010022'] } },
});
const marker = {
  releaseId: proposed.id,
  environment: 'dev',
  gitopsCommit: commit('d'),
  verified: true,
  soakSeconds: 300,
  slo: [
    { service: 'cart', version: 'sha-3333333', requests: 1840, errorRatio: 0.0005, slowRatio: 0.012, ok: true },
    { service: 'product', version: 'sha-3333333', requests: 5120, errorRatio: 0, slowRatio: 0.004, ok: true },
  ],
};

/** One artifact of a Release run as GitHub serves it: a zip archive of its files. */
const artifact = (name: string, runId: number, files: Record<string, string>): StandInArtifact => ({
  name,
  runId,
  zipBase64: artifactZipBase64(files),
});
const releaseRun = (id: number, manifest: ReleaseManifest) => ({
  id,
  path: '.github/workflows/release.yml',
  event: 'push',
  headBranch: 'main',
  headSha: manifest.source.commit,
  headRepository: 'acme/shop',
  name: 'Release',
});
/** Runs 401 and 403 built and verified the release prod runs and the one dev runs. */
const releaseState = (): ActionsApiState => ({
  tokens: ['ghs_evidence'],
  runs: [releaseRun(401, running), releaseRun(403, proposed)],
  artifacts: [
    artifact(`release-manifest-${running.id}`, 401, { 'release-manifest.json': formatReleaseManifest(running) }),
    artifact(`release-verified-dev-${running.id}`, 401, { 'verified.json': JSON.stringify({ ...marker, releaseId: running.id }) }),
    artifact(`release-manifest-${proposed.id}`, 403, { 'release-manifest.json': formatReleaseManifest(proposed) }),
    artifact(`release-verified-dev-${proposed.id}`, 403, { 'verified.json': JSON.stringify(marker) }),
  ],
});

const token = 'ghs_evidence';
const provenance = provenanceServicesPerFile(token, 'acme/shop', 'slipway-evidence-trust-');
let charts: ChartRepository;
let api: CommitsApi;
let actions: { url: string; close: () => Promise<void> };
let state: ActionsApiState;
let remote: GitopsRemoteFixture;
let checkout: string;

beforeAll(async () => {
  charts = await startChartRepository([chart('0.1.0', false), chart('0.2.0', true)]);
  api = await startCommitsApi('acme', 'shop', [
    { sha: commit('1'), message: 'release what prod runs' },
    { sha: commit('2'), message: 'cart: round totals to cents\n\nbody', pulls: [{ number: 41, title: 'Round cart totals to cents' }] },
    { sha: commit('3'), message: 'product: index names for search', pulls: [{ number: 42, title: 'Faster product search' }] },
  ]);
  const files = new Map<string, string>();
  for (const service of services) {
    files.set(`gitops-repo/environments/dev/services/${service}.yaml`, application('dev', service, charts.url, '0.2.0'));
    files.set(`gitops-repo/environments/prod/services/${service}.yaml`, application('prod', service, charts.url, '0.1.0'));
  }
  remote = createGitopsRemote(files);
  checkout = remote.clone('runner');
  const target = { repoDir: checkout, remote: 'origin', branch: 'main' };
  await promote({ remote: target, gitopsPath: 'gitops-repo', environment: 'prod', source: { kind: 'release', manifest: running } });
  await promote({ remote: target, gitopsPath: 'gitops-repo', environment: 'dev', source: { kind: 'release', manifest: proposed } });
  run(checkout, 'fetch', '--quiet', 'origin');
  state = releaseState();
  actions = await startGitHubActionsApi(() => state);
  // The release workflow signed each image of the proposed release (SLSA provenance, Sigstore test services).
  for (const entry of Object.values(proposed.services))
    provenance
      .api()
      .add(
        'acme/shop',
        entry.image.digest,
        await provenance.sigstore().attest({ digest: entry.image.digest, repository: 'acme/shop', sourceCommit: commit('3') }),
      );
}, 120_000);

afterAll(async () => {
  await charts.stop();
  await api.close();
  await actions.close();
  removeGitopsRemotes();
});

/** What the CLI hands collectEvidence, each GitHub API played by its stand-in. */
function options(overrides: Partial<CollectOptions> = {}): CollectOptions {
  const github = { owner: 'acme', repo: 'shop', token, apiUrl: actions.url };
  return {
    landing: { environment: 'prod', target: { checkout, branch: 'main', remote: 'origin', gitopsPath: 'gitops-repo' } },
    source: { kind: 'environment', from: 'dev' },
    github: { ...github, apiUrl: api.url },
    releases: { api: actionsRuns(github), trusted: releaseRuns('acme/shop') },
    provenance: {
      repository: 'acme/shop',
      trust: { trustedRootFile: join(provenance.folder(), 'trusted_root.json') },
      api: { token, apiUrl: provenance.api().url },
    },
    helm: findHelm(),
    chartCheckouts: [],
    ...overrides,
  };
}

const evidence = (diffLines?: number) => collectEvidence(options(diffLines ? { diffLines } : {}));

const readmeFile = new URL('../../../README.md', import.meta.url);
const start = '<!-- evidence-example:start (actions/lib/promotion/evidence/gather.test.ts) -->';
const end = '<!-- evidence-example:end -->';

describe('the evidence of a two-service promotion (bare GitOps remote, helm and a loopback chart repository, GitHub API stand-in)', () => {
  it('shows per service the image, source commits with PR titles, rendered diff, vulnerability delta, dev soak and provenance; writes nothing', async () => {
    const head = remote.head();
    const report = await evidence();
    expect(remote.head()).toBe(head);
    expect(report.services.map((service) => service.service)).toEqual(['cart', 'product']);
    const [cart, product] = report.services;
    expect(cart?.current).toEqual({ tag: 'sha-1111111', digest: digest('cart', '1'), releaseId: running.id, sourceCommit: commit('1') });
    expect(cart?.sources).toMatchObject({
      status: 'ahead',
      total: 2,
      commits: [{ pullRequests: [{ title: 'Faster product search' }] }, {}],
    });
    expect(cart?.vulnerabilities).toMatchObject({ known: true, new: { medium: ['CVE-2025-4802'] }, fixed: { high: ['CVE-2024-56171'] } });
    expect(product?.vulnerabilities).toEqual({ known: false, reason: 'what runs now: manifest predates IDs (it records counts only)' });
    expect(cart?.devVerification).toEqual({ soakSeconds: 300, slo: [marker.slo[0]] });
    // Verified here with the trusted root and the attestations API, not echoed from the manifest.
    for (const service of [cart, product])
      expect(service?.provenance.check).toMatchObject({
        verified: {
          signer: 'https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main',
          sourceCommit: commit('3'),
          digest: service?.proposed.digest,
        },
      });
    expect(provenance.api().requests.filter((line) => line.includes('/attestations/'))).toHaveLength(2);
    const diff = 'lines' in (cart?.manifestDiff ?? {}) ? (cart?.manifestDiff as { lines: string[] }).lines : [];
    expect(diff).toContain(`-          image: "${registry}/cart:sha-1111111@${digest('cart', '1')}"`);
    expect(diff).toContain(`+          image: "${registry}/cart:sha-3333333@${digest('cart', '3')}"`);
    expect(diff).toContain('+          readinessProbe:');
    expect(api.requests).toContain(`GET /repos/acme/shop/compare/${commit('1')}...${commit('3')}`);
    expect(charts.requests.get('/shop-0.1.0.tgz')).toBeGreaterThan(0);
    expect(charts.requests.get('/shop-0.2.0.tgz')).toBeGreaterThan(0);
  });

  it('is the example the README shows, so the README cannot drift from what the code prints', async () => {
    // Shown as Markdown source: a four-backtick fence holds the diff blocks.
    const example = `\`\`\`\`markdown\n${evidenceMarkdown(await evidence(20)).trimEnd()}\n\`\`\`\``;
    const readme = readFileSync(readmeFile, 'utf8');
    if (process.env['SLIPWAY_UPDATE_EXAMPLES'] === '1') {
      const [before, rest = ''] = readme.split(start);
      writeFileSync(readmeFile, `${before}${start}\n\n${example}\n\n${end}${rest.slice(rest.indexOf(end) + end.length)}`);
    }
    const shown = readFileSync(readmeFile, 'utf8').split(start)[1]?.split(end)[0]?.trim();
    expect(shown, 'actions/README.md: regenerate the example with SLIPWAY_UPDATE_EXAMPLES=1 npx vitest run <this file>').toBe(example);
  });

  it('takes a release by id: its manifest from the Release run that built it; nothing to approve when the environment runs it', async () => {
    const report = await collectEvidence(
      options({
        landing: { environment: 'dev', target: { checkout, branch: 'main', remote: 'origin', gitopsPath: 'gitops-repo' } },
        source: { kind: 'release-id', releaseId: proposed.id },
      }),
    );
    expect(evidenceMarkdown(report)).toBe(
      `## Evidence: release ${proposed.id} → dev\n\nNothing to approve: dev already runs these images.\n\nUnchanged: cart, product.\n`,
    );
    await expect(collectEvidence(options({ source: { kind: 'release-id', releaseId: 'deadbee-20990101T000000Z' } }))).rejects.toThrow(
      /release deadbee-20990101T000000Z: its manifest cannot be read, so there is no evidence to show \(no release-manifest-deadbee-20990101T000000Z artifact from a push of \.github\/workflows\/release\.yml to main of acme\/shop/,
    );
    await expect(collectEvidence(options({ source: { kind: 'release-id', releaseId: 'x' } }))).rejects.toThrow(EvidenceError);
  });

  it('shows a release no run holds, or whose artifacts cannot be read, as unknown with why', async () => {
    try {
      // What prod runs: no Release run holds it any more; what dev runs: its marker is not JSON.
      const fresh = releaseState();
      state = {
        ...fresh,
        artifacts: [
          ...fresh.artifacts.filter((entry) => entry.runId === 403 && entry.name.startsWith('release-manifest-')),
          artifact(`release-verified-dev-${proposed.id}`, 403, { 'verified.json': '{ not json' }),
        ],
      };
      const [cart] = (await evidence()).services;
      expect(cart?.devVerification).toEqual({
        unavailable: expect.stringMatching(
          new RegExp(
            `^release ${proposed.id}: release-verified-dev-${proposed.id}/verified\\.json is not JSON \\(.+\\): verify it in dev again`,
          ),
        ),
      });
      expect(cart?.vulnerabilities).toEqual({ known: false, reason: 'what runs now: no release manifest of this image was found' });
      state = { ...fresh, artifacts: [] };
      const [unknown] = (await evidence()).services;
      expect(unknown?.devVerification).toMatchObject({
        unavailable: expect.stringMatching(new RegExp(`^no release-manifest-${proposed.id} artifact`)),
      });
    } finally {
      state = releaseState();
    }
  });

  it('says per image that provenance is unverified, never verified, when the trust material cannot be had; and refused when it fails', async () => {
    const missing = join(provenance.folder(), 'no-such-root.json');
    const offline = await collectEvidence(
      options({
        provenance: { repository: 'acme/shop', trust: { trustedRootFile: missing }, api: { token, apiUrl: provenance.api().url } },
      }),
    );
    for (const service of offline.services)
      expect(service.provenance.check).toEqual({ unverified: `trusted root ${missing}: cannot be read (ENOENT)` });
    expect(evidenceMarkdown(offline)).not.toContain('**Provenance:** verified');
    const noToken = await collectEvidence(
      options({ provenance: { unavailable: 'no GitHub token to read the source repository with (GH_TOKEN)' } }),
    );
    expect(noToken.services[0]?.provenance.check).toEqual({ unverified: 'no GitHub token to read the source repository with (GH_TOKEN)' });
    // Signed by the release workflow of another repository: verification refuses it.
    const refused = await collectEvidence(
      options({
        provenance: {
          repository: 'acme/other',
          trust: { trustedRootFile: join(provenance.folder(), 'trusted_root.json') },
          api: { token, apiUrl: provenance.api().url },
        },
      }),
    );
    expect(refused.services[0]?.provenance.check).toMatchObject({
      refused: expect.stringMatching(/^no attestation — acme\/other has no SLSA provenance attestation/),
    });
  });
});

describe('the rendered diff of a chart from a Git path: read only from a checkout of the repository its repoURL names', () => {
  // A monorepo whose Applications install app-repo/charts/shop from https://github.com/example/slipway.git at main.
  const files = new Map<string, string>([
    ['app-repo/charts/shop/Chart.yaml', 'apiVersion: v2\nname: shop\nversion: 0.1.0\n'],
    ['app-repo/charts/shop/values.yaml', "service: shop\nreplicas: 2\nimage: {repository: shop, tag: latest, digest: ''}\n"],
    ['app-repo/charts/shop/templates/deployment.yaml', deployment(false)],
    ['gitops-repo/environments/dev/services/cart.yaml', serviceApplication('dev', 'cart', 'sha-2222222')],
    ['gitops-repo/environments/prod/services/cart.yaml', serviceApplication('prod', 'cart', 'sha-1111111')],
  ]);
  const unknown = { unavailable: 'not asked here' };
  let monorepo: GitopsRemoteFixture;
  beforeAll(() => {
    monorepo = createGitopsRemote(files);
  });
  const cartDiff = async (overrides: Partial<CollectOptions>) =>
    (
      await collectEvidence({
        ...options({ github: unknown, releases: unknown, provenance: unknown }),
        ...overrides,
      })
    ).services[0]?.manifestDiff;

  it('renders from this checkout when the Application names this repository, in whatever form', async () => {
    const clone = monorepo.clone(`chart-${Date.now()}`);
    const landing = { environment: 'prod', target: { checkout: clone, branch: 'main', remote: 'origin', gitopsPath: 'gitops-repo' } };
    const diff = await cartDiff({ landing, chartCheckouts: [{ checkout: clone, repository: 'git@github.com:Example/slipway' }] });
    expect(diff).toMatchObject({
      lines: expect.arrayContaining([`+          image: "${registry}/cart:sha-2222222@${digestOf('dev/cart/sha-2222222')}"`]),
    });
    // The same folder in a checkout of another repository is not the chart the Application installs.
    expect(await cartDiff({ landing, chartCheckouts: [{ checkout: clone, repository: 'https://github.com/mallory/slipway' }] })).toEqual({
      unavailable:
        "what runs now: the chart comes from https://github.com/example/slipway.git, which is not a repository checked out here (https://github.com/mallory/slipway); its chart is not rendered from another repository's files",
    });
  });

  it('reads the chart from the separate GitOps checkout the step has, known by its origin remote', async () => {
    const gitops = monorepo.clone(`gitops-${Date.now()}`);
    run(gitops, 'remote', 'set-url', 'origin', 'https://github.com/example/slipway.git');
    const elsewhere = monorepo.clone(`app-${Date.now()}`);
    const landing = {
      environment: 'prod',
      target: { checkout: elsewhere, repository: gitops, branch: 'main', remote: 'origin', gitopsPath: 'gitops-repo' },
    };
    // The dry run fetches from the checkout's folder; its origin remote says which repository it is.
    const diff = await cartDiff({ landing, chartCheckouts: [{ checkout: elsewhere, repository: 'https://github.com/acme/app' }] });
    expect(diff).toMatchObject({
      lines: expect.arrayContaining([`-          image: "${registry}/cart:sha-1111111@${digestOf('prod/cart/sha-1111111')}"`]),
    });
  });
});
