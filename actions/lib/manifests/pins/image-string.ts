/**
 * Pin style `image-string`: a key `image` whose value is a full reference (workload containers, Helm
 * values). The same rewrite serves every scalar that holds one whole reference (Argo CD Helm
 * parameters `X.image`, Argo CD `kustomize.images` overrides).
 */
import type { Scalar } from 'yaml';
import { formatImageReference, isRepository, tryParseImageReference } from '../../release/image-reference.ts';
import { textOf } from '../yaml-edit.ts';
import { parameterExpression, refuseParameterizedPin } from './generator-parameters.ts';
import type { PinFile } from './pin-file.ts';
import type { PinStyle, SourceContext } from './pin-types.ts';

/** A scalar holding one image reference, written back as `prefix` + the new reference. */
export interface ReferenceScalar {
  node: Scalar;
  /** The reference as written, without `prefix`. */
  reference: string;
  style: PinStyle;
  /** How errors name the value. */
  label: string;
  /** Text kept before the reference (`old-name=` in a `kustomize.images` override). */
  prefix?: string;
}

export function pinReferenceScalar(file: PinFile, pin: ReferenceScalar, context: SourceContext | undefined): void {
  const reference = tryParseImageReference(pin.reference);
  if (!reference) {
    if (context?.applicationSet !== undefined) refuseParameterizedReference(file, pin, context);
    return;
  }
  const { node, prefix = '' } = pin;
  const setChart = file.chartSetter(context);
  file.sites.push({
    ...file.base(node, pin.style, reference.repository, context),
    ...(reference.tag === undefined ? {} : { tag: reference.tag }),
    ...(reference.digest === undefined ? {} : { digest: reference.digest }),
    apply: (target) => {
      const changed = file.yaml.setScalar(
        file.writable(node, pin.label) ?? node,
        `${prefix}${formatImageReference({ repository: reference.repository, tag: target.tag, digest: target.digest })}`,
      );
      const chart = setChart(target.chartRevision);
      return { changed: changed || chart.changed, chartRevisionSet: chart.set };
    },
  });
}

/**
 * In an ApplicationSet template, a reference whose tag or digest is a generator parameter
 * (`registry.example.com/shop/search:{{tag}}`) is refused; one whose repository is a parameter
 * names no repository here (the ApplicationSet style looks for it in the generator's elements).
 */
function refuseParameterizedReference(file: PinFile, pin: ReferenceScalar, context: SourceContext): void {
  const expression = parameterExpression(pin.reference);
  if (expression === undefined) return;
  const before = pin.reference.slice(0, pin.reference.indexOf(expression));
  const separator = before.slice(-1);
  const written = before.slice(0, -1);
  const repository = separator === ':' ? written : separator === '@' ? tryParseImageReference(written)?.repository : undefined;
  if (repository === undefined || !isRepository(repository)) return;
  const what = separator === ':' ? 'tag' : 'digest';
  refuseParameterizedPin(file, { node: pin.node, style: pin.style, repository, what, expression }, context);
}

/** An `image:` value (a workload container's, or a Helm values key). */
export function pinImageString(file: PinFile, node: Scalar, context: SourceContext | undefined): void {
  const text = textOf(node);
  if (text === undefined) return;
  pinReferenceScalar(file, { node, reference: text, style: 'image-string', label: 'image' }, context);
}
