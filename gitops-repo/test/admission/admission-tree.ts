/**
 * What the admission tests read from the GitOps tree: the Applications of an environment, the
 * admission policy rendered the way Argo CD renders it (the real helm), Kyverno's values, the
 * platform's namespaces, and the upstream facts recorded under upstream/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { generateApplications } from '../../../actions/lib/validate/argo/application-set.ts';
import { crdValidator } from '../../../actions/lib/validate/crd-schema.ts';
import { findHelm } from '../../../actions/lib/validate/helm-binary.ts';
import { renderChart } from '../../../actions/lib/validate/chart-render.ts';

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const gitops = new URL('../../', import.meta.url).pathname;
export const repository = join(gitops, '..');
export const environments = ['dev', 'prod'] as const;
export type Environment = (typeof environments)[number];

export const readYaml = (path: string): Json => parse(readFileSync(join(gitops, path), 'utf8')) as Json;
export const readYamlDocuments = (path: string): Json[] =>
  parseAllDocuments(readFileSync(join(gitops, path), 'utf8')).map((doc) => doc.toJS() as Json);
export const upstream = (file: string): Json => JSON.parse(readFileSync(join(gitops, 'test/admission/upstream', file), 'utf8')) as Json;

/** The ImageValidatingPolicy CRD version recorded from Kyverno v1.19.0, and a validator of objects against its schema. */
export const policyCrd = upstream('imagevalidatingpolicy-v1.json').crd as Json;
export const validateAgainstPolicyCrd = crdValidator(
  policyCrd.openAPIV3Schema as Json,
  `${String(policyCrd.group)}/${String(policyCrd.version)} ${String(policyCrd.kind)}`,
);

export const application = (environment: Environment, name: string): Json => readYaml(`environments/${environment}/platform/${name}.yaml`);

/**
 * The ImageValidatingPolicy documents of the admission-policy Application of an environment, rendered
 * with the chart folder, release name, namespace and values files that Application names.
 * `chartDir` renders another copy of the chart with the same Application (for what-if tests).
 */
export async function renderAdmissionPolicy(environment: Environment, chartDir?: string): Promise<Json[]> {
  const app = application(environment, 'admission-policy');
  const source = app.spec.source as Json;
  const dir = chartDir ?? join(repository, source.path as string);
  const valueFiles = ((source.helm?.valueFiles ?? []) as string[]).map((file) => join(dir, file));
  const objects = await renderedDocuments(`admission-policy (${environment})`, {
    chartDir: dir,
    releaseName: source.helm.releaseName as string,
    namespace: app.spec.destination.namespace as string,
    valueFiles,
    inlineValues: [],
    parameters: [],
  });
  return objects.filter((object) => object.kind === 'ImageValidatingPolicy');
}

/** The documents of a chart rendered with the real helm (empty ones left out); an error naming `what` if it does not render. */
async function renderedDocuments(what: string, request: Parameters<typeof renderChart>[1]): Promise<Json[]> {
  const result = await renderChart(findHelm(), request);
  if (!result.ok) throw new Error(`${what} does not render: ${result.error}`);
  return parseAllDocuments(result.manifest)
    .map((doc) => doc.toJS() as Json)
    .filter((object) => object !== null);
}

/** The policy of that name among the rendered ones; an error naming the names rendered if none. */
export function policyNamed(policies: Json[], name: string): Json {
  const policy = policies.find((candidate) => candidate.metadata?.name === name);
  if (!policy) throw new Error(`no ImageValidatingPolicy ${name} (rendered: ${policies.map((p) => String(p.metadata?.name)).join(', ')})`);
  return policy;
}

/** The Application the previews ApplicationSet (environments/dev/previews.yaml) makes for the validator's sample pull request. */
function samplePreview(): Json {
  const applicationSet = readYamlDocuments('environments/dev/previews.yaml').find((object) => object?.kind === 'ApplicationSet') as Json;
  const { applications, problems } = generateApplications(applicationSet);
  const app = applications[0]?.application as Json | undefined;
  if (problems.length > 0 || !app) throw new Error(`the previews ApplicationSet does not generate: ${JSON.stringify(problems)}`);
  return app;
}

/**
 * The image each service of a preview runs, by service: the image.repository parameter and the
 * image.tag of the previews ApplicationSet's shop sources, for the validator's sample pull request.
 * The repository is the service's preview repository (infra-repo/modules/ecr, <prefix>/preview/<service>).
 */
export function previewImages(): Record<string, { repository: string; tag: string }> {
  const shop = (samplePreview().spec.sources as Json[]).filter((source) => source.helm?.valuesObject?.service !== undefined);
  return Object.fromEntries(
    shop.map((source) => [
      String(source.helm.valuesObject.service),
      {
        repository: String((source.helm.parameters as Json[]).find((parameter) => parameter.name === 'image.repository')?.value),
        tag: String(source.helm.valuesObject.image.tag),
      },
    ]),
  );
}

/**
 * The objects of a preview's namespace chart, rendered the way the previews ApplicationSet
 * (environments/dev/previews.yaml) renders them for the sample pull request the validator uses
 * (its pull-request generator's documented parameters).
 */
export async function renderPreviewNamespace(): Promise<{ destination: string; objects: Json[] }> {
  const app = samplePreview();
  const source = (app.spec.sources as Json[]).find((candidate) => candidate.path === 'gitops-repo/apps/preview/namespace') as Json;
  const destination = String(app.spec.destination.namespace);
  const objects = await renderedDocuments('the preview namespace chart', {
    chartDir: join(repository, source.path as string),
    releaseName: source.helm.releaseName as string,
    namespace: destination,
    valueFiles: [],
    inlineValues: [source.helm.valuesObject],
    parameters: [],
  });
  return { destination, objects };
}

/**
 * Every Namespace object written as YAML in the GitOps tree (chart templates are not YAML and are
 * rendered by the tests that read them), with the file it is in.
 */
export function declaredNamespaces(): { file: string; namespace: Json }[] {
  const files = (folder: string): string[] =>
    readdirSync(join(gitops, folder)).flatMap((entry) => {
      const path = folder ? `${folder}/${entry}` : entry;
      if (statSync(join(gitops, path)).isDirectory()) return entry === 'templates' || entry === 'node_modules' ? [] : files(path);
      return /\.ya?ml$/.test(entry) ? [path] : [];
    });
  return files('').flatMap((file) =>
    readYamlDocuments(file)
      .filter((object) => object?.kind === 'Namespace')
      .map((namespace) => ({ file, namespace })),
  );
}

/** The Kyverno values an environment's Application gives the chart, merged in order. */
export function kyvernoValues(environment: Environment): Json {
  const app = application(environment, 'kyverno');
  const files = (app.spec.sources as Json[]).flatMap((source) => (source.helm?.valueFiles ?? []) as string[]);
  return files
    .map((file) => readYaml(file.replace(/^\$values\/gitops-repo\//, '')))
    .reduce((merged, values) => deepMerge(merged, values), {});
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
  const destinations = (name: string) =>
    ((projects.find((p) => p.metadata.name === name)?.spec.destinations ?? []) as Json[]).map((d) => String(d.namespace));
  const folder = join(gitops, 'apps/platform/namespaces');
  const declared = readdirSync(folder)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => readYamlDocuments(`apps/platform/namespaces/${file}`))
    .filter((object) => object?.kind === 'Namespace')
    .map((object) => String(object.metadata.name));
  const shop = new Set(destinations('shop'));
  return [...new Set([...destinations('platform'), ...declared, 'argocd', 'kube-system'])]
    .filter((namespace) => !shop.has(namespace))
    .sort();
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
 * Whether a Kyverno image glob matches an image (kyverno/kyverno v1.19.0: github.com/gobwas/glob
 * compiled without separators, matched against the image as the pod spec writes it): `*` matches
 * any run of characters, `/` included, `?` one character. Character classes and alternatives are
 * refused here: the policy does not use them.
 */
export function kyvernoGlobMatches(glob: string, image: string): boolean {
  if (/[[\]{}\\]/.test(glob)) throw new Error(`glob ${JSON.stringify(glob)}: only * and ? are supported here`);
  const pattern = glob
    .split('')
    .map((character) => (character === '*' ? '.*' : character === '?' ? '.' : character.replace(/[.+^$()|]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`, 's').test(image);
}

/**
 * What would make the policy fail at admission although its schema is right: no image to match,
 * a glob that is not one, or a validation expression naming an attestation or attestor the policy
 * does not declare (CEL reads them as attestations.<name> and attestors.<name>).
 */
export function policyRuleProblems(policy: Json): string[] {
  const problems: string[] = [];
  const spec = (policy.spec ?? {}) as Json;
  const images = (spec.matchImageReferences ?? []) as Json[];
  if (images.length === 0) problems.push('spec.matchImageReferences: at least one is required, or every image of every pod is checked');
  images.forEach((image, i) => {
    if (typeof image.glob !== 'string' || image.glob === '' || /[[\]{}\\\s]/.test(image.glob))
      problems.push(`spec.matchImageReferences[${i}].glob: ${JSON.stringify(image.glob)} is not a plain glob`);
  });
  const declared = {
    attestations: ((spec.attestations ?? []) as Json[]).map((entry) => String(entry.name)),
    attestors: ((spec.attestors ?? []) as Json[]).map((entry) => String(entry.name)),
  };
  for (const [kind, names] of Object.entries(declared)) {
    if (new Set(names).size !== names.length) problems.push(`spec.${kind}: names must be unique (${names.join(', ')})`);
  }
  const validations = (spec.validations ?? []) as Json[];
  if (validations.length === 0) problems.push('spec.validations: at least one is required');
  validations.forEach((validation, i) => {
    for (const [, kind, name] of String(validation.expression).matchAll(/\b(attestations|attestors)\.([A-Za-z_][\w]*)/g)) {
      if (!declared[kind as keyof typeof declared].includes(name ?? ''))
        problems.push(`spec.validations[${i}].expression: ${kind}.${String(name)} is not declared`);
    }
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
