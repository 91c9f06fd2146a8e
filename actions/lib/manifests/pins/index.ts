/**
 * The pin styles, one module each, and where in a document each applies:
 * - `kustomize-images.ts`: a kustomization's or Kustomize Component's `images:`, a Flux Kustomization's
 *   `spec.images` (and Argo CD `kustomize.images` overrides)
 * - `argocd-application.ts`: an Argo CD Application's sources (Helm parameters, values, kustomize images),
 *   and Argo CD's write-back files (`.argocd-source.yaml`, `.argocd-source-<app>.yaml`)
 * - `argocd-applicationset.ts`: an ApplicationSet's template(s) as Application specs, and the
 *   elements of its list generators as values
 * - `values-walk.ts` over everything else: `values-map.ts` maps and `image-string.ts` `image:` keys
 * Merge keys (`merge-keys.ts`) and the tag-and-digest pair (`tag-and-digest.ts`) are shared by styles.
 */
import { basename } from 'node:path';
import { isMap } from 'yaml';
import type { YAMLMap } from 'yaml';
import type { EditableYaml } from '../yaml-edit.ts';
import { textOf } from '../yaml-edit.ts';
import { argoWriteBackApplication, isArgoApplication, pinArgoApplication, pinArgoWriteBack } from './argocd-application.ts';
import { isArgoApplicationSet, pinArgoApplicationSet } from './argocd-applicationset.ts';
import { isFluxKustomization, isKustomizeFile, pinFluxKustomizationImages, pinKustomizationImages } from './kustomize-images.ts';
import { PinFile, child } from './pin-file.ts';
import type { PinSite } from './pin-types.ts';
import { walkValues } from './values-walk.ts';

/** A document-level pin style: whether it reads a document, how, and whether it walks the whole document itself. */
/** What selects a document's style: its kind and apiVersion, and what the file's name says it is. */
interface DocumentFacts {
  kind: string | undefined;
  apiVersion: string;
  kustomizationFile: boolean;
  /** The file is an Argo CD write-back file: `null` for `.argocd-source.yaml`, else the Application's name. */
  writeBackOf: string | null | undefined;
}

interface DocumentStyle {
  applies(document: DocumentFacts): boolean;
  collect(file: PinFile, root: YAMLMap): void;
  /** True when the style walks the rest of the document as values itself. */
  walksDocument: boolean;
}

const documentStyles: readonly DocumentStyle[] = [
  {
    applies: ({ kind, apiVersion, kustomizationFile }) => isKustomizeFile(kind, apiVersion, kustomizationFile),
    collect: pinKustomizationImages,
    walksDocument: false,
  },
  { applies: ({ kind, apiVersion }) => isFluxKustomization(kind, apiVersion), collect: pinFluxKustomizationImages, walksDocument: false },
  { applies: ({ kind, apiVersion }) => isArgoApplication(kind, apiVersion), collect: pinArgoApplication, walksDocument: true },
  { applies: ({ kind, apiVersion }) => isArgoApplicationSet(kind, apiVersion), collect: pinArgoApplicationSet, walksDocument: true },
  {
    applies: ({ kind, writeBackOf }) => writeBackOf !== undefined && kind === undefined,
    collect: (file, root) => pinArgoWriteBack(file, root, argoWriteBackApplication(basename(file.yaml.file)) ?? undefined),
    walksDocument: true,
  },
];

function collectDocument(file: PinFile, root: YAMLMap, names: Pick<DocumentFacts, 'kustomizationFile' | 'writeBackOf'>): void {
  const facts = { kind: textOf(child(root, 'kind')), apiVersion: textOf(child(root, 'apiVersion')) ?? '', ...names };
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
  const name = basename(yaml.file);
  const names = { kustomizationFile: /^kustomization\.ya?ml$/i.test(name), writeBackOf: argoWriteBackApplication(name) };
  for (const document of yaml.documents) {
    const root = document.contents;
    if (isMap(root)) collectDocument(file, root, names);
    else walkValues(file, root, undefined);
  }
  return file.sites;
}
