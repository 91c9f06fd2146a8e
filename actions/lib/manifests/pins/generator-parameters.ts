/**
 * ApplicationSet generator parameters in a template. Argo CD renders a template with the parameters
 * of each generated Application between `{{` and `}}` in both template modes (fasttemplate, and Go
 * templates with `goTemplate: true`): argoproj/argo-cd v3.3.8 `applicationset/utils/utils.go`
 * (isTemplatedRegex `.*{{.*}}.*`, `fasttemplate.NewTemplate(tmpl, "{{", "}}")`). A pin whose value
 * comes from a parameter is set by the generator, once for many Applications: it is refused.
 */
import type { PinFile } from './pin-file.ts';
import type { PinStyle, SourceContext } from './pin-types.ts';

const expressionPattern = /\{\{[\s\S]*?\}\}/g;

/** The first generator parameter expression in a text, or undefined when it has none. */
export function parameterExpression(text: string | undefined): string | undefined {
  return text?.match(expressionPattern)?.[0];
}

/**
 * The parameter a simple expression names (`{{name}}`, `{{ .image.tag }}`, `{{- .x -}}`), as a path
 * of keys; undefined for an expression that computes its value (a pipeline, a function call).
 */
export function parameterPath(expression: string): string[] | undefined {
  const match = /^\{\{-?\s*\.?([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*-?\}\}$/.exec(expression);
  return match?.[1]?.split('.');
}

export interface ParameterizedPin {
  node: unknown;
  style: PinStyle;
  repository: string;
  /** What of the image the parameter sets (`tag`, `digest`, `image repository`). */
  what: string;
  expression: string;
  /** Where the generator sets the value, when it can be seen (a list generator element). */
  setAt?: string;
}

/** A pin of an ApplicationSet that promotion refuses to write, naming file, line and what to do. */
export function refuseParameterizedPin(file: PinFile, pin: ParameterizedPin, context: SourceContext | undefined): void {
  const reason =
    `ApplicationSet ${context?.applicationSet ?? ''}: the ${pin.what} of ${pin.repository} comes from the generator parameter ` +
    `${pin.expression}${pin.setAt ? ` (set ${pin.setAt})` : ''}; one template serves every generated Application, so promotion ` +
    `cannot edit it here — pin the image in the list generator's element (image: ${pin.repository}:<tag>@<digest>, or a map ` +
    'with repository, tag and digest) or in the values file instead. Nothing was written';
  file.sites.push({
    ...file.base(pin.node, pin.style, pin.repository, context),
    apply: () => file.fail(pin.node, reason),
  });
}
