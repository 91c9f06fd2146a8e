// The cluster end-to-end workflow fetches only pinned things: a manifest by commit with its sha256
// checked, a chart as a release asset with its sha256 checked, the kind node and registry images by
// digest; and the Argo CD chart it pins is the one infra-repo installs on EKS.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
  run?: string;
}

interface Workflow {
  jobs: Record<string, { env?: Record<string, unknown>; steps: Step[] }>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const workflowText = readFileSync(`${root}.github/workflows/cluster-e2e.yml`, 'utf8');

/** What in a workflow is fetched without a pin, one sentence each. */
function unpinned(text: string): string[] {
  const workflow = parse(text) as Workflow;
  const findings: string[] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs)) {
    const env = Object.fromEntries(Object.entries(job.env ?? {}).map(([key, value]) => [key, String(value)]));
    for (const [key, value] of Object.entries(env)) {
      if (key.endsWith('_SHA256') && !/^[0-9a-f]{64}$/.test(value)) findings.push(`${jobName}: env ${key} is not a sha256 digest`);
      for (const url of value.match(/https:\/\/raw\.githubusercontent\.com\/\S+/g) ?? []) {
        if (!/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\//.test(url))
          findings.push(`${jobName}: env ${key} fetches ${url} by a name that can move; use a commit`);
      }
    }
    for (const [index, step] of job.steps.entries()) {
      const where = `${jobName}: step ${step.name ?? step.uses ?? index + 1}`;
      const run = step.run ?? '';
      for (const url of run.match(/https:\/\/raw\.githubusercontent\.com\/\S+/g) ?? []) {
        if (!/^https:\/\/raw\.githubusercontent\.com\/[^/]+\/[^/]+\/[0-9a-f]{40}\//.test(url))
          findings.push(`${where} fetches ${url} by a name that can move; use a commit`);
      }
      if (/kubectl (apply|create)[^\n]*-f\s+"?https?:/.test(run))
        findings.push(`${where} applies a manifest straight from a URL; download it and check its sha256 first`);
      if (/helm (repo add|install [^\n]*\s[\w-]+\/[\w-]+\s)/.test(run))
        findings.push(`${where} installs a chart from a repository by name; download the release asset and check its sha256`);
      if (/\b(curl|wget)\b[^\n]*(https:|\$[A-Z_]+)/.test(run) && !/sha256sum --check/.test(run))
        findings.push(`${where} downloads without checking a sha256`);
      if (step.uses?.startsWith('helm/kind-action@')) {
        for (const input of ['node_image', 'registry_image']) {
          if (!/@sha256:[0-9a-f]{64}$/.test(String(step.with?.[input] ?? ''))) findings.push(`${where}: ${input} is not pinned by digest`);
        }
      }
    }
  }
  return findings;
}

describe('cluster-e2e.yml', () => {
  it('fetches every manifest, chart and image pinned', () => {
    expect(unpinned(workflowText)).toEqual([]);
  });

  it('reports a manifest applied from a tag, a chart installed by name and images by tag', () => {
    const old = `
jobs:
  cluster:
    steps:
      - uses: helm/kind-action@a1b0e391336a6ee6713a0583f8c6240d70863de3
        with: { registry: true }
      - name: ingress-nginx
        run: kubectl apply -f https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.12.1/deploy/static/provider/kind/deploy.yaml
      - name: Argo CD
        run: |
          helm repo add argo https://argoproj.github.io/argo-helm
          helm install argocd argo/argo-cd --version 9.5.4 --namespace argocd
`;
    expect(unpinned(old)).toEqual([
      'cluster: step helm/kind-action@a1b0e391336a6ee6713a0583f8c6240d70863de3: node_image is not pinned by digest',
      'cluster: step helm/kind-action@a1b0e391336a6ee6713a0583f8c6240d70863de3: registry_image is not pinned by digest',
      'cluster: step ingress-nginx fetches https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.12.1/deploy/static/provider/kind/deploy.yaml by a name that can move; use a commit',
      'cluster: step ingress-nginx applies a manifest straight from a URL; download it and check its sha256 first',
      'cluster: step Argo CD installs a chart from a repository by name; download the release asset and check its sha256',
    ]);
  });

  it('gives Argo CD on kind the Application health check infra-repo gives it on EKS', () => {
    const kind = (parse(readFileSync(`${root}.github/kind/argocd-values.yaml`, 'utf8')) as { configs: { cm: Record<string, string> } })
      .configs.cm['resource.customizations.health.argoproj.io_Application'];
    const main = readFileSync(`${root}infra-repo/modules/argocd/main.tf`, 'utf8');
    const eks = /"resource\.customizations\.health\.argoproj\.io_Application"\s*=\s*<<-EOT\n([\s\S]*?)\n\s*EOT/.exec(main)?.[1];
    const lines = (text: string | undefined) =>
      (text ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    expect(lines(kind).length).toBeGreaterThan(5);
    expect(lines(kind)).toEqual(lines(eks));
    expect(workflowText).toContain('--values .github/kind/argocd-values.yaml');
  });

  it('pins the argo-cd chart version infra-repo installs on EKS', () => {
    const pinned = (parse(workflowText) as Workflow).jobs['cluster']?.env?.['ARGOCD_CHART_VERSION'];
    const variables = readFileSync(`${root}infra-repo/modules/argocd/variables.tf`, 'utf8');
    const infra = /variable "chart_version" \{[^}]*?default\s*=\s*"([^"]+)"/s.exec(variables)?.[1];
    expect(infra).toMatch(/^\d+\.\d+\.\d+$/);
    expect(String(pinned)).toBe(infra);
  });
});

describe('the admission check of the cluster end-to-end job', () => {
  const steps = (parse(workflowText) as Workflow).jobs['cluster']?.steps ?? [];
  const at = (pattern: RegExp) => steps.findIndex((step) => pattern.test(step.run ?? ''));

  it('runs kind-admission-check.ts once every Application (Kyverno and the policy among them) is Synced and Healthy, on an image just built, by digest at the registry on the kind network', () => {
    const check = at(/kind-admission-check\.ts/);
    expect(check, 'a step runs gitops-repo/test/admission/kind-admission-check.ts').toBeGreaterThan(-1);
    expect(check).toBeGreaterThan(at(/wait-applications\.ts/));
    expect(at(/wait-applications\.ts/)).toBeGreaterThan(-1);
    const run = steps[check]?.run ?? '';
    expect(run).toMatch(/--image "\$registry:5000\/slipway\/cart@\$digest"/);
    expect(run).toContain('"$RUNNER_TEMP/images.txt"');
    expect(run).toContain('docker inspect kind-registry');
  });
});
