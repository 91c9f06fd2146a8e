/**
 * The Argo CD ApplicationSet walk, after argoproj/argo-cd v3.3.8
 * `pkg/apis/application/v1alpha1/applicationset_types.go`: `spec.template` (ApplicationSetTemplate:
 * `metadata` and an Application `spec`) is pinned like an Application's spec; each of
 * `spec.generators[]` may override the template (`<generator>.template`), matrix and merge
 * generators nest generators (`generators`), and a list generator carries its parameters literally
 * (ListGenerator `elements`, a list of JSON objects): pins written there are read as values.
 * A template pin whose tag or digest comes from a generator parameter is refused; so is one whose
 * repository comes from a list element that spells the image in keys Slipway does not read as a pin.
 */
import { isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { Scalar, YAMLMap } from 'yaml';
import { isRepository, tryParseImageReference } from '../../release/image-reference.ts';
import { textOf } from '../yaml-edit.ts';
import { pinApplicationSpec } from './argocd-application.ts';
import { parameterExpression, parameterPath, refuseParameterizedPin } from './generator-parameters.ts';
import { child } from './pin-file.ts';
import type { PinFile } from './pin-file.ts';
import type { PinStyle } from './pin-types.ts';
import { walkValues } from './values-walk.ts';

export function isArgoApplicationSet(kind: string | undefined, apiVersion: string): boolean {
  return kind === 'ApplicationSet' && apiVersion.startsWith('argoproj.io/');
}

interface GeneratorParts {
  /** Application specs of the template and of every generator's template override. */
  specs: YAMLMap[];
  /** The elements of every list generator. */
  elements: YAMLMap[];
}

function collectGenerators(generators: unknown, parts: GeneratorParts): void {
  if (!isSeq(generators)) return;
  for (const generator of generators.items) {
    if (!isMap(generator)) continue;
    for (const pair of generator.items) {
      const body = pair.value;
      const spec = child(child(body, 'template'), 'spec');
      if (isMap(spec)) parts.specs.push(spec);
      const elements = child(body, 'elements');
      if (isSeq(elements)) parts.elements.push(...elements.items.filter((item) => isMap(item)));
      collectGenerators(child(body, 'generators'), parts);
    }
  }
}

/** The style a template value would pin with, when it sits where an image is pinned. */
function pinPosition(path: readonly unknown[]): PinStyle | undefined {
  const parent = path[path.length - 1];
  if (isSeq(parent)) {
    const owner = path[path.length - 2];
    return isPair(owner) && textOf(owner.key) === 'images' ? 'kustomize-images' : undefined;
  }
  if (!isPair(parent)) return undefined;
  const key = textOf(parent.key);
  if (key === 'image') return 'image-string';
  if (key === 'repository') return 'values-map';
  const name = key === 'value' ? textOf(child(path[path.length - 2], 'name')) : undefined;
  return name !== undefined && /(^|\.)(repository|image)$/.test(name) ? 'helm-parameters' : undefined;
}

/** The repository a list element's value names, when it is a repository or an image reference. */
function repositoryIn(node: unknown): string | undefined {
  const text = isScalar(node) ? textOf(node) : undefined;
  if (text === undefined) return undefined;
  return isRepository(text) ? text : tryParseImageReference(text)?.repository;
}

function valueAt(element: YAMLMap, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => child(node, key), element);
}

/**
 * Template values whose repository is a generator parameter that a list element sets outside any
 * pin (say `repo:` and `tag:` keys): promotion could neither see the tag nor edit it safely.
 */
function refuseElementParameters(
  file: PinFile,
  spec: YAMLMap,
  elements: readonly YAMLMap[],
  pinnedLines: ReadonlySet<number>,
  name: string,
): void {
  const sources = [child(spec, 'source'), ...(isSeq(child(spec, 'sources')) ? (child(spec, 'sources') as { items: unknown[] }).items : [])];
  for (const source of sources) {
    if (!isMap(source)) continue;
    visit(source, {
      Scalar: (_key, node: Scalar, path) => {
        const expression = parameterExpression(textOf(node));
        const style = expression === undefined ? undefined : pinPosition(path);
        const parameter = expression === undefined ? undefined : parameterPath(expression);
        if (expression === undefined || style === undefined || parameter === undefined) return;
        for (const element of elements) {
          const value = valueAt(element, parameter);
          const repository = repositoryIn(value);
          if (repository === undefined || pinnedLines.has(file.line(value))) continue;
          const setAt = `by the list element at line ${file.line(element)}, key ${parameter.join('.')}`;
          refuseParameterizedPin(
            file,
            { node, style, repository, what: 'image repository', expression, setAt },
            { source, applicationSet: name },
          );
        }
      },
    });
  }
}

export function pinArgoApplicationSet(file: PinFile, root: YAMLMap): void {
  const name = textOf(child(child(root, 'metadata'), 'name')) ?? '';
  const spec = child(root, 'spec');
  if (!isMap(spec)) return;
  const parts: GeneratorParts = { specs: [], elements: [] };
  const templateSpec = child(child(spec, 'template'), 'spec');
  if (isMap(templateSpec)) parts.specs.push(templateSpec);
  collectGenerators(child(spec, 'generators'), parts);
  const first = file.sites.length;
  for (const element of parts.elements) walkValues(file, element, undefined);
  const pinnedLines = new Set(file.sites.slice(first).map((site) => site.line));
  for (const templated of parts.specs) {
    pinApplicationSpec(file, templated, { applicationSet: name });
    refuseElementParameters(file, templated, parts.elements, pinnedLines, name);
  }
}
