/**
 * The preview of a synthetic pull request on the kind cluster: the previews ApplicationSet's
 * pull-request generator (which needs GitHub) replaced by a list generator with one element holding
 * every parameter the pull-request generator gives (argoproj/argo-cd v3.3.8,
 * applicationset/generators/pull_request.go), so Argo CD's own ApplicationSet controller renders
 * the same template; the preview's images pointed at the kind registry (its host, with the preview
 * repository's path previews.yaml names: <prefix>/preview/<service>, where cluster-e2e.yml pushes
 * the pr-1 images), and its shop values given the overlay's serviceValues (ingress-nginx, kind's pod
 * network). A pure function over the prepared tree; prepare-preview.ts is the shell.
 */
import { isSeq } from 'yaml';
import { parsePinnedImage } from '../../actions/lib/release/image-reference.ts';
import { edit, KindOverlayError, mergeInto } from './kind-overlay.ts';
import type { KindOverlay } from './kind-overlay.ts';

export const previewsFile = 'environments/dev/previews.yaml';
export const previewValuesFile = 'apps/preview/shop-values.yaml';

export interface SyntheticPullRequest {
  /** The pull request's number, e.g. "1". */
  number: string;
  /** The commit of the served tree the preview deploys (a full SHA Argo CD can fetch). */
  head: string;
  /** Service name → repository:tag@sha256:… of the image just built (its repository is used). */
  images: Record<string, string>;
}

/** Every parameter the v3.3.8 pull-request generator sets (labels: goTemplate only, as upstream). */
export function pullRequestParameters(pull: SyntheticPullRequest): Record<string, unknown> {
  if (!/^[1-9][0-9]*$/.test(pull.number)) throw new KindOverlayError(`--number ${pull.number}: give a pull request number such as 1`);
  if (!/^[0-9a-f]{40}$/.test(pull.head)) throw new KindOverlayError(`--head ${pull.head}: give the full commit SHA of the served tree`);
  return {
    number: pull.number,
    title: 'Cluster end-to-end preview',
    branch: 'cluster-e2e/preview',
    branch_slug: 'cluster-e2e-preview',
    target_branch: 'main',
    target_branch_slug: 'main',
    head_sha: pull.head,
    head_short_sha: pull.head.slice(0, 8),
    head_short_sha_7: pull.head.slice(0, 7),
    author: 'cluster-e2e',
    labels: ['preview'],
  };
}

/** The tree with the previews ApplicationSet made to generate the synthetic pull request's preview. */
export function applySyntheticPreview(
  tree: ReadonlyMap<string, string>,
  overlay: KindOverlay,
  pull: SyntheticPullRequest,
): Map<string, string> {
  const result = new Map(tree);
  const parameters = pullRequestParameters(pull);
  const services = new Set<string>();
  const changed = edit(tree, previewsFile, (set) => {
    if (set.get('kind') !== 'ApplicationSet')
      throw new KindOverlayError(`${previewsFile}: the first document is not the previews ApplicationSet`);
    set.setIn(['spec', 'generators'], [{ list: { elements: [parameters] } }]);
    const sources = set.getIn(['spec', 'template', 'spec', 'sources'], true);
    if (!isSeq(sources)) throw new KindOverlayError(`${previewsFile}: spec.template.spec.sources is not a list`);
    sources.items.forEach((_, index) => {
      const helm = ['spec', 'template', 'spec', 'sources', index, 'helm'];
      const service = set.getIn([...helm, 'valuesObject', 'service']);
      if (typeof service !== 'string') return;
      const reference = pull.images[service];
      if (reference === undefined)
        throw new KindOverlayError(`images: no image for the preview's ${service}; build it and pass service=repository:tag@sha256:…`);
      const built = parsePinnedImage(reference, `images (${service})`).repository;
      const parameters = set.getIn([...helm, 'parameters']) as { toJSON(): unknown } | undefined;
      const committed = ((parameters?.toJSON() ?? []) as { name?: string; value?: unknown }[]).find(
        (parameter) => parameter.name === 'image.repository',
      )?.value;
      if (typeof committed !== 'string' || !committed.includes('/'))
        throw new KindOverlayError(`${previewsFile}: the ${service} source sets no image.repository parameter (<registry>/<path>)`);
      const repository = `${built.slice(0, built.indexOf('/'))}${committed.slice(committed.indexOf('/'))}`;
      set.setIn([...helm, 'parameters'], [{ name: 'image.repository', value: repository }]);
      services.add(service);
    });
  });
  if (services.size === 0) throw new KindOverlayError(`${previewsFile}: no source of the template deploys a service of the shop chart`);
  result.set(previewsFile, changed);
  result.set(
    previewValuesFile,
    edit(result, previewValuesFile, (values) => mergeInto(values, [], overlay.serviceValues)),
  );
  return result;
}
