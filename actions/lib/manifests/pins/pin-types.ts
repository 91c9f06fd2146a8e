/** What a pin is, as read and as rewritten: the types every pin style shares. */
import type { YAMLMap } from 'yaml';
import type { PinnedImage } from '../../release/image-reference.ts';

export type PinStyle = 'values-map' | 'image-string' | 'helm-parameters' | 'kustomize-images';

/** One place a file pins an image, as read. */
export interface Pin {
  file: string;
  line: number;
  style: PinStyle;
  repository: string;
  tag?: string;
  digest?: string;
  /** The chart revision (`targetRevision`) of the Argo CD source holding this pin, when there is one. */
  chartRevision?: string;
  /** The Argo CD Application holding this pin, when there is one. */
  application?: string;
}

/** A pinned image to write, with the chart revision to set where the pin sits in an Argo CD source. */
export interface ImageRewrite extends PinnedImage {
  chartRevision?: string;
}

/** What a rewrite did at one pin. */
export interface PinEdit extends Pin {
  /** The repository as the promotion named it; `repository` is the spelling the file uses (e.g. `nginx` for `docker.io/library/nginx`). */
  requested: string;
  to: { tag: string; digest: string; chartRevision?: string };
  changed: boolean;
}

/** What writing one pin did: whether the text changed, and whether a chart revision was set. */
export interface SiteResult {
  changed: boolean;
  chartRevisionSet: boolean;
}

/** A pin as collected: what it reads as, and how to write a new image to it. */
export interface PinSite extends Pin {
  apply(target: ImageRewrite): SiteResult;
}

/** The Argo CD source a pin sits in. */
export interface SourceContext {
  /** The Argo CD source map (`spec.source` or an item of `spec.sources`). */
  source: YAMLMap;
  application?: string;
  /** An Argo CD write-back file (`.argocd-source*.yaml`): the chart revision is the Application's, not set here. */
  writeBack?: boolean;
  /** The source is in an ApplicationSet's template (named here): generator parameters may fill its values. */
  applicationSet?: string;
}
