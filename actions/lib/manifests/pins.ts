/**
 * Image pins: every place a GitOps file fixes which image (and chart revision) runs, in every style
 * Slipway supports, and the lossless rewrite of those places to a new pinned image.
 *
 * Styles:
 * - values-map: a map with `repository` plus `tag` and/or `digest` (Helm values, Argo CD `helm.valuesObject`)
 * - image-string: a key `image` whose value is a full reference (workload containers, Helm values)
 * - helm-parameters: Argo CD `helm.parameters` entries selected by name (`X.repository`/`X.tag`/`X.digest`, `X.image`)
 * - kustomize-images: kustomization `images:` entries (`name`/`newName`, `newTag`, `digest`), and
 *   Argo CD `kustomize.images` overrides (`[old=]repository:tag@digest` strings)
 * Argo CD Applications also pin the chart: the `targetRevision` of the source that holds the image.
 */
import { basename } from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { Document, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { formatImageReference, isDigest, isRepository, tryParseImageReference } from '../release/image-reference.ts';
import type { PinnedImage } from '../release/image-reference.ts';
import { EditableYaml, YamlFileError, defaultYamlLimits, textOf } from './yaml-edit.ts';
import type { YamlLimits } from './yaml-edit.ts';

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
  to: { tag: string; digest: string; chartRevision?: string };
  changed: boolean;
}

interface PinSite extends Pin {
  apply(target: ImageRewrite): { changed: boolean; chartRevisionSet: boolean };
}

function entry(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isPair(pair) && textOf(pair.key) === key) as Pair | undefined;
}

function child(map: unknown, key: string): unknown {
  return isMap(map) ? entry(map, key)?.value : undefined;
}

/** Splits a Helm tag that carries its digest (`v1@sha256:…`), the form used when a chart has no digest value. */
function splitTag(text: string | undefined): { tag?: string; digest?: string } {
  if (text === undefined) return {};
  const at = text.indexOf('@');
  if (at >= 0 && isDigest(text.slice(at + 1))) return { tag: text.slice(0, at), digest: text.slice(at + 1) };
  return { tag: text };
}

interface SourceContext {
  /** The Argo CD source map (`spec.source` or an item of `spec.sources`). */
  source: YAMLMap;
  application?: string;
}

class PinCollector {
  readonly sites: PinSite[] = [];
  /** The document being walked, to resolve the aliases of `<<` merge keys. */
  private document: Document.Parsed | undefined;
  /** Maps merged into other maps with `<<`, and the maps that merge them. */
  private readonly mergedInto = new Map<YAMLMap, YAMLMap[]>();

  constructor(private readonly yaml: EditableYaml) {}

  collectFile(): void {
    const kustomization = /^kustomization\.ya?ml$/i.test(basename(this.yaml.file));
    for (const document of this.yaml.documents) {
      this.document = document;
      const root = document.contents;
      if (!isMap(root)) {
        this.walk(root, undefined);
        continue;
      }
      const kind = textOf(child(root, 'kind'));
      const apiVersion = textOf(child(root, 'apiVersion')) ?? '';
      if (kind === 'Kustomization' || (kustomization && kind === undefined)) this.kustomizeImages(root);
      if (kind === 'Application' && apiVersion.startsWith('argoproj.io/')) this.application(root);
      else this.walk(root, undefined);
    }
  }

  private line(node: unknown): number {
    return this.yaml.lineOfNode(node as Node);
  }

  private fail(node: unknown, reason: string): never {
    throw new YamlFileError(this.yaml.file, this.line(node), reason, this.yaml.within);
  }

  /** A value that promotion writes must be a scalar of its own, never an alias shared with other places. */
  private writable(node: unknown, what: string): Scalar | undefined {
    if (node === undefined || node === null) return undefined;
    if (isAlias(node)) this.fail(node, `${what} is an alias (*${node.source}); promotion would also change every other use of that anchor — pin the value directly`);
    if (!isScalar(node)) this.fail(node, `${what} must be a scalar`);
    if (node.anchor && this.aliased(node)) this.fail(node, `${what} carries the anchor &${node.anchor}, used elsewhere as *${node.anchor}; promotion would change those places too — pin the value directly`);
    return node;
  }

  private aliased(node: Scalar): boolean {
    return this.yaml.documents.some((document) => {
      let found = false;
      visit(document, {
        Alias: (_key, alias) => {
          if (alias.source === node.anchor && alias.resolve(document) === node) found = true;
          return found ? visit.BREAK : undefined;
        },
      });
      return found;
    });
  }

  private application(root: YAMLMap): void {
    const name = textOf(child(child(root, 'metadata'), 'name'));
    for (const pair of root.items) {
      if (textOf(pair.key) !== 'spec' || !isMap(pair.value)) {
        this.walk(pair.value, undefined);
        continue;
      }
      for (const specPair of pair.value.items) {
        const key = textOf(specPair.key);
        if (key === 'source' && isMap(specPair.value)) this.argoSource(specPair.value, name);
        else if (key === 'sources' && isSeq(specPair.value)) {
          for (const source of specPair.value.items) {
            if (isMap(source)) this.argoSource(source, name);
          }
        } else this.walk(specPair.value, undefined);
      }
    }
  }

  private argoSource(source: YAMLMap, application: string | undefined): void {
    const context: SourceContext = { source, ...(application === undefined ? {} : { application }) };
    const helm = child(source, 'helm');
    if (isMap(helm)) {
      const parameters = child(helm, 'parameters');
      if (isSeq(parameters)) this.helmParameters(parameters, context);
      const values = child(helm, 'values');
      if (isScalar(values) && typeof values.value === 'string' && values.value.trim() !== '') {
        const inner = this.yaml.embeddedYaml(values, 'helm.values');
        const collector = new PinCollector(inner);
        for (const document of inner.documents) {
          collector.document = document;
          collector.walk(document.contents, context);
        }
        this.sites.push(...collector.sites);
      }
      this.walk(child(helm, 'valuesObject'), context);
    }
    const kustomizeImages = child(child(source, 'kustomize'), 'images');
    if (isSeq(kustomizeImages)) {
      for (const item of kustomizeImages.items) {
        if (isScalar(item) && typeof item.value === 'string') this.argoKustomizeImage(item, context);
      }
    }
  }

  /** Argo CD `kustomize.images` overrides: `[old-name=]repository[:tag][@digest]` strings. */
  private argoKustomizeImage(node: Scalar, context: SourceContext): void {
    const text = textOf(node) ?? '';
    const equals = text.indexOf('=');
    const prefix = equals >= 0 ? text.slice(0, equals + 1) : '';
    const reference = tryParseImageReference(text.slice(prefix.length));
    if (!reference) return;
    const setChart = this.chartSetter(context);
    this.sites.push({
      ...this.base(node, 'kustomize-images', reference.repository, context),
      ...(reference.tag === undefined ? {} : { tag: reference.tag }),
      ...(reference.digest === undefined ? {} : { digest: reference.digest }),
      apply: (target) => {
        const changed = this.yaml.setScalar(this.writable(node, 'kustomize.images entry') ?? node, `${prefix}${formatImageReference({ repository: reference.repository, tag: target.tag, digest: target.digest })}`);
        const chart = setChart(target.chartRevision);
        return { changed: changed || chart.changed, chartRevisionSet: chart.set };
      },
    });
  }

  private walk(node: unknown, context: SourceContext | undefined): void {
    if (isSeq(node)) {
      for (const item of node.items) this.walk(item, context);
      return;
    }
    if (!isMap(node)) return;
    for (const source of this.mergeSources(node)) this.mergedInto.set(source, [...(this.mergedInto.get(source) ?? []), node]);
    this.valuesMap(node, context);
    for (const pair of node.items) {
      const key = textOf(pair.key);
      if (key === '<<') continue;
      if (key === 'image' && isScalar(pair.value)) {
        if (typeof pair.value.value === 'string') this.imageString(pair.value, context);
      }
      else this.walk(pair.value, context);
    }
  }

  private base(node: unknown, style: PinStyle, repository: string, context: SourceContext | undefined): Pin {
    const chartRevision = context ? textOf(child(context.source, 'targetRevision')) : undefined;
    return {
      file: this.yaml.file,
      line: this.line(node),
      style,
      repository,
      ...(chartRevision === undefined ? {} : { chartRevision }),
      ...(context?.application === undefined ? {} : { application: context.application }),
    };
  }

  /** Sets the chart revision on the Argo CD source holding a pin. */
  private chartSetter(context: SourceContext | undefined): (revision: string | undefined) => { changed: boolean; set: boolean } {
    return (revision) => {
      if (revision === undefined || !context) return { changed: false, set: false };
      const node = this.writable(child(context.source, 'targetRevision'), 'targetRevision');
      if (!node) this.fail(context.source, `the Argo CD source holding this image has no targetRevision to set the chart revision ${revision} on`);
      return { changed: this.yaml.setScalar(node, revision), set: true };
    };
  }

  /** The maps a `<<` merge key brings into `map` (one, or a list; aliases resolved), in merge order. */
  private mergeSources(map: YAMLMap): YAMLMap[] {
    const merge = entry(map, '<<')?.value;
    if (merge === undefined || merge === null) return [];
    const resolve = (node: unknown): unknown => (isAlias(node) && this.document ? node.resolve(this.document) : node);
    return (isSeq(merge) ? merge.items : [merge]).map(resolve).filter((node): node is YAMLMap => isMap(node));
  }

  /** A key's value as YAML merge keys give it: the map's own entry, else the first merged map's (recursively). */
  private effective(map: YAMLMap, key: string, seen: Set<YAMLMap> = new Set()): { value: unknown; holder: YAMLMap } | undefined {
    const own = entry(map, key);
    if (own) return { value: own.value, holder: map };
    seen.add(map);
    for (const source of this.mergeSources(map)) {
      if (seen.has(source)) continue;
      const found = this.effective(source, key, seen);
      if (found) return found;
    }
    return undefined;
  }

  private valuesMap(map: YAMLMap, context: SourceContext | undefined): void {
    const repositoryNode = this.effective(map, 'repository')?.value;
    const repository = textOf(repositoryNode);
    if (repository === undefined || !isRepository(repository)) return;
    const tagEntry = entry(map, 'tag');
    const digestEntry = entry(map, 'digest');
    // A map without a tag or digest of its own is pinned by the map it merges them from.
    if (!tagEntry && !digestEntry) return;
    const anchor = entry(map, 'repository') ? repositoryNode : map;
    this.pinPair(anchor, repository, tagEntry?.value, digestEntry?.value, 'values-map', context, 'tag', 'digest', {
      check: () => this.checkMerges(map, repository),
      ...(tagEntry ? {} : { inheritedTag: this.effective(map, 'tag')?.value }),
      ...(digestEntry ? {} : { inheritedDigest: this.effective(map, 'digest')?.value }),
    });
  }

  /**
   * YAML merge keys share values between maps, so a pin is rewritten only when every map it shares
   * its tag and digest with reads as the same image afterwards: a tag or digest this map merges in
   * must come from a map that pins the same repository (it is rewritten too), and a map that
   * merges this one must not take another repository's image from it.
   */
  private checkMerges(map: YAMLMap, repository: string): void {
    for (const key of ['tag', 'digest']) {
      if (entry(map, key)) continue;
      const inherited = this.effective(map, key);
      if (inherited && textOf(this.effective(inherited.holder, 'repository')?.value) !== repository) {
        this.fail(map, `the image ${repository} takes its ${key} from a map merged in with <<, which pins another image; give this map its own ${key}`);
      }
    }
    for (const dependent of this.mergedInto.get(map) ?? []) {
      if (textOf(this.effective(dependent, 'repository')?.value) === repository) continue;
      const shared = ['tag', 'digest'].filter((key) => entry(map, key) && this.effective(dependent, key)?.holder === map);
      if (shared.length > 0) {
        this.fail(dependent, `this map merges the ${shared.join(' and ')} of ${repository} (line ${this.line(map)}) with << but pins another image; give it its own ${shared.join(' and ')} so promoting ${repository} leaves it alone`);
      }
    }
  }

  /** A pin spread over a tag value and a digest value (values maps and Helm parameters). */
  private pinPair(
    anchor: unknown,
    repository: string,
    tagValue: unknown,
    digestValue: unknown,
    style: PinStyle,
    context: SourceContext | undefined,
    tagLabel: string,
    digestLabel: string,
    merged: { check(): void; inheritedTag?: unknown; inheritedDigest?: unknown } = { check: () => undefined },
  ): void {
    // What the pin reads as: its own values, else those it merges in with << (rewritten at their own pin).
    const readTag = tagValue ?? merged.inheritedTag;
    const readDigest = digestValue ?? merged.inheritedDigest;
    const current = { ...splitTag(isScalar(readTag) ? textOf(readTag) : undefined) };
    const digestText = isScalar(readDigest) ? textOf(readDigest) : undefined;
    if (digestText !== undefined && digestText !== '') current.digest = digestText;
    const setChart = this.chartSetter(context);
    this.sites.push({
      ...this.base(anchor, style, repository, context),
      ...current,
      apply: (target) => {
        merged.check();
        const tagNode = this.writable(tagValue, tagLabel);
        const digestNode = this.writable(digestValue, digestLabel);
        let changed = false;
        if (digestNode) changed = this.yaml.setScalar(digestNode, target.digest) || changed;
        if (tagNode) changed = this.yaml.setScalar(tagNode, digestNode || merged.inheritedDigest !== undefined ? target.tag : `${target.tag}@${target.digest}`) || changed;
        const chart = setChart(target.chartRevision);
        return { changed: changed || chart.changed, chartRevisionSet: chart.set };
      },
    });
  }

  private imageString(node: Scalar, context: SourceContext | undefined, style: PinStyle = 'image-string'): void {
    const text = textOf(node);
    const reference = text === undefined ? undefined : tryParseImageReference(text);
    if (!reference) return;
    const setChart = this.chartSetter(context);
    this.sites.push({
      ...this.base(node, style, reference.repository, context),
      ...(reference.tag === undefined ? {} : { tag: reference.tag }),
      ...(reference.digest === undefined ? {} : { digest: reference.digest }),
      apply: (target) => {
        const changed = this.yaml.setScalar(this.writable(node, style === 'image-string' ? 'image' : 'helm parameter image') ?? node, formatImageReference({ repository: reference.repository, tag: target.tag, digest: target.digest }));
        const chart = setChart(target.chartRevision);
        return { changed: changed || chart.changed, chartRevisionSet: chart.set };
      },
    });
  }

  private helmParameters(parameters: YAMLSeq, context: SourceContext): void {
    const byName = new Map<string, YAMLMap>();
    for (const item of parameters.items) {
      const name = isMap(item) ? textOf(child(item, 'name')) : undefined;
      if (name !== undefined && isMap(item)) byName.set(name, item);
    }
    for (const [name, parameter] of byName) {
      const value = child(parameter, 'value');
      if (name === 'repository' || name.endsWith('.repository')) {
        const repository = textOf(value);
        if (repository === undefined || !isRepository(repository)) continue;
        const prefix = name.slice(0, name.length - 'repository'.length);
        const tag = byName.get(`${prefix}tag`);
        const digest = byName.get(`${prefix}digest`);
        if (!tag && !digest) continue;
        this.pinPair(value, repository, tag ? child(tag, 'value') : undefined, digest ? child(digest, 'value') : undefined, 'helm-parameters', context, `helm parameter ${prefix}tag`, `helm parameter ${prefix}digest`);
      } else if ((name === 'image' || name.endsWith('.image')) && isScalar(value)) {
        this.imageString(value, context, 'helm-parameters');
      }
    }
  }

  private kustomizeImages(root: YAMLMap): void {
    const images = child(root, 'images');
    if (!isSeq(images)) return;
    for (const image of images.items) {
      if (!isMap(image)) continue;
      const name = textOf(child(image, 'name'));
      const newName = textOf(child(image, 'newName'));
      const repository = newName ?? name;
      if (repository === undefined || !isRepository(repository)) continue;
      const newTagNode = child(image, 'newTag');
      const digestNode = child(image, 'digest');
      const tag = textOf(newTagNode);
      const digest = textOf(digestNode);
      this.sites.push({
        ...this.base(image, 'kustomize-images', repository, undefined),
        ...(tag === undefined ? {} : { tag }),
        ...(digest === undefined ? {} : { digest }),
        apply: (target) => {
          const tagScalar = this.writable(newTagNode, 'newTag');
          const digestScalar = this.writable(digestNode, 'digest');
          let changed = false;
          if (tagScalar) changed = this.yaml.setScalar(tagScalar, target.tag) || changed;
          else {
            this.yaml.insertAfter(image, newName === undefined ? 'name' : 'newName', 'newTag', target.tag);
            changed = true;
          }
          if (digestScalar) changed = this.yaml.setScalar(digestScalar, target.digest) || changed;
          else {
            this.yaml.insertAfter(image, 'newTag', 'digest', target.digest);
            changed = true;
          }
          return { changed, chartRevisionSet: false };
        },
      });
    }
  }
}

function collectSites(yaml: EditableYaml): PinSite[] {
  const collector = new PinCollector(yaml);
  collector.collectFile();
  return collector.sites;
}

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
        const target = targets.find((candidate) => candidate.repository === site.repository);
        if (!target) continue;
        const result = site.apply(target);
        if (result.chartRevisionSet) chartRevisionSet.add(target.repository);
        edits.push({
          ...publicPin(site),
          to: { tag: target.tag, digest: target.digest, ...(target.chartRevision === undefined ? {} : { chartRevision: target.chartRevision }) },
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
 * Files without any of the repositories' names are returned untouched without parsing.
 */
export function rewritePins(source: string, file: string, targets: readonly ImageRewrite[], limits: YamlLimits = defaultYamlLimits): FileRewrite {
  const relevant = targets.filter((target) => source.includes(target.repository));
  if (relevant.length === 0) return { text: source, changed: false, edits: [], chartRevisionSet: new Set() };
  return openPins(source, file, limits).rewrite(relevant);
}
