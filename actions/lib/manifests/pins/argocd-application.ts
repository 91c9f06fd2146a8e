/**
 * The Argo CD walk: an Application's `spec.source` / `spec.sources[]`, where each source may pin
 * images through `helm.parameters`, a `helm.values` string (YAML inside a scalar), `helm.valuesObject`
 * and `kustomize.images`. Every pin found there also pins the chart: the source's `targetRevision`.
 * The rest of the Application is walked as plain values.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import { textOf } from '../yaml-edit.ts';
import { pinHelmParameters } from './helm-parameters.ts';
import { pinArgoKustomizeImage } from './kustomize-images.ts';
import { PinFile, child } from './pin-file.ts';
import type { SourceContext } from './pin-types.ts';
import { walkValues } from './values-walk.ts';

export function isArgoApplication(kind: string | undefined, apiVersion: string): boolean {
  return kind === 'Application' && apiVersion.startsWith('argoproj.io/');
}

/** Pins in a `helm.values` string: its YAML is opened for editing in place and walked as values. */
function pinHelmValuesString(file: PinFile, values: unknown, context: SourceContext): void {
  if (!isScalar(values) || typeof values.value !== 'string' || values.value.trim() === '') return;
  const inner = new PinFile(file.yaml.embeddedYaml(values, 'helm.values'));
  for (const document of inner.yaml.documents) walkValues(inner, document.contents, context);
  file.sites.push(...inner.sites);
}

/** What a source belongs to: its Application, a write-back file, an ApplicationSet's template. */
export type SourceOwner = Omit<SourceContext, 'source'>;

function pinArgoSource(file: PinFile, source: YAMLMap, owner: SourceOwner): void {
  const context: SourceContext = { source, ...owner };
  const helm = child(source, 'helm');
  if (isMap(helm)) {
    const parameters = child(helm, 'parameters');
    if (isSeq(parameters)) pinHelmParameters(file, parameters, context);
    pinHelmValuesString(file, child(helm, 'values'), context);
    walkValues(file, child(helm, 'valuesObject'), context);
  }
  const kustomizeImages = child(child(source, 'kustomize'), 'images');
  if (isSeq(kustomizeImages)) {
    for (const item of kustomizeImages.items) {
      if (isScalar(item) && typeof item.value === 'string') pinArgoKustomizeImage(file, item, context);
    }
  }
}

/** An Application spec (an Application's, or an ApplicationSet template's): its sources, the rest walked as values. */
export function pinApplicationSpec(file: PinFile, spec: YAMLMap, owner: SourceOwner): void {
  for (const specPair of spec.items) {
    const key = textOf(specPair.key);
    if (key === 'source' && isMap(specPair.value)) pinArgoSource(file, specPair.value, owner);
    else if (key === 'sources' && isSeq(specPair.value)) {
      for (const source of specPair.value.items) {
        if (isMap(source)) pinArgoSource(file, source, owner);
      }
    } else walkValues(file, specPair.value, undefined);
  }
}

export function pinArgoApplication(file: PinFile, root: YAMLMap): void {
  const name = textOf(child(child(root, 'metadata'), 'name'));
  for (const pair of root.items) {
    if (textOf(pair.key) === 'spec' && isMap(pair.value))
      pinApplicationSpec(file, pair.value, name === undefined ? {} : { application: name });
    else walkValues(file, pair.value, undefined);
  }
}

/**
 * The Application a write-back file overrides: `.argocd-source-<app>.yaml` names it (with apps in any
 * namespace, `<namespace>_<app>`), `.argocd-source.yaml` applies to every Application of its path (null);
 * undefined for any other file name. Argo CD v3.3.8 `reposerver/repository/repository.go`
 * (repoSourceFile, appSourceFile) and `docs/user-guide/parameters.md` "Store Overrides In Git".
 */
export function argoWriteBackApplication(fileName: string): string | null | undefined {
  if (fileName === '.argocd-source.yaml') return null;
  const match = /^\.argocd-source-(.+)\.yaml$/.exec(fileName);
  return match ? match[1] : undefined;
}

/**
 * An Argo CD write-back file: an ApplicationSource patch (`helm`, `kustomize`…) that Argo CD merges
 * over the Application's source (`mergeSourceParameters`). Its pins are read as that source's; the
 * chart revision stays in the Application.
 */
export function pinArgoWriteBack(file: PinFile, root: YAMLMap, application: string | undefined): void {
  pinArgoSource(file, root, { ...(application === undefined ? {} : { application }), writeBack: true });
}
