/**
 * Builds a release: picks the services changed since the last release, builds and pushes each
 * image with its tags and OCI labels, reads every digest back from the registry and returns the
 * release manifest of what was built. The build action (and anything else) is a thin shell over this.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { changedPathsSince, changedServices, hasCommit } from './changed-services.ts';
import { buildSteps, imageRepository, isEcrRegistry } from './build-plan.ts';
import type { BuildStep, Builder, ImageBuild } from './build-plan.ts';
import { chooseBuilder, ImageBuildError, registryDigest, runStep } from './builder.ts';
import { isRepository } from '../release/image-reference.ts';
import type { PinnedImage } from '../release/image-reference.ts';
import { imageTags, ociLabels } from './tags.ts';
import type { GitContext, TagDecision } from './tags.ts';
import { createReleaseManifest } from '../release/release-manifest.ts';
import type { ReleaseManifest } from '../release/release-manifest.ts';
import { insideRoot } from '../shell/workspace-paths.ts';

/** `platforms`, `cache` and `tlsVerify` go unchanged into every image build. */
export interface BuildReleaseOptions extends Pick<ImageBuild, 'platforms' | 'cache' | 'tlsVerify'> {
  workspace: string;
  registry: string;
  repositoryPrefix: string;
  /** Explicit services; default every folder of servicesPath holding its Dockerfile. */
  services?: string[];
  servicesPath: string;
  sharedPatterns: string[];
  /** Commit of the last release; absent (or not in the clone) builds every service. */
  since?: string;
  buildAll?: boolean;
  /**
   * A service whose primary tag the registry already serves is not built again: its digest there
   * goes into the manifest. For tags that name one commit (a re-run of the same pull request head
   * must not push again to a registry whose tags are immutable).
   */
  reuseExisting?: boolean;
  context: string;
  /** Dockerfile path; `{service}` is replaced. Default <servicesPath>/{service}/Dockerfile. */
  dockerfile?: string;
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  builder: string;
  /** Push tags a later build may move (branch, pr-N, 1.2, latest); 'auto' = not on ECR (immutable tags). */
  mutableTags: boolean | 'auto';
  git: GitContext;
  repository?: string;
  serverUrl?: string;
  runUrl?: string;
  licenses?: string;
  now?: Date;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  warn?: (line: string) => void;
}

export interface BuiltImage {
  service: string;
  image: PinnedImage;
  tags: string[];
  reason: string;
}

export interface BuildReleaseResult {
  builder?: Builder;
  /** Why the services were chosen. */
  selection: { services: string[]; reasons: Record<string, string>; since?: string };
  images: BuiltImage[];
  manifest?: ReleaseManifest;
}

const noCommit = /^0+$/;

/** Service folders under `servicesPath` that hold the Dockerfile the build would use. */
export function discoverServices(workspace: string, servicesPath: string, dockerfile: string): string[] {
  const root = insideRoot(workspace, servicesPath, "input 'services-path'");
  if (!existsSync(root))
    throw new ImageBuildError(`input 'services-path': ${servicesPath} does not exist in the workspace (did actions/checkout run?)`);
  return readdirSync(root, { withFileTypes: true })
    .filter(
      (entry) =>
        entry.isDirectory() &&
        /^[a-z0-9][a-z0-9-]{0,62}$/.test(entry.name) &&
        existsSync(join(workspace, dockerfile.replaceAll('{service}', entry.name))),
    )
    .map((entry) => entry.name)
    .sort();
}

async function selectServices(options: BuildReleaseOptions, all: string[]): Promise<BuildReleaseResult['selection']> {
  const everything = (why: string) => ({ services: all, reasons: Object.fromEntries(all.map((service) => [service, why])) });
  if (options.buildAll) return everything('build-all');
  const since = options.since?.trim();
  if (!since || noCommit.test(since)) return everything('no previous release given: every service is built');
  if (!(await hasCommit(options.workspace, since))) {
    options.warn?.(`last release commit ${since} is not in this clone (fetch-depth: 0 on actions/checkout?): building every service`);
    return everything(`${since} not in the clone: every service is built`);
  }
  const paths = await changedPathsSince(options.workspace, since, options.git.sha);
  return { ...changedServices(paths, all, { servicesRoot: options.servicesPath, sharedPatterns: options.sharedPatterns }), since };
}

/** The services the release may build: those given (each a service name) or every one with its Dockerfile. */
function releaseServices(options: BuildReleaseOptions, dockerfile: string): string[] {
  for (const service of options.services ?? []) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(service))
      throw new ImageBuildError(`input 'services': '${service}' is not a service name (lowercase letters, digits, '-')`);
  }
  const probe = imageRepository(options.registry, options.repositoryPrefix, 'service');
  if (!isRepository(probe))
    throw new ImageBuildError(
      `inputs 'registry' and 'repository-prefix' give '${probe}', which is not an image repository (lowercase; registry host[:port], then path)`,
    );
  const all =
    options.services && options.services.length > 0
      ? [...options.services].sort()
      : discoverServices(options.workspace, options.servicesPath, dockerfile);
  if (all.length === 0)
    throw new ImageBuildError(
      `no service found: no ${dockerfile.replaceAll('{service}', '*')} in the workspace; give input 'services' or 'dockerfile'`,
    );
  return all;
}

/** What every image of one release shares. */
interface ReleasePlan {
  now: Date;
  dockerfile: string;
  decision: TagDecision;
  tags: string[];
  builder: Builder;
  context: string;
}

/** The tags to push: the release's, less the mutable ones where the registry keeps tags immutable. */
function releaseTags(options: BuildReleaseOptions, decision: TagDecision): string[] {
  const mutable = options.mutableTags === 'auto' ? !isEcrRegistry(options.registry) : options.mutableTags;
  return decision.tags.filter((tag) => mutable || !tag.mutable).map((tag) => tag.tag);
}

function serviceLabels(options: BuildReleaseOptions, plan: ReleasePlan, service: string): Record<string, string> {
  return {
    ...ociLabels({
      title: service,
      description: `Slipway shop: the ${service} service`,
      ...(options.repository ? { repository: options.repository } : {}),
      ...(options.serverUrl ? { serverUrl: options.serverUrl } : {}),
      ...(options.licenses ? { licenses: options.licenses } : {}),
      version: plan.decision.version,
      revision: options.git.sha,
      created: plan.now,
    }),
    ...options.labels,
  };
}

// The shop's Dockerfiles take these as build args for their own LABEL lines; inputs override them.
// VERSION becomes the running service's version (`app_info`, the dashboards' version split), so
// it is the release's own tag (sha-<short> or the semver), never a branch name shared by releases.
function serviceBuildArgs(options: BuildReleaseOptions, plan: ReleasePlan, labels: Record<string, string>): Record<string, string> {
  return {
    REVISION: options.git.sha,
    VERSION: plan.decision.primary,
    CREATED: plan.now.toISOString(),
    ...(labels['org.opencontainers.image.source'] ? { SOURCE: labels['org.opencontainers.image.source'] } : {}),
    ...options.buildArgs,
  };
}

async function runBuildSteps(options: BuildReleaseOptions, service: string, steps: BuildStep[]): Promise<void> {
  for (const step of steps) {
    const pushing = step.args.includes('push') || step.args.includes('--push');
    await runStep(step, {
      ...(options.env ? { env: options.env } : {}),
      ...(options.log ? { log: options.log } : {}),
      purpose: pushing
        ? `pushing ${service} to ${options.registry} (input 'registry': is the registry reachable and did a login step run?)`
        : `building ${service}`,
    });
  }
}

/** The digest the registry serves for every pushed tag; different digests mean another build pushed meanwhile. */
async function pushedDigest(options: BuildReleaseOptions, plan: ReleasePlan, service: string, repository: string): Promise<string> {
  const digests = new Map<string, string>();
  for (const tag of plan.tags)
    digests.set(tag, await registryDigest(`${repository}:${tag}`, options.tlsVerify, options.env ? { env: options.env } : {}));
  const digest = digests.get(plan.decision.primary) ?? [...digests.values()][0] ?? '';
  const differing = [...digests].filter(([, other]) => other !== digest);
  if (differing.length > 0)
    throw new ImageBuildError(
      `${service}: the registry serves other digests for ${differing.map(([tag]) => tag).join(', ')} than for ${plan.decision.primary}: another build pushed the same tags meanwhile`,
    );
  return digest;
}

/** The digest the registry serves for the primary tag, or undefined when it serves none (or cannot be read: the push then says why). */
async function existingDigest(options: BuildReleaseOptions, reference: string): Promise<string | undefined> {
  try {
    return await registryDigest(reference, options.tlsVerify, options.env ? { env: options.env } : {});
  } catch {
    return undefined;
  }
}

async function buildService(options: BuildReleaseOptions, plan: ReleasePlan, service: string, reason: string): Promise<BuiltImage> {
  const { dockerfile, tags, decision } = plan;
  const repository = imageRepository(options.registry, options.repositoryPrefix, service);
  const existing = options.reuseExisting ? await existingDigest(options, `${repository}:${decision.primary}`) : undefined;
  if (existing) {
    options.log?.(`── ${service}: ${repository}:${decision.primary} is in the registry already: not built again`);
    return {
      service,
      image: { repository, tag: decision.primary, digest: existing },
      tags: [decision.primary],
      reason: 'already in the registry',
    };
  }
  const file = insideRoot(options.workspace, dockerfile.replaceAll('{service}', service), "input 'dockerfile'");
  if (!existsSync(file))
    throw new ImageBuildError(`${service}: no Dockerfile at ${dockerfile.replaceAll('{service}', service)} (input 'dockerfile')`);
  const labels = serviceLabels(options, plan, service);
  const buildArgs = serviceBuildArgs(options, plan, labels);
  const ignoreFile = join(dirname(file), '.dockerignore');
  const steps = buildSteps(
    {
      service,
      repository,
      tags,
      labels,
      buildArgs,
      ...(existsSync(ignoreFile) ? { ignoreFile } : {}),
      platforms: options.platforms,
      context: options.context.includes('{service}')
        ? insideRoot(options.workspace, options.context.replaceAll('{service}', service), "input 'context'")
        : plan.context,
      dockerfile: file,
      cache: options.cache,
      tlsVerify: options.tlsVerify,
    },
    plan.builder,
  );
  options.log?.(`── ${service}: ${repository} (${reason})`);
  await runBuildSteps(options, service, steps);
  const digest = await pushedDigest(options, plan, service, repository);
  return { service, image: { repository, tag: decision.primary, digest }, tags, reason };
}

function releaseManifest(options: BuildReleaseOptions, now: Date, images: BuiltImage[]): ReleaseManifest {
  return createReleaseManifest({
    createdAt: now,
    source: {
      repository: options.repository || 'unknown',
      commit: options.git.sha,
      ...(options.git.ref ? { ref: options.git.ref } : {}),
      ...(options.runUrl ? { runUrl: options.runUrl } : {}),
    },
    services: Object.fromEntries(images.map((built) => [built.service, { image: built.image }])),
  });
}

export async function buildRelease(options: BuildReleaseOptions): Promise<BuildReleaseResult> {
  const now = options.now ?? new Date();
  const dockerfile = options.dockerfile || `${options.servicesPath.replace(/\/+$/, '')}/{service}/Dockerfile`;
  const all = releaseServices(options, dockerfile);
  const selection = await selectServices(options, all);
  if (selection.services.length === 0) return { selection, images: [] };

  const decision = imageTags(options.git);
  const tags = releaseTags(options, decision);
  const builder = await chooseBuilder(options.builder, options.env);
  options.log?.(`builder: ${builder}; tags: ${tags.join(', ')}`);
  const context = insideRoot(options.workspace, options.context, "input 'context'");
  const plan: ReleasePlan = { now, dockerfile, decision, tags, builder, context };
  const images: BuiltImage[] = [];
  for (const service of selection.services) {
    const image = await buildService(options, plan, service, selection.reasons[service] ?? '');
    images.push(image);
    options.log?.(`${service}: ${image.image.repository}:${decision.primary}@${image.image.digest}`);
  }
  return { builder, selection, images, manifest: releaseManifest(options, now, images) };
}

export function buildSummary(result: BuildReleaseResult): string {
  const lines = ['### Images built', ''];
  if (result.images.length === 0) {
    lines.push(`No service changed${result.selection.since ? ` since ${result.selection.since.slice(0, 12)}` : ''}: nothing built.`);
    return `${lines.join('\n')}\n`;
  }
  lines.push('| Service | Image | Digest | Tags | Why |', '| --- | --- | --- | --- | --- |');
  for (const built of result.images) {
    lines.push(
      `| ${built.service} | \`${built.image.repository}:${built.image.tag}\` | \`${built.image.digest.slice(0, 19)}\` | ${built.tags.join(', ')} | ${built.reason.replace(/\|/g, '\\|')} |`,
    );
  }
  if (result.manifest) lines.push('', `Release \`${result.manifest.id}\` (builder: ${result.builder ?? 'none'}).`);
  return `${lines.join('\n')}\n`;
}
