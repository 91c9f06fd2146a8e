/** The build action: reads inputs, builds the changed services (actions/lib/images/build-release.ts), writes the release manifest and outputs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { actionRunner, ActionInputError } from '../../lib/shell/action-runner.ts';
import type { ActionRunner } from '../../lib/shell/action-runner.ts';
import { buildRelease, buildSummary } from '../../lib/images/build-release.ts';
import { parseKeyValues, parsePlatforms } from '../../lib/images/build-plan.ts';
import type { CacheMode } from '../../lib/images/build-plan.ts';
import { formatImageReference } from '../../lib/release/image-reference.ts';
import { formatReleaseManifest } from '../../lib/release/release-manifest.ts';
import { insideRoot } from '../../lib/shell/workspace-paths.ts';

type Json = Record<string, unknown>;

/** The last release's commit: the input, else what the event says was there before. */
function sinceCommit(runner: ActionRunner, event: Json): string {
  const given = runner.input('since');
  if (given !== '') return given;
  const before = event['before'];
  if (typeof before === 'string') return before;
  const base = ((event['pull_request'] as Json | undefined)?.['base'] as Json | undefined)?.['sha'];
  return typeof base === 'string' ? base : '';
}

function choice<T extends string>(runner: ActionRunner, name: string, allowed: readonly T[], fallback: T): T {
  const value = runner.input(name) || fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new ActionInputError(`input '${name}' must be one of ${allowed.join(', ')}, not '${value}'`);
  return value as T;
}

export async function run(runner: ActionRunner = actionRunner()): Promise<void> {
  try {
    const registry = runner.requiredInput('registry');
    const workspace = runner.env('GITHUB_WORKSPACE') ?? process.cwd();
    const sha = runner.env('GITHUB_SHA') ?? '';
    if (sha === '') throw new ActionInputError('GITHUB_SHA is not set: run inside a GitHub Actions job (or set GITHUB_SHA to the commit being built)');
    const event = runner.event();
    const pullRequest = (event['pull_request'] as Json | undefined)?.['number'] ?? event['number'];
    const mutable = choice(runner, 'mutable-tags', ['auto', 'true', 'false'] as const, 'auto');
    const manifestPath = runner.input('release-manifest') || 'release-manifest.json';
    const manifestFile = insideRoot(workspace, manifestPath, "input 'release-manifest'");
    const repository = runner.env('GITHUB_REPOSITORY');
    const serverUrl = runner.env('GITHUB_SERVER_URL') ?? 'https://github.com';
    const runId = runner.env('GITHUB_RUN_ID');
    const services = runner.listInput('services', true);
    const result = await buildRelease({
      workspace,
      registry,
      repositoryPrefix: runner.input('repository-prefix'),
      ...(services.length > 0 ? { services } : {}),
      servicesPath: runner.input('services-path') || 'app-repo/services',
      sharedPatterns: runner.listInput('shared-paths', true),
      since: sinceCommit(runner, event),
      buildAll: runner.booleanInput('build-all'),
      context: runner.input('context') || '.',
      dockerfile: runner.input('dockerfile'),
      buildArgs: parseKeyValues(runner.listInput('build-args'), "input 'build-args'"),
      labels: parseKeyValues(runner.listInput('labels'), "input 'labels'"),
      platforms: parsePlatforms(runner.listInput('platforms', true), "input 'platforms'"),
      cache: choice<CacheMode>(runner, 'cache', ['none', 'gha', 'registry'], 'none'),
      builder: choice(runner, 'builder', ['auto', 'buildx', 'buildah'] as const, 'auto'),
      tlsVerify: runner.input('tls-verify') === '' ? true : runner.booleanInput('tls-verify'),
      mutableTags: mutable === 'auto' ? 'auto' : mutable === 'true',
      git: {
        eventName: runner.env('GITHUB_EVENT_NAME') ?? 'push',
        ref: runner.env('GITHUB_REF') ?? '',
        sha,
        ...(typeof pullRequest === 'number' ? { pullRequestNumber: pullRequest } : {}),
      },
      ...(repository ? { repository } : {}),
      serverUrl,
      ...(repository && runId ? { runUrl: `${serverUrl.replace(/\/$/, '')}/${repository}/actions/runs/${runId}` } : {}),
      ...(runner.input('licenses') ? { licenses: runner.input('licenses') } : {}),
      env: process.env,
      log: runner.info,
      warn: runner.warning,
    });
    if (result.manifest) {
      mkdirSync(dirname(manifestFile), { recursive: true });
      writeFileSync(manifestFile, formatReleaseManifest(result.manifest));
    }
    runner.setOutput('changed', String(result.images.length > 0));
    runner.setOutput('services', JSON.stringify(result.images.map((built) => built.service)));
    runner.setOutput('images', result.images.map((built) => `${built.service}=${formatImageReference(built.image)}`).join('\n'));
    runner.setOutput('tags', JSON.stringify(Object.fromEntries(result.images.map((built) => [built.service, built.tags.map((tag) => `${built.image.repository}:${tag}`)]))));
    runner.setOutput('release-manifest', result.manifest ? manifestPath : '');
    runner.setOutput('release-id', result.manifest?.id ?? '');
    runner.appendSummary(buildSummary(result));
  } catch (error) {
    process.exitCode = 1;
    runner.error(error instanceof Error ? error.message : String(error));
  }
}
