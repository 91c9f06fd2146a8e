import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { applyKindOverlay, parseKindOverlay } from './kind-overlay.ts';
import { filesUnder } from './tree-files.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const gitopsRoot = join(root, 'gitops-repo');
const overlayFile = fileURLToPath(new URL('./overlay.yaml', import.meta.url));
const overlay = parseKindOverlay(readFileSync(overlayFile, 'utf8'), '.github/kind/overlay.yaml');
const repoUrl = 'git://172.18.0.1/slipway.git';
const digest = (seed: string) => `sha256:${seed.repeat(64).slice(0, 64)}`;
const images = {
  frontend: `kind-registry:5000/slipway/frontend:e2e-1@${digest('a')}`,
  product: `kind-registry:5000/slipway/product:e2e-1@${digest('b')}`,
  cart: `kind-registry:5000/slipway/cart:e2e-1@${digest('c')}`,
  order: `kind-registry:5000/slipway/order:e2e-1@${digest('d')}`,
};

/** Whether a platform Application needs AWS: its file, its values files or its folder name an AWS chart repository, provider or volume driver. */
function needsAws(files: ReadonlyMap<string, string>, name: string): boolean {
  const application = files.get(`environments/dev/platform/${name}.yaml`) ?? '';
  const referenced = [...application.matchAll(/gitops-repo\/(apps\/platform\/[\w./-]+)/g)].map((match) => match[1] ?? '');
  const texts = [
    application,
    ...[...files].filter(([file]) => referenced.some((path) => file === path || file.startsWith(`${path}/`))).map(([, text]) => text),
  ];
  return texts.some((text) =>
    /aws\.github\.io\/eks-charts|^cloudProvider: aws$|^provider:\n\s+name: aws$|^provisioner: ebs\.csi\.aws\.com$/m.test(text),
  );
}

interface ServiceApplication {
  spec: {
    source: {
      repoURL: string;
      helm: { valuesObject: Record<string, unknown> & { image: Record<string, string>; ingress: Record<string, string> } };
    };
  };
}

describe('the kind overlay, applied to the real gitops-repo', () => {
  const before = filesUnder(gitopsRoot);
  const upstream = (parse(before.get('environments/dev/bootstrap/root.yaml') ?? '') as ServiceApplication).spec.source.repoURL;
  const after = applyKindOverlay(before, overlay, { repoUrl, images });

  it('points every Application at the runner’s git server instead of the upstream repository', () => {
    expect(upstream).toMatch(/^https:\/\//);
    for (const [file, text] of after) {
      if (file.startsWith('environments/dev/') || file.startsWith('apps/')) expect(text, file).not.toContain(upstream);
    }
    expect((parse(after.get('environments/dev/bootstrap/root.yaml') ?? '') as ServiceApplication).spec.source.repoURL).toBe(repoUrl);
    expect(after.get('environments/dev/projects.yaml')).toContain(repoUrl);
  });

  it('installs the whole platform kind can run and leaves out exactly the AWS-only Applications, each with its reason', () => {
    const platform = (files: ReadonlyMap<string, string>) =>
      [...files.keys()]
        .filter((file) => file.startsWith('environments/dev/platform/'))
        .map((file) => basename(file, '.yaml'))
        .sort();
    const dropped = platform(before).filter((name) => !platform(after).includes(name));
    // Told apart from what the tree says, not from the overlay: an AWS chart repository, an AWS
    // provider, or a StorageClass of the EBS CSI driver.
    expect(dropped).toEqual(platform(before).filter((name) => needsAws(before, name)));
    expect(dropped).toEqual(['aws-load-balancer-controller', 'cluster-autoscaler', 'external-dns', 'storage']);
    expect(platform(after)).toEqual([
      'admission-policy',
      'alloy',
      'cloudnative-pg',
      'kube-prometheus-stack',
      'kyverno',
      'loki',
      'namespaces',
      'observability',
      'shop-database',
    ]);
    // The admission check of the job needs Kyverno and the policy: kept, each saying what for.
    expect(Object.keys(overlay.keepPlatform).sort()).toEqual(['admission-policy', 'kyverno']);
    for (const name of Object.keys(overlay.keepPlatform)) expect(platform(after), name).toContain(name);
    for (const name of dropped) expect(overlay.dropPlatform[name], name).toMatch(/^AWS-only — .{20,}/);
    // kube-prometheus-stack runs on kind too, so the PodMonitors and the shop's ServiceMonitors stay.
    expect(after.get('apps/platform/database/dev/monitoring.yaml')).toBe(before.get('apps/platform/database/dev/monitoring.yaml'));
    expect(
      (parse(after.get('apps/platform/cloudnative-pg/values.yaml') ?? '') as { monitoring: { podMonitorEnabled: boolean } }).monitoring
        .podMonitorEnabled,
    ).toBe(true);
    expect(
      (parse(after.get('apps/platform/kube-prometheus-stack/values.yaml') ?? '') as Record<string, unknown>)['prometheus-node-exporter'],
    ).toEqual({ hostRootFsMount: { enabled: false } });
  });

  it('points each service at the image just built and merges the kind values over its own', () => {
    for (const [service, reference] of Object.entries(images)) {
      const application = parse(after.get(`environments/dev/services/${service}.yaml`) ?? '') as ServiceApplication;
      const values = application.spec.source.helm.valuesObject;
      const [repository, rest] = reference.split(/:(?=e2e)/);
      expect(values.image).toMatchObject({ repository, tag: rest?.split('@')[0], digest: rest?.split('@')[1] });
      expect(values.ingress).toEqual({ host: '', className: 'nginx' });
      expect(values['service']).toBe(service);
      expect(values['environment']).toBe('dev');
      expect(values['defaults']).toMatchObject({ replicas: 1, autoscaling: { enabled: false } });
      expect(values['serviceMonitor']).toBeUndefined();
    }
  });

  it('leaves every Application valid against the Argo CD schema, and prod untouched', () => {
    for (const [file, text] of after) {
      if (!file.startsWith('environments/dev/')) continue;
      for (const document of parseAllDocuments(text)) {
        const object = document.toJS() as { kind?: string } | null;
        if (object?.kind !== 'Application') continue;
        expect(() => new Application(object as ConstructorParameters<typeof Application>[0]).validate(), file).not.toThrow();
      }
    }
    for (const [file, text] of before) if (file.startsWith('environments/prod/')) expect(after.get(file), file).toBe(text);
  });

  it.each([
    {
      case: 'a service without an image',
      change: () => applyKindOverlay(before, overlay, { repoUrl, images: { ...images, cart: undefined as unknown as string } }),
      error: /no image for the service cart/,
    },
    {
      case: 'an image without a digest',
      change: () => applyKindOverlay(before, overlay, { repoUrl, images: { ...images, order: 'kind-registry:5000/slipway/order:e2e-1' } }),
      error: /images \(order\).*not pinned/,
    },
    {
      case: 'a platform component that does not exist',
      change: () =>
        applyKindOverlay(before, { ...overlay, dropPlatform: { 'postgres-operator': 'AWS-only — nothing' } }, { repoUrl, images }),
      error: /dropPlatform: environments\/dev\/platform\/postgres-operator\.yaml does not exist \(there are: .*cloudnative-pg/,
    },
    {
      case: 'a platform Application left out without a reason',
      change: () => parseKindOverlay('environment: dev\ndropPlatform:\n  storage: ""\n', 'overlay.yaml'),
      error: /overlay\.yaml: dropPlatform\.storage needs a reason/,
    },
    {
      case: 'a kept platform Application that does not exist',
      change: () => applyKindOverlay(before, { ...overlay, keepPlatform: { gatekeeper: 'admission' } }, { repoUrl, images }),
      error: /keepPlatform: environments\/dev\/platform\/gatekeeper\.yaml does not exist, and the kind run needs it \(admission\)/,
    },
    {
      case: 'a platform Application both kept and left out',
      change: () =>
        parseKindOverlay(
          'environment: dev\ndropPlatform:\n  kyverno: AWS-only — no\nkeepPlatform:\n  kyverno: admission\n',
          'overlay.yaml',
        ),
      error: /overlay\.yaml: keepPlatform\.kyverno is also in dropPlatform/,
    },
    {
      case: 'a kept platform Application without a reason',
      change: () => parseKindOverlay('environment: dev\nkeepPlatform:\n  kyverno: ""\n', 'overlay.yaml'),
      error: /overlay\.yaml: keepPlatform\.kyverno needs a reason/,
    },
    {
      case: 'a file to drop that does not exist',
      change: () => applyKindOverlay(before, { ...overlay, dropFiles: ['apps/nowhere.yaml'] }, { repoUrl, images }),
      error: /dropFiles: apps\/nowhere\.yaml is not in the GitOps tree/,
    },
    {
      case: 'an overlay without an environment',
      change: () => parseKindOverlay('keepPlatform: []\n', 'overlay.yaml'),
      error: /overlay\.yaml: environment must be/,
    },
  ])('refuses $case with a clear error', ({ change, error }) => {
    expect(change).toThrow(error);
  });
});

describe('prepare-gitops.ts, run as the workflow runs it', () => {
  it('rewrites a copy of the tree in place and fails clearly on a bad images file', () => {
    const copy = mkdtempSync(join(tmpdir(), 'slipway-kind-'));
    cpSync(gitopsRoot, join(copy, 'gitops-repo'), { recursive: true });
    const imagesFile = join(copy, 'images.txt');
    writeFileSync(
      imagesFile,
      `${Object.entries(images)
        .map(([service, reference]) => `${service}=${reference}`)
        .join('\n')}\n`,
    );
    const script = fileURLToPath(new URL('./prepare-gitops.ts', import.meta.url));
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    const output = execFileSync(tsx, [script, '--tree', copy, '--repo-url', repoUrl, '--images', imagesFile], { encoding: 'utf8' });
    expect(output).toContain('changed environments/dev/services/cart.yaml');
    expect(existsSync(join(copy, 'gitops-repo/environments/dev/platform/kube-prometheus-stack.yaml'))).toBe(true);
    expect(existsSync(join(copy, 'gitops-repo/environments/dev/platform/external-dns.yaml'))).toBe(false);
    expect(readFileSync(join(copy, 'gitops-repo/environments/dev/services/cart.yaml'), 'utf8')).toContain(digest('c'));

    writeFileSync(imagesFile, 'cart kind-registry:5000/slipway/cart:e2e-1\n');
    const bad = spawnSync(tsx, [script, '--tree', copy, '--repo-url', repoUrl, '--images', imagesFile], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain("images.txt line 1: 'cart kind-registry:5000/slipway/cart:e2e-1' is not service=repository:tag@sha256:…");
  });
});
