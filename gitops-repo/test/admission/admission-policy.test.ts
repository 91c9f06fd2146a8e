// The admission policy for the shop's images as gitops-repo/README.md ("Admission: image
// provenance") describes it: rendered with the real helm the way Argo CD renders it, validated
// against the ClusterImagePolicy CRD of the pinned policy-controller and the rules its webhook
// adds, audit (warn) in dev and enforce in prod, its identity from the chart's values.yaml alone.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { crdValidator } from '../../../actions/lib/validate/crd-schema.ts';
import type { Environment, Json } from './admission-tree.ts';
import { application, environments, gitops, policyGlobMatches, readYaml, renderAdmissionPolicy, repository, shopImages, upstream, webhookRuleProblems } from './admission-tree.ts';

const facts = upstream('clusterimagepolicy-v1alpha1.json');
const crd = facts.crd as Json;
const rules = facts.webhookRules as Json;
const validateAgainstCrd = crdValidator(crd.openAPIV3Schema as Json, `${String(crd.group)}/${String(crd.version)} ${String(crd.kind)}`);
const validGlob = new RegExp(rules.glob.pattern as string);

const chartFolder = 'apps/platform/admission-policy';
const identity = readYaml(`${chartFolder}/values.yaml`).identity as { repository: string; workflow: string; ref: string };
const subjectOf = (id: typeof identity) => `https://github.com/${id.repository}/${id.workflow}@${id.ref}`;

const rendered = {} as Record<Environment, Json[]>;
const scratch: string[] = [];

beforeAll(async () => {
  for (const environment of environments) rendered[environment] = await renderAdmissionPolicy(environment);
});

afterAll(() => {
  for (const folder of scratch.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const policy = (environment: Environment): Json => rendered[environment][0] as Json;
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('the admission policy for the shop images', () => {
  it('renders one ClusterImagePolicy per environment, of the CRD version the pinned controller stores', () => {
    for (const environment of environments) {
      expect(rendered[environment].map((object) => `${String(object.apiVersion)} ${String(object.kind)}`)).toEqual([`${String(crd.group)}/${String(crd.version)} ${String(crd.kind)}`]);
    }
    expect(crd.storage).toBe(true);
  });

  it.each(environments)('%s: validates against the CRD schema of policy-controller v0.13.1 and the rules its webhook adds', (environment) => {
    expect(validateAgainstCrd(policy(environment))).toEqual([]);
    expect(webhookRuleProblems(policy(environment), rules)).toEqual([]);
  });

  it('dev audits (warn), prod enforces', () => {
    expect({ dev: policy('dev').spec.mode, prod: policy('prod').spec.mode }).toEqual({ dev: 'warn', prod: 'enforce' });
  });

  it.each(environments)("%s: every authority requires the SLSA provenance attestation, as a Sigstore bundle, signed by the release workflow's identity", (environment) => {
    const authorities = policy(environment).spec.authorities as Json[];
    expect(authorities.length).toBeGreaterThan(0);
    for (const authority of authorities) {
      expect(authority.signatureFormat).toBe('bundle');
      expect(authority.keyless.identities).toEqual([{ issuer: 'https://token.actions.githubusercontent.com', subject: subjectOf(identity) }]);
      expect(authority.attestations).toEqual([{ name: 'slsa-build-provenance', predicateType: 'https://slsa.dev/provenance/v1' }]);
    }
  });

  it("the identity is this repository's release workflow on main", () => {
    const repoUrl = String(application('prod', 'admission-policy').spec.source.repoURL);
    expect(`https://github.com/${identity.repository}.git`).toBe(repoUrl);
    expect(identity).toEqual({ repository: identity.repository, workflow: '.github/workflows/release.yml', ref: 'refs/heads/main' });
    expect(existsSync(join(repository, identity.workflow))).toBe(true);
  });

  it("takes the identity and the images from the chart's values.yaml alone, for both environments", async () => {
    for (const environment of environments) {
      const source = application(environment, 'admission-policy').spec.source as Json;
      expect(Object.keys(source.helm).sort(), `${environment}: the Application passes nothing but its values file`).toEqual(['releaseName', 'valueFiles']);
      for (const file of source.helm.valueFiles as string[]) expect(Object.keys(readYaml(`${chartFolder}/${file}`)), `${chartFolder}/${file}`).toEqual(['mode']);
    }
    // Change it in that one place: both environments follow.
    const folder = mkdtempSync(join(tmpdir(), 'slipway-admission-'));
    scratch.push(folder);
    cpSync(join(gitops, chartFolder), folder, { recursive: true });
    const values = parse(readFileSync(join(folder, 'values.yaml'), 'utf8')) as Json;
    const fork = { repository: 'someone/fork', workflow: '.github/workflows/ship.yml', ref: 'refs/heads/trunk' };
    writeFileSync(join(folder, 'values.yaml'), stringify({ ...values, identity: fork, images: ['registry.example/fork/**'] }));
    for (const environment of environments) {
      const [changed] = await renderAdmissionPolicy(environment, folder);
      expect(changed?.spec.images).toEqual([{ glob: 'registry.example/fork/**' }]);
      for (const authority of changed?.spec.authorities as Json[]) expect(authority.keyless.identities[0].subject).toBe(subjectOf(fork));
    }
  });

  it.each(environments)("%s: covers every image the shop's services deploy, and not the platform images in the shop namespace", (environment) => {
    const globs = (policy(environment).spec.images as Json[]).map((image) => String(image.glob));
    const covered = (image: string) => globs.some((glob) => policyGlobMatches(glob, image, validGlob));
    const images = shopImages(environment);
    expect(images).toHaveLength(4);
    for (const image of images) expect(covered(image), image).toBe(true);
    const database = String(readYaml(`apps/platform/database/${environment}/cluster.yaml`).spec.imageName);
    expect(covered(database), database).toBe(false);
    expect(covered('ghcr.io/sigstore/policy-controller/policy-controller@sha256:' + 'a'.repeat(64))).toBe(false);
  });
});

describe('policy-controller globs, matched as the controller matches them', () => {
  // Rows of pkg/apis/glob/glob_test.go in sigstore/policy-controller v0.13.1 (image, glob, match).
  it.each([
    ['foo', 'index.docker.io/library/foo:latest', true],
    ['foo', 'index.docker.io/library/*', true],
    ['foo', 'foo', true],
    ['foo', '*', true],
    ['myuser/myapp', 'index.docker.io/myuser/*', true],
    ['myuser/myapp', '*/*', true],
    ['ghcr.io/foo/bar', 'ghcr.io/*/*', true],
    ['ghcr.io/foo/bar', 'ghcr.io/**', true],
    ['ghcr.io/foo', 'ghcr.io/*/*', false],
    ['ghcr.io/foo', '*/**', true],
    ['prefix-ghcr.io/foo', 'ghcr.io/foo', false],
    ['ghcr.io/foo-suffix', 'ghcr.io/foo', false],
    ['ghcrxio/foo', 'ghcr.io/**', false],
    [`ghcr.io/foo@sha256:${'5'.repeat(64)}`, `ghcr.io/foo@sha256:${'5'.repeat(64)}`, true],
  ])('%s against %s: %s', (image, glob, expected) => {
    expect(policyGlobMatches(glob, image, validGlob)).toBe(expected);
  });

  it('refuses a glob the controller refuses', () => {
    expect(() => policyGlobMatches('[a-z]*', 'invalid-glob', validGlob)).toThrow('policy-controller refuses the glob');
  });
});

describe('the checks above refuse a broken policy', () => {
  it('a prod policy in audit mode, or with a mode the controller does not know', () => {
    const audit = copy(policy('prod'));
    audit.spec.mode = 'audit';
    expect(webhookRuleProblems(audit, rules)).toEqual(['spec.mode: "audit" is not one of enforce, warn']);
  });

  it('a misspelled field, as strict field validation would', () => {
    const typo = copy(policy('prod'));
    const authority = (typo.spec.authorities as Json[])[0] as Json;
    authority.signatureFormt = authority.signatureFormat;
    delete authority.signatureFormat;
    expect(validateAgainstCrd(typo).map(({ field, kind }) => ({ field, kind }))).toEqual([{ field: 'spec.authorities[0].signatureFormt', kind: 'unknown-field' }]);
  });

  it('an authority without an identity, or a glob the controller refuses', () => {
    const broken = copy(policy('dev'));
    ((broken.spec.authorities as Json[])[0] as Json).keyless.identities = [];
    (broken.spec.images as Json[]).push({ glob: 'registry.example/[a-z]*' });
    expect(webhookRuleProblems(broken, rules)).toEqual([
      'spec.images[1].glob: "registry.example/[a-z]*" is not a glob the controller accepts',
      'spec.authorities[0].keyless.identities: at least one identity is required',
    ]);
  });
});
