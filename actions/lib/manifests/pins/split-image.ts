/**
 * Helm values that split an image into `registry:` + `repository:` + `tag:` (+ `digest:` or `sha:`),
 * as Bitnami, kube-prometheus-stack and Grafana charts do. The chart renders
 * `<registry>/<repository>:<tag>`, so that joined name is the repository the runtime pulls.
 *
 * `sha:` is written in the form it already has: kube-prometheus-stack renders
 * `{{ repository }}:{{ tag }}@sha256:{{ sha }}` (prometheus-community/helm-charts,
 * charts/kube-prometheus-stack/templates/prometheus/prometheus.yaml) and so does Grafana's chart
 * (grafana/helm-charts, charts/grafana/templates/_pod.tpl), so their `sha` is bare hex, while other
 * charts render `@{{ sha }}` (prometheus-community/helm-charts, azure-loganalytics-exporter `_helpers.tpl`)
 * and hold `sha256:<hex>`. An empty `sha` says neither, so it is refused.
 */
import { isAlias, isScalar } from 'yaml';
import type { YAMLMap } from 'yaml';
import { isDigest } from '../../release/image-reference.ts';
import { textOf } from '../yaml-edit.ts';
import { effective } from './merge-keys.ts';
import { child, entry } from './pin-file.ts';
import type { PinFile } from './pin-file.ts';
import type { SourceContext } from './pin-types.ts';

/** The registry a values map puts before its repository: none, a host, or a refusal to write the pin. */
export interface SplitRegistry {
  host?: string;
  /** Why the pin must not be written (the registry is shared through an alias), and where. */
  refusal?: { node: unknown; reason: string };
}

/**
 * `global.imageRegistry` of the values holding a pin (an Application's `helm.valuesObject`, else the
 * file's documents): when set, charts render it instead of each image's `registry` (bitnami/charts
 * bitnami/common/templates/_images.tpl `common.images.image`; grafana/helm-charts charts/grafana/templates/_pod.tpl reads
 * `.Values.global.imageRegistry | default .Values.image.registry` the same way).
 */
function globalRegistry(file: PinFile, context: SourceContext | undefined): string | undefined {
  const roots = [
    ...(context ? [child(child(context.source, 'helm'), 'valuesObject')] : []),
    ...file.yaml.documents.map((document) => document.contents),
  ];
  for (const root of roots) {
    const host = textOf(child(child(root, 'global'), 'imageRegistry'));
    if (host) return host;
  }
  return undefined;
}

export function registryOf(file: PinFile, map: YAMLMap, context: SourceContext | undefined): SplitRegistry {
  const found = effective(file, map, 'registry');
  if (!found) return {};
  const global = globalRegistry(file, context);
  if (global) return { host: global };
  const node = found.value;
  if (isAlias(node)) {
    const host = textOf(file.resolveAlias(node));
    return {
      ...(host ? { host } : {}),
      refusal: {
        node,
        reason:
          `the registry of this image is an alias (*${node.source}), so the image it names is decided elsewhere in the file; ` +
          `write the registry here as plain text (registry: ${host ?? '<host>'}) so promotion matches exactly this image`,
      },
    };
  }
  const host = isScalar(node) ? textOf(node) : undefined;
  return host ? { host } : {};
}

/** How a values map's digest key is read and written. */
export interface DigestForm {
  label: 'digest' | 'sha';
  read(text: string): string | undefined;
  write(digest: string): string;
}

const bareHex = /^[a-f0-9]{64}$/;

/** The digest key of a values map (`digest`, else `sha`) and its form; undefined when it has neither. */
export function digestKey(file: PinFile, map: YAMLMap): { value: unknown; form: DigestForm } | undefined {
  const digest = entry(map, 'digest');
  if (digest) return { value: digest.value, form: { label: 'digest', read: (text) => text, write: (value) => value } };
  const sha = entry(map, 'sha');
  if (!sha) return undefined;
  const written = textOf(sha.value) ?? '';
  return {
    value: sha.value,
    form: {
      label: 'sha',
      read: (text) => (isDigest(text) ? text : bareHex.test(text) ? `sha256:${text}` : undefined),
      write: (value) => {
        if (isDigest(written)) return value;
        if (bareHex.test(written)) return value.slice('sha256:'.length);
        return file.fail(
          sha.value,
          `sha is ${written === '' ? 'empty' : `'${written}'`}, and charts differ on its form (kube-prometheus-stack and Grafana want bare hex, others sha256:<hex>); ` +
            `write the current digest once in the form this chart renders, and promotion keeps it current`,
        );
      },
    },
  };
}
