// The pure part of the kind admission check (kind-admission-check.ts runs it against a cluster in
// the cluster end-to-end job): the check policies come from the real chart and values, the Pod is
// one Pod Security "restricted" admits, and the verdicts tell the image policy's answer from others.
import { beforeAll, describe, expect, it } from 'vitest';
import { validateObject } from '../../../actions/lib/validate/object-schema.ts';
import { selectorMatches } from '../../../actions/lib/validate/workload-policy.ts';
import type { Json } from './admission-tree.ts';
import { application, kyvernoGlobMatches, policyNamed, renderAdmissionPolicy } from './admission-tree.ts';
import {
  checkPolicy,
  environmentOfMode,
  judge,
  judgeSelection,
  parseCheckImage,
  previewCheckNamespace,
  previewNamespace,
  previewPolicyName,
  registryEgressPolicy,
  releasePolicyName,
  selectionPolicies,
  unattestedPod,
  valuesFileOfMode,
} from './kind-admission.ts';

const image = `172.18.0.2:5000/slipway/cart@sha256:${'c'.repeat(64)}`;
const policies = {} as Record<'audit' | 'enforce', Json>;
let devPolicies: Json[];

beforeAll(async () => {
  devPolicies = await renderAdmissionPolicy('dev');
  policies.audit = policyNamed(devPolicies, releasePolicyName);
  policies.enforce = policyNamed(await renderAdmissionPolicy('prod'), releasePolicyName);
});

describe('the kind admission check', () => {
  it('tries each mode with the values file of the environment that runs it', () => {
    expect(environmentOfMode).toEqual({ audit: 'dev', enforce: 'prod' });
    for (const mode of ['audit', 'enforce'] as const)
      expect(application(environmentOfMode[mode], 'admission-policy').spec.source.helm.valueFiles).toEqual([valuesFileOfMode[mode]]);
  });

  it('takes an image of the kind registry by its private address, pinned by digest', () => {
    expect(parseCheckImage(image)).toEqual({
      repository: '172.18.0.2:5000/slipway/cart',
      digest: `sha256:${'c'.repeat(64)}`,
      registryPort: 5000,
    });
    expect(() => parseCheckImage('kind-registry:5000/slipway/cart@sha256:' + 'c'.repeat(64))).toThrow('private IPv4 address');
    expect(() => parseCheckImage(`172.18.0.2:5000/slipway/cart:e2e@sha256:${'c'.repeat(64)}`)).toThrow('without a tag');
  });

  it.each(['audit', 'enforce'] as const)(
    '%s: keeps the real policy (actions, attestors, validations) and matches only the image to try',
    (mode) => {
      const check = checkPolicy(policies[mode], mode, '172.18.0.2:5000/slipway/cart');
      expect(check.metadata).toEqual({ name: `kind-admission-check-${mode}` });
      for (const field of [
        'validationActions',
        'failurePolicy',
        'matchConstraints',
        'attestors',
        'attestations',
        'validations',
        'validationConfigurations',
      ]) {
        expect(check.spec[field], field).toEqual(policies[mode].spec[field]);
      }
      const [glob] = (check.spec.matchImageReferences as Json[]).map((entry) => String(entry.glob));
      expect(kyvernoGlobMatches(String(glob), image)).toBe(true);
      expect(kyvernoGlobMatches(String(glob), `172.18.0.2:5000/slipway/cart-other@sha256:${'c'.repeat(64)}`)).toBe(false);
    },
  );

  it('refuses to check a policy of the wrong mode', () => {
    expect(() => checkPolicy(policies.audit, 'enforce', '172.18.0.2:5000/slipway/cart')).toThrow(
      'values-prod.yaml policy has validationActions ["Audit","Warn"]',
    );
  });

  it('tries a Pod that Pod Security "restricted" admits, and an egress policy the API accepts', async () => {
    const pod = unattestedPod(image, 'shop');
    expect(await validateObject(pod)).toEqual([]);
    expect(await validateObject(registryEgressPolicy(5000))).toEqual([]);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  const name = 'kind-admission-check-enforce';
  const denied = `Error from server: admission webhook "ivpol.validate.kyverno.svc-fail" denied the request: Policy ${name} failed: no SLSA build provenance attestation signed by slipway-dev/slipway/.github/workflows/release.yml at refs/heads/main`;
  it.each([
    ['enforce', { code: 1, output: denied }, true],
    ['enforce', { code: 0, output: 'pod/kind-admission-check created (server dry run)' }, false],
    [
      'enforce',
      {
        code: 1,
        output: 'Error from server (Forbidden): pods "kind-admission-check" is forbidden: violates PodSecurity "restricted:latest"',
      },
      false,
    ],
    ['audit', { code: 0, output: `Warning: Policy ${name} failed\npod/kind-admission-check created (server dry run)` }, true],
    ['audit', { code: 0, output: 'pod/kind-admission-check created (server dry run)' }, true],
    ['audit', { code: 1, output: denied }, false],
  ] as const)('judges %s: %j → %s', (mode, result, ok) => {
    expect(judge(mode, result, name).ok).toBe(ok);
  });

  describe('which policy Kyverno applies where (dev renders the release and the preview policy)', () => {
    it('turns both to refusals for the image to try, each keeping its own namespaceSelector and attestors', () => {
      const { release, preview } = selectionPolicies(devPolicies, '172.18.0.2:5000/slipway/cart');
      for (const [check, name] of [
        [release, releasePolicyName],
        [preview, previewPolicyName],
      ] as const) {
        const rendered = policyNamed(devPolicies, name);
        expect(check.metadata).toEqual({ name: `kind-admission-check-${name}` });
        expect(check.spec).toMatchObject({ validationActions: ['Deny'], failurePolicy: 'Fail' });
        expect(check.spec.matchConstraints).toEqual(rendered.spec.matchConstraints);
        expect(check.spec.attestors).toEqual(rendered.spec.attestors);
        expect(check.spec.validations).toEqual(rendered.spec.validations);
        const [glob] = (check.spec.matchImageReferences as Json[]).map((entry) => String(entry.glob));
        expect(kyvernoGlobMatches(String(glob), image)).toBe(true);
      }
    });

    it('the namespace it creates is selected by the preview policy only, and shop by the release policy only', () => {
      const { release, preview } = selectionPolicies(devPolicies, '172.18.0.2:5000/slipway/cart');
      const namespace = previewNamespace();
      expect(namespace.metadata.name).toBe(previewCheckNamespace);
      const previewLabels = namespace.metadata.labels as Record<string, string>;
      expect(selectorMatches(preview.spec.matchConstraints.namespaceSelector, previewLabels)).toBe(true);
      expect(selectorMatches(release.spec.matchConstraints.namespaceSelector, previewLabels)).toBe(false);
      expect(selectorMatches(preview.spec.matchConstraints.namespaceSelector, {})).toBe(false);
      expect(selectorMatches(release.spec.matchConstraints.namespaceSelector, {})).toBe(true);
    });

    it("refuses a render without the preview policy, or whose release policy selects every namespace (prod's)", async () => {
      const withoutPreview = devPolicies.filter((policy) => policy.metadata?.name !== previewPolicyName);
      expect(() => selectionPolicies(withoutPreview, '172.18.0.2:5000/slipway/cart')).toThrow(
        `dev renders no ImageValidatingPolicy ${previewPolicyName}`,
      );
      const prod = await renderAdmissionPolicy('prod');
      expect(() => selectionPolicies(prod, '172.18.0.2:5000/slipway/cart')).toThrow(`dev's ${releasePolicyName} selects no namespaces`);
    });

    const refusedBy = (policy: string) =>
      `Error from server: admission webhook "ivpol.validate.kyverno.svc-fail" denied the request: Policy ${policy} failed: no SLSA build provenance attestation`;
    const [ours, theirs] = ['kind-admission-check-preview-build-provenance', 'kind-admission-check-shop-build-provenance'];
    it.each([
      [{ code: 1, output: refusedBy(ours) }, true],
      [{ code: 1, output: `${refusedBy(ours)}\n${refusedBy(theirs)}` }, false],
      [{ code: 1, output: refusedBy(theirs) }, false],
      [{ code: 0, output: 'pod/kind-admission-check created (server dry run)' }, false],
    ] as const)('judges the preview namespace: %j → %s', (result, ok) => {
      expect(judgeSelection(previewCheckNamespace, result, ours, theirs).ok).toBe(ok);
    });
  });
});
