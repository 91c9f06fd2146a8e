/**
 * The commands that build and push one service image, decided from the build's inputs:
 *   buildx  (GitHub runners, a Docker daemon): one `docker buildx build --push`, cache in GitHub's
 *           cache (type=gha) or the registry;
 *   buildah (no daemon: containers, self-hosted runners): `buildah build` (chroot isolation), then
 *           `buildah push` per tag — or, for several platforms, a manifest list and
 *           `buildah manifest push --all` per tag.
 * Registry login is not here: the standard login actions write the credentials both tools read.
 */

export type Builder = 'buildx' | 'buildah';
export type CacheMode = 'none' | 'gha' | 'registry';

export interface ImageBuild {
  service: string;
  /** registry/prefix/service */
  repository: string;
  tags: string[];
  labels: Record<string, string>;
  buildArgs: Record<string, string>;
  platforms: string[];
  context: string;
  dockerfile: string;
  cache: CacheMode;
  /** false for a plain-HTTP registry (a local test registry). */
  tlsVerify: boolean;
  /** The service's .dockerignore beside its Dockerfile: buildah needs it named (docker reads <Dockerfile>.dockerignore itself). */
  ignoreFile?: string;
}

export interface BuildStep {
  command: string;
  args: string[];
}

export class BuildPlanError extends Error {
  override name = 'BuildPlanError';
}

const pairs = (flag: string, values: Record<string, string>): string[] =>
  Object.entries(values).flatMap(([key, value]) => [flag, `${key}=${value}`]);

export function buildSteps(build: ImageBuild, builder: Builder): BuildStep[] {
  if (build.tags.length === 0) throw new BuildPlanError(`${build.service}: no tags to push`);
  const references = build.tags.map((tag) => `${build.repository}:${tag}`);
  const common = ['-f', build.dockerfile, ...pairs('--label', build.labels), ...pairs('--build-arg', build.buildArgs)];
  if (builder === 'buildx') {
    const cache =
      build.cache === 'gha'
        ? ['--cache-from', `type=gha,scope=${build.service}`, '--cache-to', `type=gha,mode=max,scope=${build.service}`]
        : build.cache === 'registry'
          ? [
              '--cache-from',
              `type=registry,ref=${build.repository}:buildcache`,
              '--cache-to',
              `type=registry,ref=${build.repository}:buildcache,mode=max,image-manifest=true,oci-mediatypes=true`,
            ]
          : [];
    return [
      {
        command: 'docker',
        args: [
          'buildx',
          'build',
          '--push',
          ...common,
          '--platform',
          build.platforms.join(','),
          ...cache,
          ...references.flatMap((reference) => ['-t', reference]),
          build.context,
        ],
      },
    ];
  }
  if (build.cache === 'gha') throw new BuildPlanError(`input 'cache': gha is a buildx cache; with buildah use registry or none`);
  const cache = build.cache === 'registry' ? ['--layers', '--cache-from', build.repository, '--cache-to', build.repository] : [];
  const tls = `--tls-verify=${String(build.tlsVerify)}`;
  const ignore = build.ignoreFile ? ['--ignorefile', build.ignoreFile] : [];
  const [first] = references;
  if (first === undefined) return [];
  const buildahBuild = ['build', '--isolation', 'chroot', ...common, ...ignore];
  if (build.platforms.length > 1) {
    return [
      {
        command: 'buildah',
        args: [...buildahBuild, '--platform', build.platforms.join(','), ...cache, '--manifest', first, build.context],
      },
      ...references.map((reference) => ({ command: 'buildah', args: ['manifest', 'push', '--all', tls, first, `docker://${reference}`] })),
    ];
  }
  return [
    {
      command: 'buildah',
      args: [
        ...buildahBuild,
        ...build.platforms.flatMap((platform) => ['--platform', platform]),
        ...cache,
        ...references.flatMap((reference) => ['-t', reference]),
        build.context,
      ],
    },
    ...references.map((reference) => ({ command: 'buildah', args: ['push', tls, reference, `docker://${reference}`] })),
  ];
}

/** Parses `KEY=value` lines (build args, extra labels); `where` names the input. */
export function parseKeyValues(lines: readonly string[], where: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of lines) {
    const equals = line.indexOf('=');
    const key = line.slice(0, equals).trim();
    if (equals <= 0 || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) throw new BuildPlanError(`${where}: '${line}' is not KEY=value`);
    values[key] = line.slice(equals + 1);
  }
  return values;
}

/** `linux/amd64`, `linux/arm64/v8`…; `where` names the input. */
export function parsePlatforms(list: string[], where: string): string[] {
  if (list.length === 0) throw new BuildPlanError(`${where}: give at least one platform, e.g. linux/amd64`);
  for (const platform of list) {
    if (!/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/.test(platform))
      throw new BuildPlanError(`${where}: '${platform}' is not os/arch[/variant], e.g. linux/amd64`);
  }
  return list;
}

/** ECR registry host: <account>.dkr.ecr.<region>.amazonaws.com (ECR repositories from infra-repo have immutable tags). */
export function isEcrRegistry(registry: string): boolean {
  return /^\d{12}\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/.test(registry);
}

/** A service's image repository: <registry>/<prefix>/<service> (the prefix may be empty). */
export function imageRepository(registry: string, prefix: string, service: string): string {
  const host = registry.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const path = [prefix.replace(/^\/+|\/+$/g, ''), service].filter((part) => part !== '').join('/');
  return `${host}/${path}`;
}
