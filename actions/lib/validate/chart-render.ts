/**
 * Renders (and lints) a chart the way Argo CD renders it for an Application — `helm template`
 * with the value files, then the inline values, then the parameters — with the real helm binary.
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
  /** `--include-crds` (Argo CD passes it unless the source sets helm.skipCrds). */
  includeCrds?: boolean;
  skipTests?: boolean;
  /** `--api-versions`: the cluster's API groups; extraApiVersions when not given or empty. */
  apiVersions?: string[];
  kubeVersion?: string;
}

export type RenderResult = { ok: true; manifest: string } | { ok: false; error: string };

/** API groups the cluster serves besides the built-in ones (CRDs installed by the platform). */
export const extraApiVersions = ['monitoring.coreos.com/v1', 'postgresql.cnpg.io/v1', 'argoproj.io/v1alpha1'];

export function helmTemplateArguments(request: RenderRequest, inlineFiles: string[]): string[] {
  const args = ['template', request.releaseName, request.chartDir, '--namespace', request.namespace || 'default'];
  for (const version of request.apiVersions?.length ? request.apiVersions : extraApiVersions) args.push('--api-versions', version);
  for (const file of [...request.valueFiles, ...inlineFiles]) args.push('--values', file);
  for (const parameter of request.parameters)
    args.push(parameter.forceString ? '--set-string' : '--set', `${parameter.name}=${parameter.value}`);
  if (request.includeCrds) args.push('--include-crds');
  if (request.skipTests) args.push('--skip-tests');
  if (request.kubeVersion) args.push('--kube-version', request.kubeVersion);
  return args;
}

/** `helm lint --strict` with the same values: the [WARNING]/[ERROR] lines, empty when clean. */
export async function lintChart(helm: string, request: RenderRequest): Promise<string[]> {
  return withInlineFiles(request, (inlineFiles) => {
    const args = ['lint', request.chartDir, '--strict', '--namespace', request.namespace || 'default'];
    for (const file of [...request.valueFiles, ...inlineFiles]) args.push('--values', file);
    for (const parameter of request.parameters)
      args.push(parameter.forceString ? '--set-string' : '--set', `${parameter.name}=${parameter.value}`);
    return new Promise<string[]>((resolve) => {
      execFile(helm, args, { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        const problems = `${stdout}\n${stderr}`
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => /^\[(WARNING|ERROR)\]/.test(line));
        if (error && problems.length === 0)
          problems.push(`helm lint failed: ${(stderr || error.message).trim().split('\n').slice(-1)[0] ?? ''}`);
        resolve(problems);
      });
    });
  });
}

async function withInlineFiles<T>(request: RenderRequest, use: (files: string[]) => Promise<T>): Promise<T> {
  const scratch = await mkdtemp(join(tmpdir(), 'slipway-render-'));
  try {
    const inlineFiles: string[] = [];
    for (const [index, values] of request.inlineValues.entries()) {
      const file = join(scratch, `inline-${index}.yaml`);
      await writeFile(file, typeof values === 'string' ? values : stringify(values));
      inlineFiles.push(file);
    }
    return await use(inlineFiles);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

export async function renderChart(helm: string, request: RenderRequest, timeoutMs = 120_000): Promise<RenderResult> {
  return withInlineFiles(
    request,
    (inlineFiles) =>
      new Promise<RenderResult>((resolve) => {
        execFile(
          helm,
          helmTemplateArguments(request, inlineFiles),
          { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
          (error, stdout, stderr) => {
            if (error?.killed) resolve({ ok: false, error: `helm template did not finish within ${timeoutMs / 1000} s` });
            else if (error) resolve({ ok: false, error: (stderr || error.message).trim().split('\n').slice(-3).join(' ') });
            else resolve({ ok: true, manifest: stdout });
          },
        );
      }),
  );
}
