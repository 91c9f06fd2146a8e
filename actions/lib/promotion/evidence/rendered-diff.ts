/**
 * The rendered manifest diff of one Application: `helm template` of what the environment runs now
 * and of the proposed Application (the same chart-render.ts and helm-source.ts the validator uses,
 * so the render is Argo CD's: argoproj/argo-cd v3.3.8 `reposerver/repository/repository.go`
 * helmTemplate), compared with `git diff --no-index`. The chart comes from its chart repository
 * (HTTP or OCI, `helm pull` through the chart cache) or, for a Git source, from a local checkout of
 * that repository at the source's targetRevision (read from git objects, no working tree touched) —
 * only when the source's repoURL is the repository of one of the checkouts at hand (compared however
 * the address is written, lib/git/repository-url.ts); a chart of any other repository is not
 * rendered from a checkout that merely has a folder of the same name.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { GitObjectReader } from '../../git/git-objects.ts';
import { sameGitRepository } from '../../git/repository-url.ts';
import { renderChart } from '../../validate/chart-render.ts';
import type { ChartCache } from '../../validate/charts/chart-cache.ts';
import { helmSettingsOf } from '../../validate/charts/helm-source.ts';
import { remoteChartOf } from '../../validate/charts/remote-chart.ts';
import { list, record, text } from '../../validate/json-values.ts';
import type { Json } from '../../validate/json-values.ts';
import { parseYaml } from '../../validate/yaml-documents.ts';

/** A local checkout and the address of the repository it is a checkout of. */
export interface ChartCheckout {
  /** The repository's address (https://github.com/owner/name, or any form repository-url.ts reads). */
  repository: string;
  checkout: string;
}

export interface RenderTools {
  helm: string;
  charts: ChartCache;
  /** The checkouts Git-sourced charts may be read from: this repository's, and the GitOps repository's when separate. */
  chartCheckouts: ChartCheckout[];
  scratch: string;
}

type Rendered = { manifest: string } | { unavailable: string };

/** The Application's one source holding a Helm chart (`spec.source`, or the `spec.sources` entry with `helm`). */
function helmSource(application: Json): { source: Json; field: string } | undefined {
  const spec = record(application.spec) ?? {};
  const single = record(spec.source);
  if (single) return { source: single, field: 'spec.source' };
  const index = list(spec.sources).findIndex((entry) => record(entry)?.helm !== undefined);
  const source = record(list(spec.sources)[index]);
  return source ? { source, field: `spec.sources[${index}]` } : undefined;
}

/** Writes the chart folder at `revision` of the checkout into `destination`; undefined when the revision or folder is not there. */
async function checkoutChart(checkout: string, revision: string, path: string, destination: string): Promise<string | undefined> {
  const objects = new GitObjectReader(checkout);
  try {
    for (const ref of [revision, `origin/${revision}`]) {
      const tree = await objects.read(`${ref}:${path}`).catch(() => undefined);
      if (tree?.type !== 'tree') continue;
      const files = await objects.files(`${ref}:${path}`, '');
      for (const file of files) {
        // Symlinks and submodules are never followed, nor a path that would climb out of the folder.
        if (file.mode === '120000' || file.mode === '160000' || file.path.split('/').includes('..')) continue;
        const blob = await objects.read(file.sha);
        await mkdir(dirname(join(destination, file.path)), { recursive: true });
        await writeFile(join(destination, file.path), blob?.content ?? '');
      }
      return destination;
    }
    return undefined;
  } finally {
    objects.close();
  }
}

async function chartDirOf(source: Json, tools: RenderTools, folder: string): Promise<{ dir: string } | { unavailable: string }> {
  const remote = remoteChartOf(source);
  if (remote) {
    const pulled = await tools.charts.pull(remote);
    return pulled.ok ? { dir: pulled.chartDir } : { unavailable: pulled.message };
  }
  const path = text(source.path);
  if (path === undefined) return { unavailable: 'the source names neither a chart nor a path' };
  const repoURL = text(source.repoURL) ?? '';
  const checkout = tools.chartCheckouts.find((candidate) => sameGitRepository(candidate.repository, repoURL));
  if (!checkout) {
    const known = tools.chartCheckouts.map((candidate) => candidate.repository).join(', ') || 'none';
    return {
      unavailable: `the chart comes from ${repoURL || 'a source without repoURL'}, which is not a repository checked out here (${known}); its chart is not rendered from another repository's files`,
    };
  }
  const revision = text(source.targetRevision) ?? 'HEAD';
  const dir = await checkoutChart(checkout.checkout, revision, path.replace(/^\.\/|\/$/g, ''), folder);
  return dir ? { dir } : { unavailable: `the checkout of ${checkout.repository} has no folder ${path} at ${revision}` };
}

/** `helm template` of one Application as Argo CD renders it. */
async function renderApplication(file: string, applicationText: string, tools: RenderTools, folder: string): Promise<Rendered> {
  const application = record(parseYaml(file, applicationText).documents.find((doc) => record(doc.value)?.kind === 'Application')?.value);
  if (!application) return { unavailable: `${file} holds no Argo CD Application` };
  const found = helmSource(application);
  if (!found) return { unavailable: `${file}: the Application has no Helm source` };
  const helm = record(found.source.helm) ?? {};
  const valueFiles = list(helm.valueFiles).map(String);
  if (valueFiles.some((entry) => entry.startsWith('$') || entry.includes('://')))
    return { unavailable: `${file}: values files from another source (${valueFiles.join(', ')}) are not rendered here` };
  const chart = await chartDirOf(found.source, tools, folder);
  if ('unavailable' in chart) return chart;
  const name = text(record(application.metadata)?.name) ?? 'release';
  const namespace = text(record(record(application.spec)?.destination)?.namespace) ?? 'default';
  const settings = helmSettingsOf(found.source, found.field, name, namespace);
  const rendered = await renderChart(tools.helm, {
    chartDir: chart.dir,
    releaseName: settings.releaseName,
    namespace: settings.namespace,
    valueFiles: valueFiles.map((entry) => join(chart.dir, entry)),
    inlineValues: settings.inline ? [settings.inline.value] : [],
    parameters: settings.parameters,
    includeCrds: settings.includeCrds,
    skipTests: settings.skipTests,
    apiVersions: settings.apiVersions,
    ...(settings.kubeVersion ? { kubeVersion: settings.kubeVersion } : {}),
  });
  return rendered.ok ? { manifest: rendered.manifest } : { unavailable: `helm template of ${file} failed: ${rendered.error}` };
}

/** `git diff --no-index` of two texts, labelled `a/<name>` and `b/<name>`: '' when they are the same. */
async function unifiedDiff(before: string, after: string, name: string, scratch: string): Promise<string> {
  const folder = await mkdtemp(join(scratch, 'diff-'));
  try {
    await mkdir(join(folder, 'now'));
    await mkdir(join(folder, 'proposed'));
    await writeFile(join(folder, 'now', name), before);
    await writeFile(join(folder, 'proposed', name), after);
    return await new Promise((resolve, reject) => {
      const args = ['diff', '--no-index', '--no-color', '--no-ext-diff', '--src-prefix=a/', '--dst-prefix=b/'];
      execFile(
        'git',
        [...args, `now/${name}`, `proposed/${name}`],
        { cwd: folder, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          // Exit 1: the files differ (git diff --no-index implies --exit-code).
          if (error && error.code !== 1) reject(new Error(`git diff --no-index failed: ${stderr.trim() || error.message}`));
          else resolve(stdout.replaceAll(`a/now/${name}`, `a/${name}`).replaceAll(`b/proposed/${name}`, `b/${name}`));
        },
      );
    });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

/** The rendered diff of one Application file, before → after; why not, when it cannot be rendered. */
export async function renderedDiff(
  file: string,
  before: string | undefined,
  after: string,
  tools: RenderTools,
): Promise<{ diff: string } | { unavailable: string }> {
  const folder = await mkdtemp(join(tools.scratch, 'render-'));
  try {
    const now = before === undefined ? { manifest: '' } : await renderApplication(file, before, tools, join(folder, 'now'));
    if ('unavailable' in now) return { unavailable: `what runs now: ${now.unavailable}` };
    const proposed = await renderApplication(file, after, tools, join(folder, 'proposed'));
    if ('unavailable' in proposed) return { unavailable: `proposed: ${proposed.unavailable}` };
    const name = file.slice(file.lastIndexOf('/') + 1);
    return { diff: await unifiedDiff(now.manifest, proposed.manifest, name, folder) };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
