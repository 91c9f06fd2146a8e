/**
 * The Applications an Argo CD ApplicationSet makes, rendered from its template with sample
 * parameters, so the tree check can treat them like any other Application. As in argoproj/argo-cd
 * v3.3.8:
 * - generators (pkg/apis/application/v1alpha1/applicationset_types.go): `list` gives its elements
 *   (or `elementsYaml`) as the parameter sets; `pullRequest` gives one set per open pull request —
 *   here the documented sample below (applicationset/generators/pull_request.go names the keys);
 *   other generators read a cluster or an SCM and have no sample here: a finding says so;
 * - templates (applicationset/utils/utils.go, Replace): with `goTemplate` every string of the
 *   template is a Go text/template over the parameters (`missingkey=error` makes a missing one an
 *   error); without it fasttemplate replaces `{{ name }}` by a string parameter and leaves anything
 *   else as written. The validator renders field references (`{{ .number }}`, `{{ .values.x }}`)
 *   and reports any other Go template action as one it cannot render;
 * - RenderTemplateParams adds `resources-finalizer.argocd.argoproj.io` when the template has no
 *   finalizers and `syncPolicy.preserveResourcesOnDeletion` is not true.
 */
import { parse } from 'yaml';
import { record, text } from '../json-values.ts';
import type { Json } from '../json-values.ts';

/** Argo CD's finalizer that deletes an Application's resources with it. */
export const resourcesFinalizer = 'resources-finalizer.argocd.argoproj.io';

/**
 * The parameters a sample pull request gives (every key the v3.3.8 generator sets; `labels` only
 * with goTemplate, as upstream): number 1234 from branch sample/preview-branch into main at head
 * 0123456789abcdef0123456789abcdef01234567, carrying the generator's labels.
 */
export function samplePullRequestParameters(generator: Json, goTemplate: boolean): Json {
  const github = record(generator.github) ?? record(generator.gitlab) ?? record(generator.gitea) ?? {};
  const labels = Array.isArray(github.labels) ? github.labels.map(String) : [];
  const head = '0123456789abcdef0123456789abcdef01234567';
  const parameters: Json = {
    number: '1234',
    title: 'Sample pull request',
    branch: 'sample/preview-branch',
    branch_slug: 'sample-preview-branch',
    target_branch: 'main',
    target_branch_slug: 'main',
    head_sha: head,
    head_short_sha: head.slice(0, 8),
    head_short_sha_7: head.slice(0, 7),
    author: 'sample-author',
  };
  if (goTemplate) parameters.labels = labels;
  return parameters;
}

export interface TemplateProblem {
  /** Field inside the ApplicationSet, e.g. spec.template.metadata.name or spec.generators[0]. */
  field: string;
  message: string;
  fix: string;
}

export interface GeneratedApplication {
  /** The Application as the ApplicationSet controller would create it. */
  application: Json;
  /** Which parameters made it, for findings: "the sample pullRequest parameters", "list element 2". */
  madeFrom: string;
  /** Made from the ApplicationSet's own parameters (a list element), not from a sample: the cluster gets exactly this one. */
  exact: boolean;
}

interface TemplateSettings {
  goTemplate: boolean;
  missingKeyError: boolean;
}

const goReference = /^\s*((?:\.[A-Za-z_][A-Za-z0-9_]*)+)\s*$/;

/** Go's fmt %v of a parameter value (strings as they are, lists as [a b]). */
function goText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goText).join(' ')}]`;
  if (value !== null && typeof value === 'object')
    return `map[${Object.entries(value)
      .map(([k, v]) => `${k}:${goText(v)}`)
      .join(' ')}]`;
  return String(value);
}

function lookupPath(parameters: Json, path: string[]): { found: boolean; value?: unknown } {
  let current: unknown = parameters;
  for (const key of path) {
    const here = record(current);
    if (!here || !(key in here)) return { found: false };
    current = here[key];
  }
  return { found: true, value: current };
}

/** Flattens nested parameters to the dotted keys fasttemplate sees (values.x). */
function flatParameters(parameters: Json, prefix = ''): Map<string, unknown> {
  const flat = new Map<string, unknown>();
  for (const [key, value] of Object.entries(parameters)) {
    const name = `${prefix}${key}`;
    const nested = record(value);
    if (nested) for (const [k, v] of flatParameters(nested, `${name}.`)) flat.set(k, v);
    else flat.set(name, value);
  }
  return flat;
}

/** One template string rendered; throws a TemplateProblem-shaped message when it cannot be. */
function renderString(template: string, parameters: Json, settings: TemplateSettings): string {
  if (!settings.goTemplate) {
    const flat = flatParameters(parameters);
    return template.replace(/\{\{([^}]*)\}\}/g, (whole, tag: string) => {
      const value = flat.get(tag.trim());
      return typeof value === 'string' ? value : whole;
    });
  }
  let out = '';
  let rest = template;
  for (let open = rest.indexOf('{{'); open >= 0; open = rest.indexOf('{{')) {
    const close = rest.indexOf('}}', open);
    if (close < 0) throw new Error(`unclosed action in ${JSON.stringify(template)}`);
    let before = rest.slice(0, open);
    let action = rest.slice(open + 2, close);
    let after = rest.slice(close + 2);
    if (action.startsWith('- ')) [before, action] = [before.trimEnd(), action.slice(1)];
    if (action.endsWith(' -')) [action, after] = [action.slice(0, -1), after.trimStart()];
    const reference = goReference.exec(action);
    if (!reference?.[1])
      throw new Error(`{{${action}}} is not a field reference such as {{ .number }}; the validator renders field references only`);
    const path = reference[1].slice(1).split('.');
    const found = lookupPath(parameters, path);
    if (!found.found && settings.missingKeyError) throw new Error(`map has no entry for key "${path.join('.')}" (missingkey=error)`);
    out += before + (found.found ? goText(found.value) : '<no value>');
    rest = after;
  }
  return out + rest;
}

/** Every string of a value rendered (map keys stay as written, as upstream). */
function renderValue(value: unknown, parameters: Json, settings: TemplateSettings): unknown {
  if (typeof value === 'string') return renderString(value, parameters, settings);
  if (Array.isArray(value)) return value.map((item) => renderValue(item, parameters, settings));
  const object = record(value);
  if (!object) return value;
  return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, renderValue(item, parameters, settings)]));
}

/** The parameter sets of one generator, or the problem that says why there are none here. */
function generatorParameters(
  generator: Json,
  field: string,
  settings: TemplateSettings,
): { sets: { parameters: Json; madeFrom: string; exact: boolean }[] } | TemplateProblem {
  const list = record(generator.list);
  if (list) {
    const elements = Array.isArray(list.elements)
      ? list.elements
      : text(list.elementsYaml)
        ? (parse(String(list.elementsYaml)) as unknown)
        : [];
    if (!Array.isArray(elements))
      return { field: `${field}.list.elementsYaml`, message: 'elementsYaml is not a YAML list', fix: 'give a list of parameter maps' };
    return {
      sets: elements.map((element, index) => ({ parameters: record(element) ?? {}, madeFrom: `list element ${index}`, exact: true })),
    };
  }
  const pullRequest = record(generator.pullRequest);
  if (pullRequest) {
    const parameters = samplePullRequestParameters(pullRequest, settings.goTemplate);
    const values = record(pullRequest.values);
    if (values) parameters.values = renderValue(values, parameters, settings);
    return { sets: [{ parameters, madeFrom: 'the sample pullRequest parameters (pull request 1234)', exact: false }] };
  }
  const kind = Object.keys(generator).find((key) => key !== 'selector' && key !== 'values') ?? '(none)';
  return {
    field,
    message: `the validator has no sample parameters for the ${kind} generator, so it cannot check the Applications it makes`,
    fix: 'use a list or pullRequest generator, or check these Applications another way',
  };
}

/** The Applications an ApplicationSet makes with the sample parameters, and what could not be rendered. */
export function generateApplications(applicationSet: Json): { applications: GeneratedApplication[]; problems: TemplateProblem[] } {
  const spec = record(applicationSet.spec) ?? {};
  const options = Array.isArray(spec.goTemplateOptions) ? spec.goTemplateOptions.map(String) : [];
  const settings: TemplateSettings = { goTemplate: spec.goTemplate === true, missingKeyError: options.includes('missingkey=error') };
  const problems: TemplateProblem[] = [];
  const applications: GeneratedApplication[] = [];
  if (text(spec.templatePatch))
    problems.push({
      field: 'spec.templatePatch',
      message: 'the validator does not apply templatePatch',
      fix: 'write the change into spec.template',
    });
  const template = record(spec.template) ?? {};
  const preserve = record(spec.syncPolicy)?.preserveResourcesOnDeletion === true;
  const generators = Array.isArray(spec.generators) ? spec.generators : [];
  generators.forEach((entry, index) => {
    const field = `spec.generators[${index}]`;
    const result = generatorParameters(record(entry) ?? {}, field, settings);
    if (!('sets' in result)) {
      problems.push(result);
      return;
    }
    for (const { parameters, madeFrom, exact } of result.sets) {
      try {
        const rendered = record(renderValue(template, parameters, settings)) ?? {};
        const metadata: Json = { ...(record(rendered.metadata) ?? {}), namespace: record(applicationSet.metadata)?.namespace ?? 'argocd' };
        const finalizers = Array.isArray(metadata.finalizers) ? metadata.finalizers : [];
        if (finalizers.length === 0 && !preserve) metadata.finalizers = [resourcesFinalizer];
        applications.push({
          application: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata, spec: rendered.spec ?? {} },
          madeFrom,
          exact,
        });
      } catch (error) {
        problems.push({
          field: 'spec.template',
          message: `cannot render the template with ${madeFrom}: ${(error as Error).message}`,
          fix: 'use parameters the generator gives (see the generator documentation of the pinned Argo CD) and plain field references',
        });
      }
    }
  });
  return { applications, problems };
}
