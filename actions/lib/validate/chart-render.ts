/**
 * Renders a chart the way Argo CD does for an Application — `helm template` with the value
 * files, then the inline values, then the parameters — using the real helm binary.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';

export interface RenderRequest {
  chartDir: string;
  releaseName: string;
  namespace: string;
  valueFiles: string[];
  /** Inline values: a YAML text (helm.values) or an object (helm.valuesObject). */
  inlineValues: unknown[];
  parameters: { name: string; value: string; forceString: boolean }[];
}

export type RenderResult = { ok: true; manifest: string } | { ok: false; error: string };

/** API groups the cluster serves besides the built-in ones (CRDs installed by the platform). */
export const extraApiVersions = ['monitoring.coreos.com/v1', 'postgresql.cnpg.io/v1', 'argoproj.io/v1alpha1'];

export function helmTemplateArguments(request: RenderRequest, inlineFiles: string[]): string[] {
  const args = ['template', request.releaseName, request.chartDir, '--namespace', request.namespace || 'default'];
  for (const version of extraApiVersions) args.push('--api-versions', version);
  for (const file of [...request.valueFiles, ...inlineFiles]) args.push('--values', file);
  for (const parameter of request.parameters) args.push(parameter.forceString ? '--set-string' : '--set', `${parameter.name}=${parameter.value}`);
  return args;
}

export async function renderChart(helm: string, request: RenderRequest): Promise<RenderResult> {
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-render-'));
  try {
    const inlineFiles: string[] = [];
    for (const [index, values] of request.inlineValues.entries()) {
      const file = join(scratch, `inline-${index}.yaml`);
      await writeFile(file, typeof values === 'string' ? values : stringify(values));
      inlineFiles.push(file);
    }
    return await new Promise<RenderResult>((resolve) => {
      execFile(helm, helmTemplateArguments(request, inlineFiles), { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) resolve({ ok: false, error: (stderr || error.message).trim().split('\n').slice(-3).join(' ') });
        else resolve({ ok: true, manifest: stdout });
      });
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
