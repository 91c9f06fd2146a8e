/**
 * Pin style `image-string`: a key `image` whose value is a full reference (workload containers, Helm
 * values). The same rewrite serves every scalar that holds one whole reference (Argo CD Helm
 * parameters `X.image`, Argo CD `kustomize.images` overrides).
 */
import type { Scalar } from 'yaml';
import { formatImageReference, tryParseImageReference } from '../../release/image-reference.ts';
import { textOf } from '../yaml-edit.ts';
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
  if (!reference) return;
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

/** An `image:` value (a workload container's, or a Helm values key). */
export function pinImageString(file: PinFile, node: Scalar, context: SourceContext | undefined): void {
  const text = textOf(node);
  if (text === undefined) return;
  pinReferenceScalar(file, { node, reference: text, style: 'image-string', label: 'image' }, context);
}
