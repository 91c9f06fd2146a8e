/**
 * The kind overlay: which changes turn a copy of the GitOps tree into one Argo CD on a CI runner can
 * deploy — the upstream repository URL replaced by the runner's git server, the platform Applications
 * that only work on AWS left out (each with its reason), the service Applications pointed at the
 * images just built. A pure function over the tree's files; it works on a throwaway copy, so it
 * re-serialises the YAML it edits.
 */
import { isMap, parse, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { parsePinnedImage } from '../../actions/lib/release/image-reference.ts';

export interface KindOverlay {
  environment: string;
  /** Platform Application (environments/<env>/platform/<name>.yaml) → why kind cannot run it. */
  dropPlatform: Record<string, string>;
  /** Platform Application the kind run needs → what for (kept: refused if missing or also dropped). */
  keepPlatform: Record<string, string>;
  dropFiles: string[];
  patches: Record<string, Record<string, unknown>>;
  serviceValues: Record<string, unknown>;
}

export interface KindOverlayOptions {
  /** Where Argo CD on kind fetches the prepared tree, e.g. git://172.18.0.1/slipway.git. */
  repoUrl: string;
  /** Service name → repository:tag@sha256:… of the image just built. */
  images: Record<string, string>;
}

export class KindOverlayError extends Error {
  override name = 'KindOverlayError';
}

type Tree = ReadonlyMap<string, string>;

/** Parses and checks overlay.yaml. */
export function parseKindOverlay(text: string, where: string): KindOverlay {
  const value = parse(text) as Partial<KindOverlay> | null;
  const fail = (field: string, what: string): never => {
    throw new KindOverlayError(`${where}: ${field} ${what}`);
  };
  if (!value || typeof value !== 'object') fail('(the document)', 'must be a mapping');
  const overlay = value as Partial<KindOverlay>;
  if (typeof overlay.environment !== 'string' || !/^[a-z0-9-]+$/.test(overlay.environment))
    fail('environment', 'must be an environment name such as dev');
  const dropFiles = overlay.dropFiles ?? [];
  if (!Array.isArray(dropFiles) || !dropFiles.every((item) => typeof item === 'string')) fail('dropFiles', 'must be a list of file names');
  const reasons = (field: 'dropPlatform' | 'keepPlatform', what: string): Record<string, string> => {
    const map = overlay[field] ?? {};
    if (typeof map !== 'object' || Array.isArray(map)) fail(field, `must map each platform Application to ${what}`);
    for (const [name, reason] of Object.entries(map)) {
      if (typeof reason !== 'string' || reason.trim() === '') fail(`${field}.${name}`, `needs a reason: ${what}`);
    }
    return map;
  };
  const dropPlatform = reasons('dropPlatform', 'why kind cannot run it');
  const keepPlatform = reasons('keepPlatform', 'what the kind run needs it for');
  for (const name of Object.keys(keepPlatform))
    if (name in dropPlatform) fail(`keepPlatform.${name}`, 'is also in dropPlatform: keep it or leave it out, not both');
  for (const field of ['patches', 'serviceValues'] as const) {
    const map = overlay[field] ?? {};
    if (typeof map !== 'object' || Array.isArray(map)) fail(field, 'must be a mapping');
  }
  return {
    environment: overlay.environment as string,
    dropPlatform,
    keepPlatform,
    dropFiles,
    patches: overlay.patches ?? {},
    serviceValues: overlay.serviceValues ?? {},
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep-merges `patch` into the mapping at `path` of a YAML document. */
export function mergeInto(document: Document, path: string[], patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const here = [...path, key];
    if (isPlainObject(value) && isMap(document.getIn(here, true))) mergeInto(document, here, value);
    else document.setIn(here, value);
  }
}

/** A file of the tree parsed, changed and serialised again; a missing or broken file is an error naming it. */
export function edit(tree: Tree, file: string, change: (document: Document) => void): string {
  const text = tree.get(file);
  if (text === undefined) throw new KindOverlayError(`${file}: not in the GitOps tree`);
  const document = parseDocument(text);
  if (document.errors.length > 0)
    throw new KindOverlayError(`${file}: not valid YAML: ${document.errors[0]?.message.split('\n')[0] ?? ''}`);
  change(document);
  return document.toString();
}

/**
 * Applies the overlay to a GitOps tree (paths relative to the tree's root, e.g.
 * environments/dev/services/cart.yaml) and returns the new tree.
 */
export function applyKindOverlay(tree: Tree, overlay: KindOverlay, options: KindOverlayOptions): Map<string, string> {
  const env = `environments/${overlay.environment}`;
  const rootFile = `${env}/bootstrap/root.yaml`;
  const root = tree.get(rootFile);
  if (root === undefined) throw new KindOverlayError(`${rootFile}: the ${overlay.environment} root Application is missing`);
  const upstream = (parse(root) as { spec?: { source?: { repoURL?: unknown } } }).spec?.source?.repoURL;
  if (typeof upstream !== 'string' || upstream === '') throw new KindOverlayError(`${rootFile}: spec.source.repoURL is not set`);

  const result = new Map(tree);
  const platform = [...tree.keys()].filter((file) => file.startsWith(`${env}/platform/`) && file.endsWith('.yaml'));
  for (const name of Object.keys(overlay.dropPlatform)) {
    const file = `${env}/platform/${name}.yaml`;
    if (!platform.includes(file))
      throw new KindOverlayError(
        `overlay dropPlatform: ${file} does not exist (there are: ${platform.map((path) => path.slice(env.length + 10, -5)).join(', ')})`,
      );
    result.delete(file);
  }
  for (const name of Object.keys(overlay.keepPlatform)) {
    const file = `${env}/platform/${name}.yaml`;
    if (!platform.includes(file))
      throw new KindOverlayError(
        `overlay keepPlatform: ${file} does not exist, and the kind run needs it (${overlay.keepPlatform[name] ?? ''})`,
      );
  }
  for (const file of overlay.dropFiles) {
    if (!result.delete(file)) throw new KindOverlayError(`overlay dropFiles: ${file} is not in the GitOps tree`);
  }
  for (const [file, patch] of Object.entries(overlay.patches))
    result.set(
      file,
      edit(result, file, (document) => mergeInto(document, [], patch)),
    );

  const serviceFiles = [...result.keys()].filter((file) => file.startsWith(`${env}/services/`) && file.endsWith('.yaml'));
  if (serviceFiles.length === 0) throw new KindOverlayError(`${env}/services/: no service Applications`);
  for (const file of serviceFiles) {
    const service = file.slice(env.length + 10, -5);
    const reference = options.images[service];
    if (reference === undefined)
      throw new KindOverlayError(
        `images: no image for the service ${service} (${file}); build it and pass service=repository:tag@sha256:…`,
      );
    const image = parsePinnedImage(reference, `images (${service})`);
    result.set(
      file,
      edit(result, file, (document) => {
        const values = ['spec', 'source', 'helm', 'valuesObject'];
        if (!isMap(document.getIn(values, true))) throw new KindOverlayError(`${file}: spec.source.helm.valuesObject is missing`);
        mergeInto(document, values, overlay.serviceValues);
        mergeInto(document, values, { image: { repository: image.repository, tag: image.tag, digest: image.digest } });
      }),
    );
  }
  // Only what the kind cluster deploys: the environment's Applications and the shared apps/ tree.
  for (const [file, text] of result) {
    if ((file.startsWith(`${env}/`) || file.startsWith('apps/')) && text.includes(upstream))
      result.set(file, text.split(upstream).join(options.repoUrl));
  }
  return result;
}
