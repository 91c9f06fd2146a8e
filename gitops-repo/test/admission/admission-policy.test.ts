// The admission policy for the shop's images as gitops-repo/README.md ("Admission: image
// provenance") describes it: rendered with the real helm the way Argo CD renders it, validated
// against the ImageValidatingPolicy CRD of the pinned Kyverno, audit in dev and enforce in prod,
// its identity from the chart's values.yaml alone, covering the shop's images and only those.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { previewPolicyName, releasePolicyName } from './kind-admission.ts';
import type { Environment, Json } from './admission-tree.ts';
import {
  application,
  environments,
  gitops,
  kyvernoGlobMatches,
  policyCrd,
  policyNamed,
  policyRuleProblems,
  readYaml,
  renderAdmissionPolicy,
  repository,
  shopImages,
  validateAgainstPolicyCrd,
} from './admission-tree.ts';

const chartFolder = 'apps/platform/admission-policy';
const identity = readYaml(`${chartFolder}/values.yaml`).identity as {
  repository: string;
  workflow: string;
  ref: string;
  previewWorkflow: string;
};
const subjectOf = (id: typeof identity) => `https://github.com/${id.repository}/${id.workflow}@${id.ref}`;

const rendered = {} as Record<Environment, Json[]>;
const scratch: string[] = [];

beforeAll(async () => {
  for (const environment of environments) rendered[environment] = await renderAdmissionPolicy(environment);
});

afterAll(() => {
  for (const folder of scratch.splice(0)) rmSync(folder, { recursive: true, force: true });
});

const policy = (environment: Environment): Json => policyNamed(rendered[environment], releasePolicyName);
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('the admission policy for the shop images', () => {
  it('renders the release policy in both environments (and the preview policy in dev only), of a CRD version the pinned Kyverno serves', () => {
    const served = `${String(policyCrd.group)}/${String(policyCrd.version)} ${String(policyCrd.kind)}`;
    for (const environment of environments) {
      for (const object of rendered[environment]) expect(`${String(object.apiVersion)} ${String(object.kind)}`).toBe(served);
    }
    expect(rendered.prod.map((object) => String(object.metadata.name))).toEqual([releasePolicyName]);
    expect(policyCrd.served).toBe(true);
  });

  it.each(environments)('%s: validates against the CRD schema of Kyverno v1.19.0, and names only what it declares', (environment) => {
    expect(validateAgainstPolicyCrd(policy(environment))).toEqual([]);
    expect(policyRuleProblems(policy(environment))).toEqual([]);
  });

  it('dev audits (admits, warns, reports; fails open), prod enforces (refuses; fails closed)', () => {
    const mode = (environment: Environment) => ({
      validationActions: policy(environment).spec.validationActions,
      failurePolicy: policy(environment).spec.failurePolicy,
    });
    expect({ dev: mode('dev'), prod: mode('prod') }).toEqual({
      dev: { validationActions: ['Audit', 'Warn'], failurePolicy: 'Ignore' },
      prod: { validationActions: ['Deny'], failurePolicy: 'Fail' },
    });
  });

  it.each(environments)(
    "%s: requires on every pod's shop images the SLSA provenance attestation signed by the release workflow's identity",
    (environment) => {
      const spec = policy(environment).spec as Json;
      expect(spec.matchConstraints.resourceRules).toEqual([
        { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] },
      ]);
      expect(spec.attestors).toEqual([
        {
          name: 'release',
          cosign: {
            keyless: { identities: [{ issuer: 'https://token.actions.githubusercontent.com', subject: subjectOf(identity) }] },
            ctlog: { url: 'https://rekor.sigstore.dev' },
          },
        },
      ]);
      expect(spec.attestations).toEqual([{ name: 'provenance', intoto: { type: 'https://slsa.dev/provenance/v1' } }]);
      expect(spec.validations.map((validation: Json) => validation.expression)).toEqual([
        'images.containers.map(image, verifyAttestationSignatures(image, attestations.provenance, [attestors.release])).all(e, e > 0)',
      ]);
      // Verified images only, none rewritten: the database's pods in the same namespace stay as they are.
      expect(spec.validationConfigurations).toEqual({ mutateDigest: false, verifyDigest: true, required: true });
    },
  );

  it("the identity is this repository's release workflow on main", () => {
    const repoUrl = String(application('prod', 'admission-policy').spec.source.repoURL);
    expect(`https://github.com/${identity.repository}.git`).toBe(repoUrl);
    expect(identity).toEqual({
      repository: identity.repository,
      workflow: '.github/workflows/release.yml',
      ref: 'refs/heads/main',
      previewWorkflow: '.github/workflows/pull-request.yml',
    });
    expect(existsSync(join(repository, identity.workflow))).toBe(true);
    expect(existsSync(join(repository, identity.previewWorkflow))).toBe(true);
  });

  it("takes the identity and the images from the chart's values.yaml alone, for both environments", async () => {
    for (const environment of environments) {
      const source = application(environment, 'admission-policy').spec.source as Json;
      expect(Object.keys(source.helm).sort(), `${environment}: the Application passes nothing but its values file`).toEqual([
        'releaseName',
        'valueFiles',
      ]);
      // An environment sets its mode and (dev) that it runs previews, never an identity or images.
      for (const file of source.helm.valueFiles as string[])
        expect(Object.keys(readYaml(`${chartFolder}/${file}`)), `${chartFolder}/${file}`).toEqual(
          environment === 'dev' ? ['mode', 'previews'] : ['mode'],
        );
    }
    // Change it in that one place: both environments follow.
    const folder = mkdtempSync(join(tmpdir(), 'slipway-admission-'));
    scratch.push(folder);
    cpSync(join(gitops, chartFolder), folder, { recursive: true });
    const values = parse(readFileSync(join(folder, 'values.yaml'), 'utf8')) as Json;
    const fork = {
      repository: 'someone/fork',
      workflow: '.github/workflows/ship.yml',
      ref: 'refs/heads/trunk',
      previewWorkflow: '.github/workflows/checks.yml',
    };
    writeFileSync(join(folder, 'values.yaml'), stringify({ ...values, identity: fork, images: ['registry.example/fork/*'] }));
    for (const environment of environments) {
      const policies = await renderAdmissionPolicy(environment, folder);
      for (const changed of policies) expect(changed.spec.matchImageReferences).toEqual([{ glob: 'registry.example/fork/*' }]);
      expect(policyNamed(policies, releasePolicyName).spec.attestors[0].cosign.keyless.identities[0].subject).toBe(subjectOf(fork));
    }
    const preview = policyNamed(await renderAdmissionPolicy('dev', folder), previewPolicyName);
    expect(preview.spec.attestors[0].cosign.keyless.identities[0].subjectRegExp).toBe(
      '^https://github\\.com/someone/fork/\\.github/workflows/checks\\.yml@refs/pull/[1-9][0-9]*/merge$',
    );
  });

  it.each(environments)(
    "%s: covers every image the shop's services deploy, and not the platform images in the shop namespace",
    (environment) => {
      const globs = (policy(environment).spec.matchImageReferences as Json[]).map((reference) => String(reference.glob));
      const covered = (image: string) => globs.some((glob) => kyvernoGlobMatches(glob, image));
      const images = shopImages(environment);
      expect(images).toHaveLength(4);
      for (const image of images) expect(covered(image), image).toBe(true);
      const database = String(readYaml(`apps/platform/database/${environment}/cluster.yaml`).spec.imageName);
      expect(covered(database), database).toBe(false);
      expect(covered('reg.kyverno.io/kyverno/kyverno:v1.19.0')).toBe(false);
    },
  );
});

describe('Kyverno image globs, matched as Kyverno matches them', () => {
  // The first two rows are Kyverno's own (pkg/cel/compiler/image_test.go, v1.19.0); gobwas/glob
  // without separators lets `*` cross `/`.
  it.each([
    ['ghcr.io/*', 'ghcr.io/kyverno/kyverno', true],
    ['ghcr.io/*/foo', 'ghcr.io/kyverno/kyverno', false],
    ['registry.example/shop/*', `registry.example/shop/cart:1.0.0@sha256:${'a'.repeat(64)}`, true],
    ['registry.example/shop/*', 'registry.example/shopfront/cart:1.0.0', false],
    ['registry.example/shop/?art:*', 'registry.example/shop/cart:1', true],
    ['registry.example/shop/cart', 'registryXexample/shop/cart', false],
  ])('%s against %s: %s', (glob, image, expected) => {
    expect(kyvernoGlobMatches(glob, image)).toBe(expected);
  });
});

describe('the checks above refuse a broken policy', () => {
  it('a validation action the CRD does not know', () => {
    const enforce = copy(policy('prod'));
    enforce.spec.validationActions = ['Enforce'];
    expect(validateAgainstPolicyCrd(enforce).map(({ field, kind }) => ({ field, kind }))).toEqual([
      { field: 'spec.validationActions[0]', kind: 'schema' },
    ]);
  });

  it('a misspelled field, as strict field validation would', () => {
    const typo = copy(policy('prod'));
    typo.spec.validationConfigurations = { mutateDigests: false };
    expect(validateAgainstPolicyCrd(typo).map(({ field, kind }) => ({ field, kind }))).toEqual([
      { field: 'spec.validationConfigurations.mutateDigests', kind: 'unknown-field' },
    ]);
  });

  it('an expression naming an attestor the policy does not declare, and no image to match', () => {
    const broken = copy(policy('dev'));
    broken.spec.attestors[0].name = 'releases';
    broken.spec.matchImageReferences = [];
    expect(policyRuleProblems(broken)).toEqual([
      'spec.matchImageReferences: at least one is required, or every image of every pod is checked',
      'spec.validations[0].expression: attestors.release is not declared',
    ]);
  });
});
