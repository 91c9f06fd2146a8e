/**
 * Image pins: every place a GitOps file fixes which image (and chart revision) runs, in every style
 * Slipway supports, and the lossless rewrite of those places to a new pinned image.
 *
 * Styles (one module each under `pins/`, registered in `pins/index.ts`):
 * - values-map: a map with `repository` plus `tag` and/or `digest` (Helm values, Argo CD `helm.valuesObject`),
 *   optionally split with `registry` and `sha` (`pins/split-image.ts`)
 * - image-string: a key `image` whose value is a full reference (workload containers, Helm values)
 * - helm-parameters: Argo CD `helm.parameters` entries selected by name (`X.repository`/`X.tag`/`X.digest`, `X.image`)
 * - kustomize-images: kustomization `images:` entries (`name`/`newName`, `newTag`, `digest`), and
 *   Argo CD `kustomize.images` overrides (`[old=]repository:tag@digest` strings)
 * Argo CD Applications also pin the chart: the `targetRevision` of the source that holds the image.
 * Argo CD ApplicationSets are read through their templates and list generator elements; a pin there whose
 * value comes from a generator parameter is refused (`pins/argocd-applicationset.ts`).
 */
import { repositoryBaseName, sameRepository } from '../release/image-reference.ts';
import { collectSites } from './pins/index.ts';
import type { ImageRewrite, Pin, PinEdit, PinSite } from './pins/pin-types.ts';
import { EditableYaml, defaultYamlLimits } from './yaml-edit.ts';
import type { YamlLimits } from './yaml-edit.ts';

export type { ImageRewrite, Pin, PinEdit, PinStyle } from './pins/pin-types.ts';

function publicPin(site: PinSite): Pin {
  const { apply: _apply, ...pin } = site;
  return pin;
}

/** Every image pin in one file's text. Throws YamlFileError for unreadable or hostile YAML. */
export function readPins(source: string, file: string, limits: YamlLimits = defaultYamlLimits): Pin[] {
  return collectSites(EditableYaml.parse(source, file, limits)).map(publicPin);
}

export interface FileRewrite {
  text: string;
  changed: boolean;
  edits: PinEdit[];
  /** Repositories whose chart revision was set at least once in this file. */
  chartRevisionSet: Set<string>;
}

/** One parsed file: its pins, and a rewrite that reuses the same parse. */
export interface PinnedFile {
  pins: Pin[];
  /** Rewrites the pins of the given repositories; call at most once. */
  rewrite(targets: readonly ImageRewrite[]): FileRewrite;
}

export function openPins(source: string, file: string, limits: YamlLimits = defaultYamlLimits): PinnedFile {
  const yaml = EditableYaml.parse(source, file, limits);
  const sites = collectSites(yaml);
  return {
    pins: sites.map(publicPin),
    rewrite(targets) {
      const edits: PinEdit[] = [];
      const chartRevisionSet = new Set<string>();
      for (const site of sites) {
        // One repository, however spelled (Docker Hub's `nginx` is `docker.io/library/nginx`).
        const target = targets.find((candidate) => sameRepository(candidate.repository, site.repository));
        if (!target) continue;
        const result = site.apply(target);
        if (result.chartRevisionSet) chartRevisionSet.add(target.repository);
        edits.push({
          ...publicPin(site),
          requested: target.repository,
          to: {
            tag: target.tag,
            digest: target.digest,
            ...(target.chartRevision === undefined ? {} : { chartRevision: target.chartRevision }),
          },
          changed: result.changed,
        });
      }
      const text = yaml.toString();
      return { text, changed: text !== source, edits, chartRevisionSet };
    },
  };
}

/**
 * Rewrites every pin of the given repositories in one file's text. Pure: text in, text out.
 * Files without any of the repositories' names (their last path component, present in every
 * spelling and in split `registry` + `repository` values) are returned untouched without parsing.
 */
export function rewritePins(
  source: string,
  file: string,
  targets: readonly ImageRewrite[],
  limits: YamlLimits = defaultYamlLimits,
): FileRewrite {
  const relevant = targets.filter((target) => source.includes(repositoryBaseName(target.repository)));
  if (relevant.length === 0) return { text: source, changed: false, edits: [], chartRevisionSet: new Set() };
  return openPins(source, file, limits).rewrite(relevant);
}
