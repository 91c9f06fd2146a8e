// What a first sync needs before it, checked over every environment as Argo CD walks it (root →
// groups → Applications, wave by wave):
// - every volume claim (a PersistentVolumeClaim, a volumeClaimTemplate, a chart's persistence or a
//   CloudNativePG Cluster's storage) names a StorageClass, or a default StorageClass is synced in an
//   earlier wave: EKS marks no class default since Kubernetes 1.30, and a claim without a class then
//   stays Pending and holds every later wave;
// - every custom resource is synced in a later wave than the Application that installs its CRD
//   (test/upstream/custom-resources.yaml), or carries SkipDryRunOnMissingResource=true: Argo CD's dry
//   run fails on a kind the cluster does not know yet (argoproj/argo-cd docs/user-guide/sync-options.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Environment, Json, TreeApplication } from './platform-tree.ts';
import { annotatedSyncOptions, environmentApplications, environments, gitopsRoot, syncsBefore, valueAt } from './platform-tree.ts';

interface CustomResourceFacts {
  crds: { chart: string; source: string; kinds: string[] }[];
  rendered: { chart: string; when: string; kind: string; source: string }[];
}

const facts = parse(readFileSync(join(gitopsRoot, 'test/upstream/custom-resources.yaml'), 'utf8')) as CustomResourceFacts;
const byEnvironment = Object.fromEntries(environments.map((environment) => [environment, environmentApplications(environment)])) as Record<
  Environment,
  TreeApplication[]
>;
const skipDryRun = 'SkipDryRunOnMissingResource=true';

interface Claim {
  application: TreeApplication;
  where: string;
  storageClass: unknown;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Claims inside chart values: volumeClaimTemplate(s) and enabled persistence blocks. */
function claimsInValues(values: Json, path: string): { where: string; storageClass: unknown }[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const here = path ? `${path}.${key}` : key;
    if (key === 'volumeClaimTemplate' && isRecord(value)) return [{ where: here, storageClass: valueAt(value, 'spec.storageClassName') }];
    if (key === 'volumeClaimTemplates' && Array.isArray(value))
      return value.map((template: Json, i) => ({ where: `${here}[${i}]`, storageClass: valueAt(template, 'spec.storageClassName') }));
    if (key === 'persistence' && isRecord(value) && value.enabled === true)
      return [{ where: here, storageClass: value.storageClass ?? value.storageClassName }];
    return isRecord(value) ? claimsInValues(value, here) : [];
  });
}

function claimsOf(application: TreeApplication): Claim[] {
  const claims: Claim[] = [];
  for (const { file, object } of application.manifests) {
    const name = `${object.kind} ${object.metadata?.name}`;
    if (object.kind === 'PersistentVolumeClaim')
      claims.push({ application, where: `${file}: ${name}`, storageClass: object.spec?.storageClassName });
    for (const [i, template] of ((object.kind === 'StatefulSet' ? object.spec?.volumeClaimTemplates : undefined) ?? []).entries()) {
      claims.push({ application, where: `${file}: ${name} volumeClaimTemplates[${i}]`, storageClass: template.spec?.storageClassName });
    }
    if (object.apiVersion?.startsWith('postgresql.cnpg.io/') && object.kind === 'Cluster') {
      for (const field of ['storage', 'walStorage'])
        if (isRecord(object.spec?.[field]))
          claims.push({ application, where: `${file}: ${name} spec.${field}`, storageClass: object.spec[field].storageClass });
    }
  }
  for (const chart of application.charts)
    for (const claim of claimsInValues(chart.values, ''))
      claims.push({ application, where: `${application.file}: ${chart.chart} values ${claim.where}`, storageClass: claim.storageClass });
  return claims;
}

function storageFindings(applications: TreeApplication[]): string[] {
  const defaults = applications.filter((application) =>
    application.manifests.some(
      ({ object }) =>
        object.kind === 'StorageClass' && object.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true',
    ),
  );
  return applications
    .flatMap(claimsOf)
    .filter((claim) => typeof claim.storageClass !== 'string' || claim.storageClass === '')
    .filter((claim) => !defaults.some((declaring) => syncsBefore(declaring.position, claim.application.position)))
    .map(
      (claim) => `${claim.where} names no StorageClass and no default StorageClass is synced before Application ${claim.application.name}`,
    );
}

function crdOrderFindings(applications: TreeApplication[]): string[] {
  const installers = new Map<string, TreeApplication>();
  for (const application of applications) {
    for (const chart of application.charts)
      for (const kind of facts.crds.find((entry) => entry.chart === chart.chart)?.kinds ?? []) installers.set(kind, application);
    for (const { object } of application.manifests)
      if (object.kind === 'CustomResourceDefinition') installers.set(`${object.spec?.group}/${object.spec?.names?.kind}`, application);
  }
  const findings: string[] = [];
  const check = (application: TreeApplication, kind: string, where: string, options: string[]) => {
    const installer = installers.get(kind);
    if (!installer || installer === application || syncsBefore(installer.position, application.position)) return;
    if ([...application.syncOptions, ...options].includes(skipDryRun)) return;
    findings.push(
      `${where}: ${kind} is synced by Application ${application.name} (waves ${application.position.join('/')}), no later than Application ${installer.name} that installs its CRD (waves ${installer.position.join('/')}), without ${skipDryRun}`,
    );
  };
  for (const application of applications) {
    for (const { file, object } of application.manifests)
      check(
        application,
        `${String(object.apiVersion).split('/')[0]}/${object.kind}`,
        `${file}: ${object.kind} ${object.metadata?.name}`,
        annotatedSyncOptions(object),
      );
    for (const chart of application.charts) {
      for (const rendered of facts.rendered.filter((entry) => entry.chart === chart.chart && valueAt(chart.values, entry.when) === true)) {
        check(application, rendered.kind, `${application.file}: ${chart.chart} with ${rendered.when} (${rendered.source})`, []);
      }
    }
  }
  return findings;
}

function named(environment: Environment, name: string): TreeApplication {
  const found = byEnvironment[environment].find((application) => application.name === name);
  if (!found) throw new Error(`${environment} has no Application ${name}`);
  return found;
}

describe.each(environments)('%s: storage for a first sync', (environment) => {
  const applications = byEnvironment[environment];

  it('every claim names a class or a default StorageClass is synced before it', () => {
    const claimants = new Set(applications.flatMap(claimsOf).map((claim) => claim.application.name));
    expect([...claimants].sort()).toEqual(['kube-prometheus-stack', 'loki', 'shop-database']);
    expect(storageFindings(applications)).toEqual([]);
  });

  it('reports the claims that would stay Pending without the default class', () => {
    const withoutDefault = applications.filter((application) => application.name !== 'storage');
    const findings = storageFindings(withoutDefault);
    expect(findings).toContainEqual(
      expect.stringMatching(
        /kube-prometheus-stack values prometheus\.prometheusSpec\.storageSpec\.volumeClaimTemplate names no StorageClass/,
      ),
    );
    expect(findings).toContainEqual(expect.stringMatching(/loki values singleBinary\.persistence names no StorageClass/));
    expect(findings).toContainEqual(
      expect.stringMatching(
        /cluster\.yaml: Cluster shop-db spec\.storage names no StorageClass and no default StorageClass is synced before Application shop-database/,
      ),
    );
  });

  it('the default class is gp3: encrypted EBS gp3 volumes in the pod’s zone, expandable, in the earliest wave', () => {
    const storage = named(environment, 'storage');
    const classes = storage.manifests.map(({ object }) => object);
    expect(classes).toEqual([
      expect.objectContaining({
        kind: 'StorageClass',
        metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: 'ebs.csi.aws.com',
        parameters: { type: 'gp3', encrypted: 'true' },
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
      }),
    ]);
    const platformWaves = applications
      .filter((application) => application.file.includes('/platform/'))
      .map((application) => application.position.at(-1) ?? 0);
    expect(storage.position.at(-1)).toBe(Math.min(...platformWaves));
  });
});

describe.each(environments)('%s: custom resources after their CRDs', (environment) => {
  const applications = byEnvironment[environment];

  it('no custom resource is synced in a wave no later than the Application installing its CRD', () => {
    expect(crdOrderFindings(applications)).toEqual([]);
  });

  it('reports cloudnative-pg’s PodMonitor when kube-prometheus-stack shares its wave, unless the dry run is skipped', () => {
    const sameWave = applications.map((application) =>
      application.name === 'kube-prometheus-stack'
        ? { ...application, position: named(environment, 'cloudnative-pg').position }
        : application,
    );
    expect(crdOrderFindings(sameWave)).toEqual([
      expect.stringMatching(
        /cloudnative-pg\.yaml: cloudnative-pg with monitoring\.podMonitorEnabled .*monitoring\.coreos\.com\/PodMonitor is synced by Application cloudnative-pg \(waves 0\/-5\), no later than Application kube-prometheus-stack that installs its CRD \(waves 0\/-5\), without SkipDryRunOnMissingResource=true/,
      ),
    ]);
    const skipping = sameWave.map((application) =>
      application.name === 'cloudnative-pg' ? { ...application, syncOptions: [...application.syncOptions, skipDryRun] } : application,
    );
    expect(crdOrderFindings(skipping)).toEqual([]);
  });
});
