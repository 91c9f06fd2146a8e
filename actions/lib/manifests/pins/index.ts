/**
 * The pin styles, one module each, and where in a document each applies:
 * - `kustomize-images.ts`: a kustomization's `images:` (and Argo CD `kustomize.images` overrides)
 * - `argocd-application.ts`: an Argo CD Application's sources (Helm parameters, values, kustomize images)
 * - `values-walk.ts` over everything else: `values-map.ts` maps and `image-string.ts` `image:` keys
 * Merge keys (`merge-keys.ts`) and the tag-and-digest pair (`tag-and-digest.ts`) are shared by styles.
 */
import { basename } from 'node:path';
import { isMap } from 'yaml';
import type { YAMLMap } from 'yaml';
import type { EditableYaml } from '../yaml-edit.ts';
import { textOf } from '../yaml-edit.ts';
import { isArgoApplication, pinArgoApplication } from './argocd-application.ts';
import { pinKustomizationImages } from './kustomize-images.ts';
import { PinFile, child } from './pin-file.ts';
import type { PinSite } from './pin-types.ts';
import { walkValues } from './values-walk.ts';

/** A document-level pin style: whether it reads a document, how, and whether it walks the whole document itself. */
interface DocumentStyle {
  applies(document: { kind: string | undefined; apiVersion: string; kustomizationFile: boolean }): boolean;
  collect(file: PinFile, root: YAMLMap): void;
  /** True when the style walks the rest of the document as values itself. */
  walksDocument: boolean;
}

const documentStyles: readonly DocumentStyle[] = [
  {
    applies: ({ kind, kustomizationFile }) => kind === 'Kustomization' || (kustomizationFile && kind === undefined),
    collect: pinKustomizationImages,
    walksDocument: false,
  },
  { applies: ({ kind, apiVersion }) => isArgoApplication(kind, apiVersion), collect: pinArgoApplication, walksDocument: true },
];

function collectDocument(file: PinFile, root: YAMLMap, kustomizationFile: boolean): void {
  const facts = { kind: textOf(child(root, 'kind')), apiVersion: textOf(child(root, 'apiVersion')) ?? '', kustomizationFile };
  let walked = false;
  for (const style of documentStyles) {
    if (!style.applies(facts)) continue;
    style.collect(file, root);
    walked ||= style.walksDocument;
  }
  if (!walked) walkValues(file, root, undefined);
}

/** Every pin of one YAML text, in document order, each with its rewrite. */
export function collectSites(yaml: EditableYaml): PinSite[] {
  const file = new PinFile(yaml);
  const kustomizationFile = /^kustomization\.ya?ml$/i.test(basename(yaml.file));
  for (const document of yaml.documents) {
    const root = document.contents;
    if (isMap(root)) collectDocument(file, root, kustomizationFile);
    else walkValues(file, root, undefined);
  }
  return file.sites;
}
