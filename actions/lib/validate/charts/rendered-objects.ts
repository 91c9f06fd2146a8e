/**
 * What a chart render produced, as objects filed under the Application that renders them:
 * parsing `helm template` output, the destination namespace on namespaced objects that name
 * none (as Argo CD applies them), and the project and workload checks on the result. Used for
 * the charts in this checkout and for the charts pulled from repositories.
 */
import { clusterScopedKinds, projectRefusesObject } from '../argo/app-project.ts';
import type { Finding } from '../finding.ts';
import type { WorkloadPolicy } from '../workload-policy.ts';
import { checkWorkloads } from '../workload-policy.ts';
import { parseYaml, yamlLimits } from '../yaml-documents.ts';

type Json = Record<string, unknown>;

/** Where findings about a rendered chart are filed: the Application's file and document. */
export interface RenderWhere {
  file: string;
  document: number;
  /** The Application's source field (spec.source or spec.sources[i]). */
  sourceField: string;
}

/** A YAML document that is a Kubernetes object: a mapping with a string apiVersion and kind. */
export function isKubernetesObject(value: unknown): value is Json {
  return (
    value !== null &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    typeof (value as Json).apiVersion === 'string' &&
    typeof (value as Json).kind === 'string'
  );
}

/** `rendered Kind/name `: the prefix of field paths inside a rendered object. */
export function renderedPrefix(object: Json): string {
  const name = (object.metadata as Json | undefined)?.name;
  return `rendered ${String(object.kind)}/${typeof name === 'string' ? name : '?'} `;
}

/** Largest render parsed: charts shipping big CRDs (kube-prometheus-stack) render several MiB. */
export const maxRenderedBytes = 64 * 1024 * 1024;

/** The objects of a render (namespaced ones without a namespace get `namespace`), and YAML problems. */
export function renderedObjects(manifest: string, namespace: string, where: RenderWhere): { objects: Json[]; findings: Finding[] } {
  const parsed = parseYaml(`${where.file} (rendered)`, manifest, { ...yamlLimits, maxBytes: maxRenderedBytes });
  const findings = parsed.findings.map((finding) => ({
    ...finding,
    file: where.file,
    document: where.document,
    field: `${where.sourceField}.helm`,
  }));
  const objects = parsed.documents.map((doc) => doc.value).filter(isKubernetesObject);
  for (const object of objects) {
    const metadata = (object.metadata as Json | undefined) ?? {};
    if (typeof metadata.namespace !== 'string' && !clusterScopedKinds.has(String(object.kind)))
      object.metadata = { ...metadata, namespace };
  }
  return { objects, findings };
}

/** Rendered objects the Application's project does not allow. */
export function projectFindings(project: Json | undefined, application: Json, objects: Json[], where: RenderWhere): Finding[] {
  if (!project) return [];
  const destination = ((application.spec as Json | undefined)?.destination as Json | undefined) ?? {};
  return objects.flatMap((object) => {
    const refusal = projectRefusesObject(project, object, String((object.metadata as Json).namespace ?? ''), destination);
    return refusal
      ? [
          {
            file: where.file,
            document: where.document,
            field: `${renderedPrefix(object)}kind`,
            rule: 'project',
            message: refusal,
            fix: 'allow the kind in the project or stop rendering it',
          },
        ]
      : [];
  });
}

/** The workload policy on rendered objects. */
export function renderedWorkloadFindings(objects: Json[], where: RenderWhere, policy?: WorkloadPolicy): Finding[] {
  return checkWorkloads(objects, policy).map((problem) => ({
    file: where.file,
    document: where.document,
    field: `${renderedPrefix(objects[problem.object] ?? {})}${problem.field}`,
    rule: problem.rule,
    message: problem.message,
    fix: problem.fix,
  }));
}
