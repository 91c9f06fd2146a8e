/**
 * Test and benchmark support: generates a GitOps tree shaped like gitops-repo/ (a root Application
 * per environment, one child Application per service with the image in helm.valuesObject) and
 * publishes it to a bare remote on disk.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/slipway';

export function digestOf(seed: string): string {
  let hex = '';
  for (let i = 0; hex.length < 64; i += 1) hex += ((seed.charCodeAt(i % seed.length) * 31 + i * 7) % 256).toString(16).padStart(2, '0');
  return `sha256:${hex.slice(0, 64)}`;
}

export function serviceApplication(environment: string, service: string, tag = 'sha-0000000', chartRevision = 'main'): string {
  return `# The ${service} service in ${environment}, from the shop chart (app-repo/charts/shop).
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${service}
  namespace: argocd
  annotations:
    argocd.argoproj.io/sync-wave: "10"
spec:
  project: shop
  destination:
    server: https://kubernetes.default.svc
    namespace: shop
  source:
    repoURL: https://github.com/example/slipway.git
    path: app-repo/charts/shop
    helm:
      releaseName: ${service}
      valuesObject:
        service: ${service}
        environment: ${environment}
        ingress:
          host: ${environment}.shop.example.com
        # slipway:promote — image and chart revision below are rewritten by promotion
        image:
          repository: ${registry}/${service}
          tag: ${tag}
          digest: ${digestOf(`${environment}/${service}/${tag}`)}
    targetRevision: ${chartRevision}
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
`;
}

function rootApplication(environment: string): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${environment}-services
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/example/slipway.git
    targetRevision: main
    path: gitops-repo/environments/${environment}/services
  destination:
    server: https://kubernetes.default.svc
    namespace: argocd
`;
}

/** The files of a GitOps tree (repository path → text) with the given services in each environment. */
export function gitopsTree(
  services: readonly string[],
  environments: readonly string[] = ['dev', 'prod'],
  root = 'gitops-repo',
): Map<string, string> {
  const files = new Map<string, string>();
  for (const environment of environments) {
    files.set(`${root}/environments/${environment}/services.yaml`, rootApplication(environment));
    for (const service of services)
      files.set(`${root}/environments/${environment}/services/${service}.yaml`, serviceApplication(environment, service));
  }
  files.set(`${root}/apps/services/README.md`, 'Shared service configuration.\n');
  return files;
}

export function run(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'Test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
    },
  });
}

export interface GitopsRemoteFixture {
  root: string;
  bare: string;
  /** Makes a fresh clone (a runner's checkout) and returns its path. */
  clone(name: string): string;
  /** The remote branch head. */
  head(branch?: string): string;
  /** A file's text at the remote branch head. */
  show(path: string, branch?: string): string;
}

const created: string[] = [];

/** Removes every folder createGitopsRemote made in this process (call from afterAll). */
export function removeGitopsRemotes(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** A bare remote holding `files` on branch main, plus helpers. */
export function createGitopsRemote(files: ReadonlyMap<string, string>): GitopsRemoteFixture {
  const root = mkdtempSync(join(tmpdir(), 'slipway-test-'));
  created.push(root);
  const bare = join(root, 'remote.git');
  const seed = join(root, 'seed');
  run(root, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  run(root, 'init', '--quiet', '--initial-branch=main', seed);
  for (const [path, text] of files) {
    mkdirSync(dirname(join(seed, path)), { recursive: true });
    writeFileSync(join(seed, path), text);
  }
  run(seed, 'add', '.');
  run(seed, 'commit', '--quiet', '-m', 'seed the GitOps tree');
  run(seed, 'push', '--quiet', bare, 'main');
  return {
    root,
    bare,
    clone: (name) => {
      const path = join(root, name);
      run(root, 'clone', '--quiet', bare, path);
      run(path, 'config', 'user.name', 'Slipway Test');
      run(path, 'config', 'user.email', 'slipway-test@example.com');
      return path;
    },
    head: (branch = 'main') => run(bare, 'rev-parse', branch).trim(),
    show: (path, branch = 'main') => run(bare, 'show', `${branch}:${path}`),
  };
}
