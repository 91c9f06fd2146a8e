/**
 * Image tags and OCI labels for one build, decided from the Git context the way
 * docker/metadata-action's default rules do:
 *   - every build:        sha-<7 hex>                      (type=sha)
 *   - branch push:        <branch>, sanitised              (type=ref,event=branch)
 *   - pull request:       pr-<number>                      (type=ref,event=pr), and instead of sha-<7 hex>
 *                         pr-<number>-<full sha>           the preview tag (gitops-repo/environments/dev/previews.yaml:
 *                                                          the ApplicationSet deploys pr-{{ .number }}-{{ .head_sha }});
 *                                                          a pull request's images never take a sha- tag a
 *                                                          release of the same commit would push to an
 *                                                          immutable-tag registry
 *   - semver tag v1.2.3:  1.2.3, 1.2, 1 and latest         (type=semver {{version}}, {{major}}.{{minor}}, {{major}})
 *                         a prerelease gets only its version; major 0 gets no {{major}} tag
 *   - other tag:          <tag>, sanitised                 (type=ref,event=tag)
 * Tags a later build of other code may reuse (branch, pr-N, 1.2, 1, latest) are "mutable"; a
 * registry with immutable tags (ECR as infra-repo creates it) only gets the immutable ones.
 */

export interface GitContext {
  /** GITHUB_EVENT_NAME: push, pull_request, pull_request_target, workflow_dispatch, schedule… */
  eventName: string;
  /** GITHUB_REF: refs/heads/<branch>, refs/tags/<tag>, refs/pull/<n>/merge. */
  ref: string;
  /** Full commit SHA that was built. */
  sha: string;
  /** Pull request number (from the event payload) for pull_request events. */
  pullRequestNumber?: number;
}

export interface ImageTag {
  tag: string;
  /** A later build may point this tag at other code. */
  mutable: boolean;
}

export interface TagDecision {
  tags: ImageTag[];
  /** The tag recorded in the release manifest: the semver version on a tag build, else sha-<short>. */
  primary: string;
  /** The value of org.opencontainers.image.version. */
  version: string;
}

export class TagRuleError extends Error {
  override name = 'TagRuleError';
}

const semver =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** A Git ref name as a Docker tag: runs of other characters become '-', no leading '.'/'-', at most 128. */
export function sanitizeTag(name: string): string {
  return name
    .replace(/[^a-zA-Z0-9._-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
}

export function shortSha(sha: string): string {
  if (!/^[0-9a-f]{7,64}$/.test(sha)) throw new TagRuleError(`commit '${sha}' is not a hexadecimal Git SHA (GITHUB_SHA)`);
  return sha.slice(0, 7);
}

export function imageTags(context: GitContext): TagDecision {
  const sha = `sha-${shortSha(context.sha)}`;
  const tags: ImageTag[] = [];
  const add = (tag: string, mutable: boolean): void => {
    if (tag !== '' && !tags.some((existing) => existing.tag === tag)) tags.push({ tag, mutable });
  };
  let primary = sha;
  let version = sha;
  const isPullRequest = context.eventName === 'pull_request' || context.eventName === 'pull_request_target';
  if (isPullRequest) {
    const number = context.pullRequestNumber ?? Number(/^refs\/pull\/(\d+)\//.exec(context.ref)?.[1]);
    if (!Number.isInteger(number) || number <= 0)
      throw new TagRuleError(`${context.eventName} event without a pull request number (ref '${context.ref}')`);
    version = `pr-${number}`;
    primary = `pr-${number}-${context.sha}`;
    add(version, true);
    add(primary, false);
    return { tags, primary, version };
  } else if (context.ref.startsWith('refs/heads/')) {
    version = sanitizeTag(context.ref.slice('refs/heads/'.length));
    add(version, true);
  } else if (context.ref.startsWith('refs/tags/')) {
    const name = context.ref.slice('refs/tags/'.length);
    const match = semver.exec(name);
    if (match) {
      const [, major = '', minor = '', patch = '', prerelease] = match;
      version = `${major}.${minor}.${patch}${prerelease ? `-${prerelease}` : ''}`;
      primary = version;
      add(version, false);
      if (!prerelease) {
        add(`${major}.${minor}`, true);
        if (major !== '0') add(major, true);
        add('latest', true);
      }
    } else {
      version = sanitizeTag(name);
      primary = version;
      add(version, false);
    }
  }
  add(sha, false);
  return { tags, primary, version };
}

export interface LabelContext {
  /** Image title: the service name. */
  title: string;
  description?: string;
  /** owner/name of the source repository. */
  repository?: string;
  /** GITHUB_SERVER_URL. */
  serverUrl?: string;
  version: string;
  revision: string;
  created: Date;
  licenses?: string;
}

/** org.opencontainers.image.* labels (annotation keys from the OCI image spec), in a stable order. */
export function ociLabels(context: LabelContext): Record<string, string> {
  const url = context.repository ? `${(context.serverUrl ?? 'https://github.com').replace(/\/$/, '')}/${context.repository}` : undefined;
  const labels: Record<string, string> = { 'org.opencontainers.image.title': context.title };
  if (context.description) labels['org.opencontainers.image.description'] = context.description;
  if (url) {
    labels['org.opencontainers.image.url'] = url;
    labels['org.opencontainers.image.source'] = url;
  }
  labels['org.opencontainers.image.version'] = context.version;
  labels['org.opencontainers.image.created'] = context.created.toISOString();
  labels['org.opencontainers.image.revision'] = context.revision;
  if (context.licenses) labels['org.opencontainers.image.licenses'] = context.licenses;
  return labels;
}
