/**
 * What the admission tests read from the GitOps tree: the Applications of an environment, the
 * admission policy rendered the way Argo CD renders it (the real helm), the policy-controller's
 * values, the platform's namespaces, and the upstream facts recorded under upstream/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { findHelm } from '../../../actions/lib/helm-binary.ts';
import { parseImageReference } from '../../../actions/lib/image-reference.ts';
import { renderChart } from '../../../actions/lib/validate/chart-render.ts';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const gitops = new URL('../../', import.meta.url).pathname;
export const repository = join(gitops, '..');
export const environments = ['dev', 'prod'] as const;
export type Environment = (typeof environments)[number];

export const readYaml = (path: string): Json => parse(readFileSync(join(gitops, path), 'utf8')) as Json;
export const readYamlDocuments = (path: string): Json[] => parseAllDocuments(readFileSync(join(gitops, path), 'utf8')).map((doc) => doc.toJS() as Json);
export const upstream = (file: string): Json => JSON.parse(readFileSync(join(gitops, 'test/admission/upstream', file), 'utf8')) as Json;

export const application = (environment: Environment, name: string): Json => readYaml(`environments/${environment}/platform/${name}.yaml`);

/**
 * The ClusterImagePolicy documents of the admission-policy Application of an environment, rendered
 * with the chart folder, release name, namespace and values files that Application names.
 * `chartDir` renders another copy of the chart with the same Application (for what-if tests).
 */
export async function renderAdmissionPolicy(environment: Environment, chartDir?: string): Promise<Json[]> {
  const app = application(environment, 'admission-policy');
  const source = app.spec.source as Json;
  const dir = chartDir ?? join(repository, source.path as string);
  const valueFiles = ((source.helm?.valueFiles ?? []) as string[]).map((file) => join(dir, file));
  const result = await renderChart(findHelm(), {
    chartDir: dir,
    releaseName: source.helm.releaseName as string,
    namespace: app.spec.destination.namespace as string,
    valueFiles,
    inlineValues: [],
    parameters: [],
  });
  if (!result.ok) throw new Error(`admission-policy (${environment}) does not render: ${result.error}`);
  return parseAllDocuments(result.manifest)
    .map((doc) => doc.toJS() as Json)
    .filter((object) => object?.kind === 'ClusterImagePolicy');
}

/** The policy-controller values an environment's Application gives the chart, merged in order. */
export function policyControllerValues(environment: Environment): Json {
  const app = application(environment, 'policy-controller');
  const files = (app.spec.sources as Json[]).flatMap((source) => (source.helm?.valueFiles ?? []) as string[]);
  return files.map((file) => readYaml(file.replace(/^\$values\/gitops-repo\//, ''))).reduce((merged, values) => deepMerge(merged, values), {});
}

function deepMerge(base: Json, over: Json): Json {
  const merged: Json = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    const bothMaps = [current, value].every((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
    merged[key] = bothMaps ? deepMerge(current as Json, value as Json) : value;
  }
  return merged;
}

/**
 * The platform's namespaces in an environment, as the tree declares them: the destinations of the
 * platform AppProject, the Namespaces it creates, and the cluster's own argocd and kube-system —
 * less the namespaces the shop's project deploys to (the shop's database lives in `shop`).
 */
export function platformNamespaces(environment: Environment): string[] {
  const projects = readYamlDocuments(`environments/${environment}/projects.yaml`);
  const destinations = (name: string) => ((projects.find((p) => p.metadata.name === name)?.spec.destinations ?? []) as Json[]).map((d) => String(d.namespace));
  const folder = join(gitops, 'apps/platform/namespaces');
  const declared = readdirSync(folder)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => readYamlDocuments(`apps/platform/namespaces/${file}`))
    .filter((object) => object?.kind === 'Namespace')
    .map((object) => String(object.metadata.name));
  const shop = new Set(destinations('shop'));
  return [...new Set([...destinations('platform'), ...declared, 'argocd', 'kube-system'])].filter((namespace) => !shop.has(namespace)).sort();
}

/** The image references the shop's service Applications of an environment deploy (repository:tag@digest). */
export function shopImages(environment: Environment): string[] {
  const folder = join(gitops, 'environments', environment, 'services');
  return readdirSync(folder)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) => {
      const image = readYaml(`environments/${environment}/services/${file}`).spec.source.helm.valuesObject.image as Json;
      return `${String(image.repository)}:${String(image.tag)}@${String(image.digest)}`;
    });
}

/**
 * Whether a policy-controller glob matches an image, with the controller's semantics
 * (sigstore/policy-controller v0.13.1, pkg/apis/glob/glob.go): the glob is matched against the
 * reference's full name (Docker Hub defaults filled in; a digest replaces the tag), `*` matches
 * any run of characters but `/`, `**` any run at all. A glob of other characters is refused.
 */
export function policyGlobMatches(pattern: string, image: string, validGlob: RegExp): boolean {
  // The controller reads the two bare globs as Docker Hub's.
  const glob = pattern === '*/*' ? 'index.docker.io/*/*' : pattern === '*' ? 'index.docker.io/library/*' : pattern;
  if (!validGlob.test(glob)) throw new Error(`policy-controller refuses the glob ${JSON.stringify(glob)}: only ${validGlob.source}`);
  const regexp = glob
    .split('**')
    .map((part) => part.replace(/\./g, '\\.').replace(/\*/g, '[^/]*'))
    .join('.*');
  const reference = parseImageReference(image);
  const [first = '', ...rest] = reference.repository.split('/');
  const hasRegistry = rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const repositoryName = hasRegistry ? reference.repository : `index.docker.io/${rest.length > 0 ? '' : 'library/'}${reference.repository}`;
  const name = reference.digest ? `${repositoryName}@${reference.digest}` : `${repositoryName}:${reference.tag ?? 'latest'}`;
  const matcher = new RegExp(`^${regexp}$`);
  // An image written without its registry is also matched as written (a deprecated fallback).
  return matcher.test(name) || (name !== image && matcher.test(image));
}

/**
 * What policy-controller's own webhook would refuse in a ClusterImagePolicy beyond the CRD's schema
 * (recorded in upstream/clusterimagepolicy-v1alpha1.json, webhookRules): the mode, the globs, one
 * kind of authority each, keyless with a URL and identities, each identity with one issuer and one
 * subject, each attestation named and typed, the bundle format only for keyless authorities.
 */
export function webhookRuleProblems(policy: Json, rules: Json): string[] {
  const problems: string[] = [];
  const spec = (policy.spec ?? {}) as Json;
  const modes = rules.modes.values as string[];
  if (spec.mode !== undefined && !modes.includes(spec.mode as string)) problems.push(`spec.mode: ${JSON.stringify(spec.mode)} is not one of ${modes.join(', ')}`);
  const validGlob = new RegExp(rules.glob.pattern as string);
  const images = (spec.images ?? []) as Json[];
  if (images.length === 0) problems.push('spec.images: at least one glob is required');
  images.forEach((image, i) => {
    if (typeof image.glob !== 'string' || !validGlob.test(image.glob)) problems.push(`spec.images[${i}].glob: ${JSON.stringify(image.glob)} is not a glob the controller accepts`);
  });
  const authorities = (spec.authorities ?? []) as Json[];
  if (authorities.length === 0) problems.push('spec.authorities: at least one authority is required');
  authorities.forEach((authority, i) => {
    const at = `spec.authorities[${i}]`;
    const kinds = (rules.authority.oneOf as string[]).filter((kind) => authority[kind] !== undefined);
    if (kinds.length !== 1) problems.push(`${at}: exactly one of ${(rules.authority.oneOf as string[]).join(', ')} (found ${kinds.join(', ') || 'none'})`);
    if (authority.signatureFormat !== undefined && !(rules.signatureFormats.values as string[]).includes(authority.signatureFormat as string)) problems.push(`${at}.signatureFormat: ${JSON.stringify(authority.signatureFormat)} is unknown`);
    if (authority.signatureFormat === 'bundle' && authority.keyless === undefined) problems.push(`${at}: the bundle format needs a keyless authority`);
    const keyless = authority.keyless as Json | undefined;
    if (keyless) {
      if ((rules.keyless.oneOf as string[]).filter((field) => keyless[field] !== undefined).length !== 1) problems.push(`${at}.keyless: exactly one of url, ca-cert`);
      const identities = (keyless.identities ?? []) as Json[];
      if (identities.length === 0) problems.push(`${at}.keyless.identities: at least one identity is required`);
      identities.forEach((identity, j) => {
        for (const pair of [rules.identity.oneOfIssuer, rules.identity.oneOfSubject] as string[][]) {
          if (pair.filter((field) => identity[field]).length !== 1) problems.push(`${at}.keyless.identities[${j}]: exactly one of ${pair.join(', ')}`);
        }
      });
    }
    ((authority.attestations ?? []) as Json[]).forEach((attestation, j) => {
      for (const field of rules.attestation.required as string[]) if (!attestation[field]) problems.push(`${at}.attestations[${j}].${field} is required`);
    });
  });
  return problems;
}

/**
 * Keys of `values` the chart does not define: every key path must be one the chart's values.yaml
 * has, except below a key whose whole value the chart renders as Kubernetes YAML (`passThrough`).
 */
export function unknownValueKeys(values: Json, keys: string[], passThrough: string[], prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (!keys.includes(path)) return [path];
    if (passThrough.includes(path) || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
    return unknownValueKeys(value as Json, keys, passThrough, path);
  });
}
