/**
 * The cluster check of the admission policy on kind (kind-admission-check.ts runs it): the
 * policy of each mode, rendered from the real chart and values, is pointed at one unattested image
 * of the kind registry; a Pod with that image is then created with a server-side dry run in the
 * shop namespace. In audit mode it must be admitted; in enforce mode it must be refused by
 * Kyverno's webhook, naming the policy. Then dev's two policies (release and preview), both turned
 * to Deny, show which one Kyverno applies where: in `shop` only the release policy may answer, in a
 * namespace labelled as a preview only the preview policy (their namespaceSelectors). Pure
 * functions; the script does the calls.
 */
import { parseImageReference } from '../../../actions/lib/release/image-reference.ts';
import type { Environment, Json } from './admission-tree.ts';

export type Mode = 'audit' | 'enforce';

/** The release policy's name (templates/image-validating-policy.yaml): the one the check tries in `shop`. */
export const releasePolicyName = 'shop-build-provenance';

/** The preview policy's name (templates/preview-image-validating-policy.yaml), rendered in dev only. */
export const previewPolicyName = 'preview-build-provenance';

/** The label the preview namespace chart sets (apps/preview/namespace) and the preview policy selects on. */
export const previewNamespaceLabel = 'slipway.dev/preview';

/** The namespace the selection check creates, labelled as a preview's. */
export const previewCheckNamespace = 'kind-admission-preview';

/** The environment whose admission-policy Application runs each mode: the check renders the policy as it does. */
export const environmentOfMode: Record<Mode, Environment> = { audit: 'dev', enforce: 'prod' };

/** Which values file of the admission-policy chart gives each mode (that environment's Application names it). */
export const valuesFileOfMode: Record<Mode, string> = { audit: 'values-dev.yaml', enforce: 'values-prod.yaml' };

export class KindAdmissionError extends Error {
  override name = 'KindAdmissionError';
}

/**
 * The image to try, `host:port/repository@sha256:…`. Kyverno reads a registry over plain HTTP only
 * at a private or loopback address (go-containerregistry's name.Registry.Scheme), so the kind
 * registry is given by its address on the kind network, e.g. 172.18.0.2:5000.
 */
export function parseCheckImage(text: string): { repository: string; digest: string; registryPort: number } {
  const reference = parseImageReference(text, '--image');
  if (!reference.digest || reference.tag) throw new KindAdmissionError(`--image: give repository@sha256:… without a tag (got ${text})`);
  const host = reference.repository.split('/')[0] ?? '';
  const port = /^(?:10\.\d+|127\.\d+|172\.(?:1[6-9]|2\d|3[01])|192\.168)\.\d+\.\d+:(\d+)$/.exec(host)?.[1];
  if (!port)
    throw new KindAdmissionError(
      `--image: the registry must be a private IPv4 address with a port (the kind registry on the kind network), not ${host}`,
    );
  return { repository: reference.repository, digest: reference.digest, registryPort: Number(port) };
}

/** The validation actions each mode renders (apps/platform/admission-policy/templates). */
export const actionsOfMode: Record<Mode, string[]> = { audit: ['Audit', 'Warn'], enforce: ['Deny'] };

/** The rendered policy, renamed for the check and matching exactly the image's repository. */
export function checkPolicy(rendered: Json, mode: Mode, repository: string): Json {
  if (rendered.kind !== 'ImageValidatingPolicy')
    throw new KindAdmissionError(`expected an ImageValidatingPolicy, got ${String(rendered.kind)}`);
  const actions = JSON.stringify(rendered.spec?.validationActions);
  if (actions !== JSON.stringify(actionsOfMode[mode]))
    throw new KindAdmissionError(`the ${valuesFileOfMode[mode]} policy has validationActions ${actions}, not those of ${mode}`);
  return pointedAt(rendered, mode, repository);
}

/** A rendered policy as the check applies it: named kind-admission-check-<suffix>, matching only the image's repository, `spec` changed as given. */
function pointedAt(rendered: Json, suffix: string, repository: string, spec: Json = {}): Json {
  return {
    ...rendered,
    metadata: { name: `kind-admission-check-${suffix}` },
    spec: { ...rendered.spec, ...spec, matchImageReferences: [{ glob: `${repository}@*` }] },
  };
}

/**
 * Dev's release and preview policies as the selection check applies them: renamed, matching only the
 * image to try, and refusing (Deny, failurePolicy Fail) so that the answer names the policy that
 * applied; each keeps its own namespaceSelector, which is what the check is about.
 */
export function selectionPolicies(renderedDev: Json[], repository: string): { release: Json; preview: Json } {
  const denying = (name: string): Json => {
    const rendered = renderedDev.find((candidate) => candidate.metadata?.name === name);
    if (!rendered) throw new KindAdmissionError(`dev renders no ImageValidatingPolicy ${name}`);
    if (rendered.spec?.matchConstraints?.namespaceSelector === undefined)
      throw new KindAdmissionError(`dev's ${name} selects no namespaces: the selection check needs its namespaceSelector`);
    return pointedAt(rendered, name, repository, { validationActions: ['Deny'], failurePolicy: 'Fail' });
  };
  return { release: denying(releasePolicyName), preview: denying(previewPolicyName) };
}

/** The namespace a preview's chart would make, as far as the preview policy looks at it (its label). */
export function previewNamespace(): Json {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: previewCheckNamespace, labels: { [previewNamespaceLabel]: 'true' } } };
}

/** Whether the refusal of the dry run in one namespace came from the policy that should apply there, and only from it. */
export function judgeSelection(
  namespace: string,
  result: { code: number; output: string },
  expected: string,
  other: string,
): { ok: boolean; message: string } {
  if (result.code === 0)
    return { ok: false, message: `${namespace}: the unattested image was admitted; ${expected} should have refused it` };
  if (!result.output.includes('denied the request') || !result.output.includes(expected))
    return { ok: false, message: `${namespace}: refused, but not by ${expected}: ${result.output.trim()}` };
  if (result.output.includes(other)) return { ok: false, message: `${namespace}: ${other} answered too: ${result.output.trim()}` };
  return { ok: true, message: `${namespace}: refused by ${expected} only` };
}

/** A Pod that Pod Security "restricted" admits, so only the image policy can refuse it. */
export function unattestedPod(image: string, namespace: string): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'kind-admission-check', namespace },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'unattested',
          image,
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '50m', memory: '32Mi' } },
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

/** On kind only: lets Kyverno reach the kind registry's port (its own policy allows HTTPS). */
export function registryEgressPolicy(port: number): Json {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'kind-allow-registry', namespace: 'kyverno' },
    spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port, protocol: 'TCP' }] }] },
  };
}

/**
 * Whether the dry run came out as the mode demands. Kyverno names the policy in a refusal (and in
 * a warning), which tells the image policy's answer from any other (Pod Security, say).
 */
export function judge(mode: Mode, result: { code: number; output: string }, policyName: string): { ok: boolean; message: string } {
  const named = result.output.includes(policyName);
  if (mode === 'enforce') {
    if (result.code === 0) return { ok: false, message: 'enforce: the unattested image was admitted' };
    if (!result.output.includes('denied the request') || !named)
      return { ok: false, message: `enforce: refused, but not by the image policy: ${result.output.trim()}` };
    return { ok: true, message: 'enforce: the unattested image was refused by the image policy' };
  }
  if (result.code !== 0) return { ok: false, message: `audit: the unattested image was refused: ${result.output.trim()}` };
  return {
    ok: true,
    message: `audit: the unattested image was admitted${/^Warning:/m.test(result.output) && named ? ', with the policy warning' : ''}`,
  };
}
