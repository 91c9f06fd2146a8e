/**
 * Findings for values keys a chart from a repository does not define (values-keys.ts has the
 * rule), filed where the key is written: a values file of the tree (its path and the key), an
 * Application's valuesObject / values, or one of its parameters.
 */
import { readFileSync } from 'node:fs';
import type { RemoteChartSource } from '../argo-tree.ts';
import type { Finding } from '../finding.ts';
import { parseYaml } from '../yaml-documents.ts';
import { chartDefinitions, parameterAsValues, unknownValueKeys } from './values-keys.ts';

function joinField(parent: string, key: string): string {
  return key.startsWith('[') ? `${parent}${key}` : `${parent}.${key}`;
}

/** Unknown keys in the values the tree gives one chart; `display` turns a file path into its display path. */
export function valueKeyFindings(chart: RemoteChartSource, chartDir: string, display: (absolute: string) => string): Finding[] {
  const definitions = chartDefinitions(chartDir);
  const application = chart.application;
  const name = String((application.object.metadata as Record<string, unknown> | undefined)?.name ?? '');
  const chartName = `${chart.chart.chart} ${chart.chart.version}`;
  const finding = (file: string, document: number, field: string, key: string): Finding => ({
    file,
    document,
    field,
    rule: 'unknown-value',
    message: `values key ${key} given to chart ${chartName} by Application ${name} (${application.file}) is not defined in the chart's values.yaml: Helm ignores it`,
    fix: `fix the key against the values.yaml of chart ${chartName}, or remove it`,
  });
  const findings: Finding[] = [];
  for (const file of chart.valueFiles) {
    if (!file.inTree) continue;
    const shown = display(file.inTree);
    const parsed = parseYaml(shown, readFileSync(file.inTree, 'utf8'));
    for (const doc of parsed.documents)
      for (const key of unknownValueKeys(definitions, doc.value)) findings.push(finding(shown, doc.index, key, key));
  }
  if (chart.inline) {
    const value =
      typeof chart.inline.value === 'string' ? parseYaml(application.file, chart.inline.value).documents[0]?.value : chart.inline.value;
    for (const key of unknownValueKeys(definitions, value))
      findings.push(finding(application.file, application.document, joinField(chart.inline.field, key), key));
  }
  chart.parameters.forEach((parameter, index) => {
    for (const key of unknownValueKeys(definitions, parameterAsValues(parameter.name))) {
      findings.push(finding(application.file, application.document, `${chart.sourceField}.helm.parameters[${index}].name`, key));
    }
  });
  return findings;
}
