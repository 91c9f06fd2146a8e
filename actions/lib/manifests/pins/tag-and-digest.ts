/** A pin spread over a tag value and a digest value: shared by values maps and Argo CD Helm parameters. */
import { isScalar } from 'yaml';
import { isDigest } from '../../release/image-reference.ts';
import { textOf } from '../yaml-edit.ts';
import { parameterExpression, refuseParameterizedPin } from './generator-parameters.ts';
import type { PinFile } from './pin-file.ts';
import type { PinStyle, SourceContext } from './pin-types.ts';

/** Splits a Helm tag that carries its digest (`v1@sha256:…`), the form used when a chart has no digest value. */
export function splitTag(text: string | undefined): { tag?: string; digest?: string } {
  if (text === undefined) return {};
  const at = text.indexOf('@');
  if (at >= 0 && isDigest(text.slice(at + 1))) return { tag: text.slice(0, at), digest: text.slice(at + 1) };
  return { tag: text };
}

export interface TagAndDigest {
  /** The node the pin's line is read from. */
  anchor: unknown;
  repository: string;
  tagValue: unknown;
  digestValue: unknown;
  style: PinStyle;
  /** How errors name the tag and the digest value. */
  tagLabel: string;
  digestLabel: string;
  /** How the digest value is read and written when it is not `sha256:<hex>` as is (a chart's `sha:`). */
  digestForm?: { read(text: string): string | undefined; write(digest: string): string };
}

/** What a pin merges in with `<<`, and the check to run before rewriting it. */
export interface MergedValues {
  check(): void;
  inheritedTag?: unknown;
  inheritedDigest?: unknown;
}

/** In an ApplicationSet template: a tag or digest set by a generator parameter is refused (true when it is). */
function refusedAsParameter(file: PinFile, pin: TagAndDigest, context: SourceContext): boolean {
  for (const [what, node] of [
    ['tag', pin.tagValue],
    ['digest', pin.digestValue],
  ] as const) {
    const expression = parameterExpression(isScalar(node) ? textOf(node) : undefined);
    if (expression === undefined) continue;
    refuseParameterizedPin(file, { node, style: pin.style, repository: pin.repository, what, expression }, context);
    return true;
  }
  return false;
}

export function pinTagAndDigest(
  file: PinFile,
  pin: TagAndDigest,
  context: SourceContext | undefined,
  merged: MergedValues = { check: () => undefined },
): void {
  const { tagValue, digestValue } = pin;
  if (context?.applicationSet !== undefined && refusedAsParameter(file, pin, context)) return;
  // What the pin reads as: its own values, else those it merges in with << (rewritten at their own pin).
  const readTag = tagValue ?? merged.inheritedTag;
  const readDigest = digestValue ?? merged.inheritedDigest;
  const current = { ...splitTag(isScalar(readTag) ? textOf(readTag) : undefined) };
  const digestText = isScalar(readDigest) ? textOf(readDigest) : undefined;
  const readDigestText = digestText === undefined || digestText === '' ? undefined : (pin.digestForm?.read(digestText) ?? digestText);
  if (readDigestText !== undefined) current.digest = readDigestText;
  const setChart = file.chartSetter(context);
  file.sites.push({
    ...file.base(pin.anchor, pin.style, pin.repository, context),
    ...current,
    apply: (target) => {
      merged.check();
      const tagNode = file.writable(tagValue, pin.tagLabel);
      const digestNode = file.writable(digestValue, pin.digestLabel);
      let changed = false;
      if (digestNode) changed = file.yaml.setScalar(digestNode, pin.digestForm?.write(target.digest) ?? target.digest) || changed;
      if (tagNode)
        changed =
          file.yaml.setScalar(
            tagNode,
            digestNode || merged.inheritedDigest !== undefined ? target.tag : `${target.tag}@${target.digest}`,
          ) || changed;
      const chart = setChart(target.chartRevision);
      return { changed: changed || chart.changed, chartRevisionSet: chart.set };
    },
  });
}
