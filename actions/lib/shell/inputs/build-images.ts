/**
 * The build-images verb's inputs (the build-images action; `slipway changed-services` shares how
 * services are chosen through lib/images): what to build, where to push, how, and where the release
 * manifest goes. The last release's commit is the `since` input, else the event's `before` (push)
 * or the pull request's base.
 */
import type { BuildReleaseOptions } from '../../images/build-release.ts';
import { parseKeyValues, parsePlatforms } from '../../images/build-plan.ts';
import type { CacheMode } from '../../images/build-plan.ts';
import type { EventPayload } from '../action-event.ts';
import type { ShellContext } from '../shell-context.ts';
import { insideRoot } from '../workspace-paths.ts';
import type { Field, RawInputs } from './raw-inputs.ts';
import { choice, commitField, InputError, required } from './raw-inputs.ts';

export const buildImagesFields = {
  registry: { kind: 'text', input: 'registry' },
  repositoryPrefix: { kind: 'text', input: 'repository-prefix' },
  services: { kind: 'list', input: 'services', commas: true },
  servicesPath: { kind: 'text', input: 'services-path' },
  sharedPaths: { kind: 'list', input: 'shared-paths', commas: true },
  since: { kind: 'text', input: 'since' },
  commit: { kind: 'text', input: 'commit' },
  reuseExisting: { kind: 'flag', input: 'reuse-existing' },
  buildAll: { kind: 'flag', input: 'build-all' },
  context: { kind: 'text', input: 'context' },
  dockerfile: { kind: 'text', input: 'dockerfile' },
  buildArgs: { kind: 'list', input: 'build-args' },
  labels: { kind: 'list', input: 'labels' },
  platforms: { kind: 'list', input: 'platforms', commas: true },
  cache: { kind: 'text', input: 'cache' },
  builder: { kind: 'text', input: 'builder' },
  tlsVerify: { kind: 'flag', input: 'tls-verify' },
  mutableTags: { kind: 'text', input: 'mutable-tags' },
  releaseManifest: { kind: 'text', input: 'release-manifest' },
  licenses: { kind: 'text', input: 'licenses' },
} as const satisfies Record<string, Field>;

type Json = Record<string, unknown>;

export interface BuildImagesInputs {
  build: Omit<BuildReleaseOptions, 'env' | 'log' | 'warn' | 'now'>;
  /** Where the release manifest is written (workspace-relative, as given) and its absolute path. */
  manifestPath: string;
  manifestFile: string;
}

/** The last release's commit: the input, else what the event says was there before. */
function sinceCommit(given: string, event: EventPayload): string {
  if (given !== '') return given;
  const before = event['before'];
  if (typeof before === 'string') return before;
  const base = ((event['pull_request'] as Json | undefined)?.['base'] as Json | undefined)?.['sha'];
  return typeof base === 'string' ? base : '';
}

export function parseBuildImagesInputs(
  raw: RawInputs<typeof buildImagesFields>,
  context: ShellContext,
  event: EventPayload,
): BuildImagesInputs {
  const registry = required(raw, 'registry');
  // The commit checked out: GITHUB_SHA, unless the job checked out another (a pull request's head).
  const sha = commitField(raw, 'commit') || (context.sha ?? '');
  if (sha === '')
    throw new InputError('GITHUB_SHA is not set: run inside a GitHub Actions job (or set GITHUB_SHA to the commit being built)');
  const pullRequest = (event['pull_request'] as Json | undefined)?.['number'] ?? event['number'];
  const mutable = choice(raw, 'mutableTags', ['auto', 'true', 'false'] as const, 'auto');
  const manifestPath = raw.text('releaseManifest') || 'release-manifest.json';
  const manifestFile = insideRoot(context.workspace, manifestPath, raw.label('releaseManifest'));
  const services = raw.list('services');
  const licenses = raw.text('licenses');
  return {
    manifestPath,
    manifestFile,
    build: {
      workspace: context.workspace,
      registry,
      repositoryPrefix: raw.text('repositoryPrefix'),
      ...(services.length > 0 ? { services } : {}),
      servicesPath: raw.text('servicesPath') || 'app-repo/services',
      sharedPatterns: raw.list('sharedPaths'),
      since: sinceCommit(raw.text('since'), event),
      buildAll: raw.flag('buildAll') ?? false,
      reuseExisting: raw.flag('reuseExisting') ?? false,
      context: raw.text('context') || '.',
      dockerfile: raw.text('dockerfile'),
      buildArgs: parseKeyValues(raw.list('buildArgs'), raw.label('buildArgs')),
      labels: parseKeyValues(raw.list('labels'), raw.label('labels')),
      platforms: parsePlatforms(raw.list('platforms'), raw.label('platforms')),
      cache: choice<typeof buildImagesFields, CacheMode>(raw, 'cache', ['none', 'gha', 'registry'], 'none'),
      builder: choice(raw, 'builder', ['auto', 'buildx', 'buildah'] as const, 'auto'),
      tlsVerify: raw.flag('tlsVerify') ?? true,
      mutableTags: mutable === 'auto' ? 'auto' : mutable === 'true',
      git: {
        eventName: context.eventName ?? 'push',
        ref: context.ref ?? '',
        sha,
        ...(typeof pullRequest === 'number' ? { pullRequestNumber: pullRequest } : {}),
      },
      ...(context.repository ? { repository: context.repository } : {}),
      serverUrl: context.serverUrl,
      ...(context.runUrl ? { runUrl: context.runUrl } : {}),
      ...(licenses ? { licenses } : {}),
    },
  };
}
