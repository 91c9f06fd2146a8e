// The admission policy for preview environments (gitops-repo/README.md, "Preview environments"):
// in dev, a second ImageValidatingPolicy admits in the preview namespaces, and only there, the shop
// images the pull-request workflow attested; the release policy leaves those namespaces to it; prod
// renders no preview policy. Rendered with the real helm as Argo CD renders it, validated against
// the CRD of the pinned Kyverno (v1.19.0). The SAN form is Fulcio's for GitHub Actions
// (sigstore/fulcio docs/oidc.md: `https://github.com/` + job_workflow_ref) at a pull_request run's
// ref `refs/pull/<number>/merge` (GitHub Docs, "Events that trigger workflows", pull_request).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { projectRefusesObject } from '../../../actions/lib/validate/argo/app-project.ts';
import { selectorMatches } from '../../../actions/lib/validate/workload-policy.ts';
import type { Environment, Json } from './admission-tree.ts';
import {
  declaredNamespaces,
  environments,
  kyvernoGlobMatches,
  policyNamed,
  policyRuleProblems,
  previewImages,
  readYaml,
  readYamlDocuments,
  renderAdmissionPolicy,
  renderPreviewNamespace,
  repository,
  shopImages,
  validateAgainstPolicyCrd,
} from './admission-tree.ts';
import { previewNamespaceLabel as previewLabel, previewPolicyName, releasePolicyName } from './kind-admission.ts';

const identity = readYaml('apps/platform/admission-policy/values.yaml').identity as { repository: string; previewWorkflow: string };
const san = (repositoryName: string, workflow: string, ref: string) => `https://github.com/${repositoryName}/${workflow}@${ref}`;

const rendered = {} as Record<Environment, Json[]>;
let previewNamespace: { destination: string; objects: Json[] };

beforeAll(async () => {
  for (const environment of environments) rendered[environment] = await renderAdmissionPolicy(environment);
  previewNamespace = await renderPreviewNamespace();
});

const preview = (): Json => policyNamed(rendered.dev, previewPolicyName);
const release = (environment: Environment): Json => policyNamed(rendered[environment], releasePolicyName);
const identityOf = (policy: Json): Json => policy.spec.attestors[0].cosign.keyless.identities[0] as Json;

/**
 * Whether a policy applies to a Pod in a namespace with these labels: an absent namespaceSelector
 * selects every namespace (the CRD's "Default to the empty LabelSelector, which matches everything").
 * The API server labels every namespace with kubernetes.io/metadata.name.
 */
const applies = (policy: Json, name: string, labels: Record<string, string> = {}): boolean => {
  const selector = policy.spec.matchConstraints.namespaceSelector as Json | undefined;
  return selector === undefined || selectorMatches(selector, { ...labels, 'kubernetes.io/metadata.name': name });
};

/**
 * Whether Kyverno accepts a certificate SAN for the regexp. Go's regexp.MatchString, as cosign and
 * sigstore-go call it, finds a match anywhere in the SAN (not anchored): RegExp.test does the same.
 * The regexp may use only what RE2 and ECMAScript read alike (guarded below).
 */
const accepts = (pattern: string, subject: string): boolean => new RegExp(pattern).test(subject);
const commonSyntax = /^(?:\\[.\\/+*?()|[\]{}^$-]|\[[0-9a-z-]+\]\*?|[A-Za-z0-9/:@_^$-]|\*)+$/;

describe('the preview policy (dev only)', () => {
  it('dev renders it beside the release policy; prod renders none', () => {
    expect(rendered.dev.map((policy) => String(policy.metadata.name)).sort()).toEqual([previewPolicyName, releasePolicyName]);
    expect(rendered.prod.map((policy) => String(policy.metadata.name))).toEqual([releasePolicyName]);
    expect(readYaml('apps/platform/admission-policy/values.yaml').previews).toBe(false);
    expect(readYaml('apps/platform/admission-policy/values-prod.yaml').previews).toBeUndefined();
    expect(readYaml('apps/platform/admission-policy/values-dev.yaml').previews).toBe(true);
  });

  it('validates against the CRD schema of Kyverno v1.19.0, and names only what it declares', () => {
    expect(validateAgainstPolicyCrd(preview())).toEqual([]);
    expect(policyRuleProblems(preview())).toEqual([]);
  });

  it("is the release policy's body (mode, images, attestation) with its own namespaces, attestor and message", () => {
    const { namespaceSelector: previewSelector, ...previewMatch } = preview().spec.matchConstraints as Json;
    const { namespaceSelector: releaseSelector, ...releaseMatch } = release('dev').spec.matchConstraints as Json;
    expect(previewMatch).toEqual(releaseMatch);
    expect(previewSelector).toEqual({ matchLabels: { [previewLabel]: 'true' } });
    expect(releaseSelector).toEqual({ matchExpressions: [{ key: previewLabel, operator: 'NotIn', values: ['true'] }] });
    for (const field of [
      'validationActions',
      'failurePolicy',
      'webhookConfiguration',
      'matchImageReferences',
      'validationConfigurations',
      'attestations',
    ])
      expect(preview().spec[field], field).toEqual(release('dev').spec[field]);
    expect(preview().spec.attestors.map((attestor: Json) => attestor.name)).toEqual(['pullRequest']);
    expect(preview().spec.validations.map((validation: Json) => validation.expression)).toEqual([
      'images.containers.map(image, verifyAttestationSignatures(image, attestations.provenance, [attestors.pullRequest])).all(e, e > 0)',
    ]);
    expect(preview().spec.attestors[0].cosign.ctlog).toEqual({ url: 'https://rekor.sigstore.dev' });
  });

  it("accepts one identity: GitHub's issuer and the pull-request workflow of this repository at a pull request's merge ref", () => {
    expect(identityOf(preview())).toEqual({
      issuer: 'https://token.actions.githubusercontent.com',
      subjectRegExp: '^https://github\\.com/slipway-dev/slipway/\\.github/workflows/pull-request\\.yml@refs/pull/[1-9][0-9]*/merge$',
    });
    expect(String(identityOf(preview()).subjectRegExp)).toMatch(commonSyntax);
  });

  it('signs with that identity: the pull-request workflow runs on pull_request (never closed or pull_request_target) and attests in its preview job', () => {
    const workflow = parse(readFileSync(join(repository, identity.previewWorkflow), 'utf8')) as Json;
    // pull_request runs sign at refs/pull/<n>/merge; pull_request_target would sign at the base branch.
    expect(Object.keys(workflow.on)).toContain('pull_request');
    expect(Object.keys(workflow.on)).not.toContain('pull_request_target');
    // A merged pull request's closed run would sign at the head branch instead of refs/pull/<n>/merge.
    expect(workflow.on.pull_request.types).not.toContain('closed');
    const job = workflow.jobs.preview as Json;
    expect(job.permissions).toMatchObject({ 'id-token': 'write', attestations: 'write' });
    expect((job.steps as Json[]).some((step) => String(step.uses ?? '').startsWith('actions/attest@'))).toBe(true);
  });
});

describe('the images each policy covers: the preview repositories and the release ones', () => {
  const globs = (policy: Json): string[] => (policy.spec.matchImageReferences as Json[]).map((reference) => String(reference.glob));
  const covered = (policy: Json, image: string) => globs(policy).some((glob) => kyvernoGlobMatches(glob, image));
  /** The repository of repository:tag@sha256:… (the registry host may carry a port). */
  const repositoryOf = (image: string) => {
    const reference = image.split('@')[0] ?? '';
    return reference.slice(0, reference.lastIndexOf(':'));
  };
  /** What a preview's pods run: repository:tag@digest. */
  const images = (): string[] =>
    Object.values(previewImages()).map(({ repository: image, tag }) => `${image}:${tag}@sha256:${'e'.repeat(64)}`);

  it("a preview's images come from the preview repositories (infra-repo/modules/ecr, <prefix>/preview/<service>), not a release repository", () => {
    const releaseRepositories = shopImages('dev').map(repositoryOf);
    const previews = previewImages();
    expect(Object.keys(previews).sort()).toEqual(['cart', 'frontend', 'order', 'product']);
    for (const [service, { repository: image }] of Object.entries(previews)) {
      const release = releaseRepositories.find((candidate) => candidate.endsWith(`/${service}`));
      expect(release, service).toBeDefined();
      expect(image).toBe(String(release).replace(new RegExp(`/${service}$`), `/preview/${service}`));
    }
  });

  it('in a preview namespace the preview policy verifies every preview image (and a release image there too, which lacks its identity)', () => {
    for (const image of images()) expect(covered(preview(), image), image).toBe(true);
    for (const image of shopImages('dev')) expect(covered(preview(), image), image).toBe(true);
  });

  it('everywhere else the release policy verifies a preview image too: signed by the pull-request workflow, it is refused there (prod enforces)', () => {
    for (const environment of environments)
      for (const image of images()) expect(covered(release(environment), image), `${environment} ${image}`).toBe(true);
  });

  it('finds a glob that leaves the preview repositories out', () => {
    const narrow = JSON.parse(JSON.stringify(preview())) as Json;
    narrow.spec.matchImageReferences = shopImages('dev').map((image) => ({ glob: `${repositoryOf(image)}:*` }));
    expect(images().filter((image) => !covered(narrow, image))).toHaveLength(4);
  });
});

describe("the preview policy's subjectRegExp, matched as Kyverno matches it", () => {
  const pattern = (): string => String(identityOf(preview()).subjectRegExp);
  const { repository: repo, previewWorkflow } = identity;

  it.each([1, 18, 1234, 987654321])("accepts the pull-request workflow's SAN at refs/pull/%i/merge", (number) => {
    expect(accepts(pattern(), san(repo, previewWorkflow, `refs/pull/${number}/merge`))).toBe(true);
  });

  const refused: [string, string][] = [
    ['the release workflow on main', san(repo, '.github/workflows/release.yml', 'refs/heads/main')],
    ['the release workflow at a pull ref', san(repo, '.github/workflows/release.yml', 'refs/pull/1/merge')],
    ['another workflow of the repository', san(repo, '.github/workflows/previews.yml', 'refs/pull/1/merge')],
    ['another repository of the same name', san('someone/slipway', previewWorkflow, 'refs/pull/1/merge')],
    ['a repository name with a suffix', san(`${repo}-evil`, previewWorkflow, 'refs/pull/1/merge')],
    ['a repository name with a prefix', san(repo.replace('/', '/evil-'), previewWorkflow, 'refs/pull/1/merge')],
    ['a branch ref', san(repo, previewWorkflow, 'refs/heads/main')],
    ['a branch named like a pull ref', san(repo, previewWorkflow, 'refs/heads/refs/pull/1/merge')],
    ['a tag ref', san(repo, previewWorkflow, 'refs/tags/v1.0.0')],
    ['the pull request head ref', san(repo, previewWorkflow, 'refs/pull/1/head')],
    ['a pull ref with no number', san(repo, previewWorkflow, 'refs/pull//merge')],
    ['pull request 0', san(repo, previewWorkflow, 'refs/pull/0/merge')],
    ['a pull ref with more after it', san(repo, previewWorkflow, 'refs/pull/1/merge/x')],
    ['a SAN embedding the real one after a prefix', `https://evil.example/${san(repo, previewWorkflow, 'refs/pull/1/merge')}`],
    ['http instead of https', san(repo, previewWorkflow, 'refs/pull/1/merge').replace('https:', 'http:')],
    ['another host where the dot of github.com was', san(repo, previewWorkflow, 'refs/pull/1/merge').replace('github.com', 'githubXcom')],
    ['a host ending in github.com', san(repo, previewWorkflow, 'refs/pull/1/merge').replace('github.com', 'evilgithub.com')],
    ['a folder where the dot of .github was', san(repo, previewWorkflow.replace('.github', 'Xgithub'), 'refs/pull/1/merge')],
    ['a workflow file where the dot of .yml was', san(repo, previewWorkflow.replace('.yml', 'Xyml'), 'refs/pull/1/merge')],
    ['the workflow in a reusable-workflow repository path', san(`${repo}/x`, previewWorkflow, 'refs/pull/1/merge')],
  ];
  it.each(refused)('refuses %s: %s', (_what, subject) => {
    expect(accepts(pattern(), subject)).toBe(false);
  });

  it('the table above refuses a pattern without anchors or escaped dots', () => {
    const loose = `https://github.com/${repo}/${previewWorkflow}@refs/pull/[0-9]+/merge`;
    const wronglyAccepted = refused.filter(([, subject]) => accepts(loose, subject)).map(([what]) => what);
    expect(wronglyAccepted).toEqual([
      'pull request 0',
      'a pull ref with more after it',
      'a SAN embedding the real one after a prefix',
      'another host where the dot of github.com was',
      'a folder where the dot of .github was',
      'a workflow file where the dot of .yml was',
    ]);
  });
});

describe('which namespaces each policy selects', () => {
  const previewNamespaceObject = (): Json => previewNamespace.objects.find((object) => object.kind === 'Namespace') as Json;

  it('the preview namespace chart labels preview-pr-<number> as the preview policy selects it', () => {
    const namespace = previewNamespaceObject();
    expect(namespace.metadata.name).toBe(previewNamespace.destination);
    expect(namespace.metadata.labels[previewLabel]).toBe('true');
    // The other objects of the chart do not need it: the selector reads the namespace's labels.
    expect(previewNamespace.objects.filter((object) => object.metadata?.labels?.[previewLabel] !== undefined).map((o) => o.kind)).toEqual([
      'Namespace',
    ]);
  });

  it('dev: in a preview namespace only the preview policy applies; everywhere else only the release policy', () => {
    const namespace = previewNamespaceObject();
    const labels = namespace.metadata.labels as Record<string, string>;
    expect(applies(preview(), namespace.metadata.name, labels)).toBe(true);
    expect(applies(release('dev'), namespace.metadata.name, labels)).toBe(false);
    const others = declaredNamespaces().map(({ namespace: object }) => object);
    expect(others.map((object) => String(object.metadata.name))).toContain('shop');
    for (const object of [...others, { metadata: { name: 'default' } }]) {
      const name = String(object.metadata.name);
      expect(applies(release('dev'), name, object.metadata.labels ?? {}), name).toBe(true);
      expect(applies(preview(), name, object.metadata.labels ?? {}), name).toBe(false);
    }
    // A namespace named like a preview but without the label gets the release policy.
    expect(applies(release('dev'), 'preview-pr-7')).toBe(true);
    expect(applies(preview(), 'preview-pr-7')).toBe(false);
  });

  it('prod: the release policy applies in every namespace, whatever its labels', () => {
    expect(release('prod').spec.matchConstraints.namespaceSelector).toBeUndefined();
    expect(applies(release('prod'), 'preview-pr-7', { [previewLabel]: 'true' })).toBe(true);
    expect(applies(release('prod'), 'shop')).toBe(true);
  });

  it('no Namespace of the tree but the preview chart’s carries the preview label', () => {
    const declared = declaredNamespaces();
    expect(declared.length).toBeGreaterThan(0);
    const labelled = declared.filter(({ namespace }) => namespace.metadata?.labels?.[previewLabel] !== undefined);
    expect(labelled.map(({ file, namespace }) => `${file}: ${String(namespace.metadata.name)}`)).toEqual([]);
  });

  it.each(environments)(
    '%s: through Argo CD only the platform project (the Namespaces of the tree) and the previews project (preview-pr-* only) create Namespaces',
    (environment) => {
      const projects = readYamlDocuments(`environments/${environment}/projects.yaml`).filter((object) => object?.kind === 'AppProject');
      const labelled = (name: string): Json => ({
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, labels: { [previewLabel]: 'true' } },
      });
      const destination = (namespace: string) => ({ server: 'https://kubernetes.default.svc', namespace });
      const creators = projects
        .filter((project) => projectRefusesObject(project, labelled('preview-pr-7'), '', destination('preview-pr-7')) === undefined)
        .map((project) => String(project.metadata.name));
      // The platform project creates the Namespaces of apps/platform/namespaces (checked above).
      expect(creators.sort()).toEqual(environment === 'dev' ? ['platform', 'previews'] : ['platform']);
      const previews = projects.find((project) => project.metadata.name === 'previews');
      if (previews)
        expect(projectRefusesObject(previews, labelled('shop'), '', destination('preview-pr-7'))).toContain('clusterResourceWhitelist');
    },
  );
});

describe('the checks above refuse a broken policy', () => {
  it('a preview policy whose selector also takes unlabelled namespaces', () => {
    const broken = JSON.parse(JSON.stringify(preview())) as Json;
    broken.spec.matchConstraints.namespaceSelector = { matchExpressions: [{ key: previewLabel, operator: 'NotIn', values: ['false'] }] };
    expect(validateAgainstPolicyCrd(broken)).toEqual([]);
    expect(applies(broken, 'shop')).toBe(true);
  });

  it('an identity field the CRD does not know', () => {
    const broken = JSON.parse(JSON.stringify(preview())) as Json;
    broken.spec.attestors[0].cosign.keyless.identities[0] = { issuer: 'https://token.actions.githubusercontent.com', subjectRegex: '.*' };
    expect(validateAgainstPolicyCrd(broken).map(({ field, kind }) => ({ field, kind }))).toEqual([
      { field: 'spec.attestors[0].cosign.keyless.identities[0].subjectRegex', kind: 'unknown-field' },
    ]);
  });

  it('a regexp outside the syntax RE2 and ECMAScript read alike', () => {
    expect('^https://github\\.com/a/b@refs/pull/\\d+/merge$').not.toMatch(commonSyntax);
    expect('^(?i)https://github\\.com/a/b$').not.toMatch(commonSyntax);
  });
});
