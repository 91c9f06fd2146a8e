/**
 * Promotion end to end: resolve what to promote (a release manifest, explicit images, another
 * environment's exact digests, or the previous release for a rollback) on the fresh head of the
 * GitOps branch, plan the lossless edit, land it as one commit (or a pull request).
 * The CLI and the promote action are thin shells over `promote`.
 */
import { git } from '../git/git.ts';
import type { Identity } from '../git/git.ts';
import { landOnBranch } from './landing.ts';
import type { GitopsRemote, HeadSnapshot } from './landing.ts';
import type { PinnedImage } from '../release/image-reference.ts';
import { environmentFiles } from './environment-files.ts';
import { checkedImagesRefusal, environmentImages } from './environment-images.ts';
import type { CheckedImage } from './environment-images.ts';
import { PromotionError, planPromotion, releaseServices } from './plan.ts';
import type { PlannedChange, PromotionPlan, PromotionRequest } from './plan.ts';
import { rollbackTarget } from './record.ts';
import type { RecordedPromotion } from './record.ts';
import { validateReleaseManifest } from '../release/release-manifest.ts';
import type { ReleaseManifest } from '../release/release-manifest.ts';
import { upsertPullRequest } from '../github/pull-request.ts';
import { pullRequestBody } from './pull-request-body.ts';
import type { GitHubRepository, PullRequestResult } from '../github/pull-request.ts';
import type { YamlLimits } from '../manifests/yaml-edit.ts';
import { defaultYamlLimits } from '../manifests/yaml-edit.ts';

/** Placeholder source commit for images promoted by hand without one. */
export const unknownSourceCommit = '0000000';

export type PromotionSource =
  | { kind: 'release'; manifest: ReleaseManifest; services?: string[] }
  | {
      kind: 'images';
      images: { service: string; image: PinnedImage; chartRevision?: string }[];
      sourceCommit?: string;
      sourceRepository?: string;
    }
  | {
      kind: 'environment';
      from: string;
      services?: string[];
      /**
       * What a check read from `from` before (the prod plan's verified-in-dev check, `slipway
       * release-run --from dev`): the promotion takes `from`'s images only while they are exactly
       * these, at the head it lands on, and otherwise refuses with nothing written.
       */
      checked?: CheckedImage[];
    }
  | { kind: 'rollback' };

export interface PromoteOptions {
  remote: GitopsRemote;
  /** Repository path of the GitOps tree ('' when the repository is the GitOps repository). */
  gitopsPath: string;
  environment: string;
  source: PromotionSource;
  approver?: string;
  /** Pull-request mode; `evidence` (the reviewer's evidence Markdown, evidence/evidence.ts) heads the body. */
  pullRequest?: { repository: GitHubRepository; branch?: string; evidence?: string };
  limits?: YamlLimits;
  maxAttempts?: number;
  author?: Identity;
  log?: (line: string) => void;
  /** Plan and show the change without pushing: `result.diff` holds it, no ref changes. */
  dryRun?: boolean;
  /**
   * Called with the images a plan is about to pin, before anything is written (on every attempt);
   * throwing refuses the promotion with nothing written (e.g. an image without signed provenance).
   */
  checkImages?: (changes: readonly PlannedChange[]) => Promise<void>;
}

export interface PromoteResult {
  environment: string;
  plan: PromotionPlan;
  /** The release promoted (synthesised for environment, image and rollback sources). */
  release: ReleaseManifest;
  commit?: string;
  base: string;
  attempts: number;
  pullRequest?: PullRequestResult;
  /** Dry run: the unified diff the promotion would commit ('' when nothing changes). */
  diff?: string;
  /** Dry run: what the environment holds now (the texts of the files the plan changes) and its promotion history. */
  current?: CurrentState;
}

export interface CurrentState {
  files: Map<string, string>;
  history: RecordedPromotion[];
}

interface Decision {
  plan: PromotionPlan;
  release: ReleaseManifest;
  current: CurrentState;
}

const fullCommit = /^[0-9a-f]{40}$/;

function synthesizedRelease(request: PromotionRequest, sourceRepository: string): ReleaseManifest {
  return validateReleaseManifest(
    {
      schemaVersion: 1,
      id: request.release.releaseId,
      createdAt: request.release.createdAt,
      source: { repository: sourceRepository, commit: request.release.sourceCommit },
      services: Object.fromEntries(
        request.services.map((entry) => [
          entry.service,
          {
            image: entry.image,
            // Recorded only when it is a commit: a copy of what an environment runs may carry the branch
            // its Application follows, which the manifest schema refuses (it is still copied as is).
            ...(entry.chartRevision !== undefined && fullCommit.test(entry.chartRevision)
              ? { chart: { revision: entry.chartRevision } }
              : {}),
            origin: entry.origin,
          },
        ]),
      ),
    },
    'release assembled for this promotion',
  );
}

function compactTime(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

async function resolveRequest(
  head: HeadSnapshot,
  options: PromoteOptions,
  limits: YamlLimits,
): Promise<{ request: PromotionRequest; release: ReleaseManifest }> {
  const { source, environment } = options;
  const approver = options.approver ? { approver: options.approver } : {};
  const now = new Date().toISOString();
  if (source.kind === 'release') {
    const services = releaseServices(source.manifest, source.services);
    const release = { releaseId: source.manifest.id, createdAt: source.manifest.createdAt, sourceCommit: source.manifest.source.commit };
    return { request: { environment, release, services, refuseRolledBack: true, ...approver }, release: source.manifest };
  }
  if (source.kind === 'images') {
    const sourceCommit = source.sourceCommit ?? unknownSourceCommit;
    const origin = { releaseId: `manual-${compactTime(now)}`, sourceCommit, createdAt: now };
    const services = source.images.map((entry) => ({ ...entry, origin }));
    const request = { environment, release: origin, services, ...approver };
    return { request, release: synthesizedRelease(request, source.sourceRepository ?? 'unknown') };
  }
  if (source.kind === 'environment') {
    if (source.from === environment) throw new PromotionError(`cannot promote ${environment} from itself; name another environment`);
    const byService = new Map(
      (await environmentImages(head, options.gitopsPath, source.from, source.services, limits)).map((entry) => [
        entry.service,
        {
          service: entry.service,
          image: entry.image,
          ...(entry.chartRevision === undefined ? {} : { chartRevision: entry.chartRevision }),
          origin: entry.origin ?? { releaseId: `${source.from}-unrecorded`, sourceCommit: unknownSourceCommit, createdAt: now },
        },
      ]),
    );
    if (source.checked) {
      const moved = checkedImagesRefusal(source.from, [...byService.values()], source.checked);
      if (moved) throw new PromotionError(moved);
    }
    const wanted = source.services && source.services.length > 0 ? source.services : [...byService.keys()];
    const services = wanted.map((service) => {
      const entry = byService.get(service);
      if (!entry)
        throw new PromotionError(
          `environment ${source.from} pins no service '${service}' (it pins: ${[...byService.keys()].sort().join(', ') || 'none'})`,
        );
      return entry;
    });
    if (services.length === 0) throw new PromotionError(`environment ${source.from} pins no images to promote`);
    const releases = new Set(services.map((entry) => entry.origin.releaseId));
    const newest = services.reduce((a, b) => (Date.parse(b.origin.createdAt) > Date.parse(a.origin.createdAt) ? b : a));
    const release = {
      releaseId: releases.size === 1 ? newest.origin.releaseId : `${source.from}-${compactTime(now)}`,
      createdAt: newest.origin.createdAt,
      sourceCommit: newest.origin.sourceCommit,
    };
    const request = { environment, release, services, refuseRolledBack: true, ...approver };
    return { request, release: synthesizedRelease(request, 'unknown') };
  }
  const target = rollbackTarget(await head.promotions(environment));
  if ('error' in target) throw new PromotionError(`cannot roll back ${environment}: ${target.error}`);
  const services = target.images.map((image) => ({
    service: image.service,
    image: image.image,
    ...(image.chartRevision === undefined ? {} : { chartRevision: image.chartRevision }),
    origin: { releaseId: image.releaseId, sourceCommit: image.sourceCommit, createdAt: image.createdAt },
  }));
  const [first] = services;
  const release = first ? first.origin : { releaseId: 'rollback', sourceCommit: unknownSourceCommit, createdAt: now };
  const request = { environment, release, services, rollsBack: target.undo.commit, ...approver };
  return { request, release: synthesizedRelease(request, 'unknown') };
}

/** Promotes into one environment of a GitOps repository. */
export async function promote(options: PromoteOptions): Promise<PromoteResult> {
  const limits = options.limits ?? defaultYamlLimits;
  const log = options.log ?? (() => undefined);
  const pullRequestBranch = options.pullRequest ? (options.pullRequest.branch ?? `slipway/promote-${options.environment}`) : undefined;
  const landed = await landOnBranch<Decision>(
    options.remote,
    async (head) => {
      // Read the history while the tree is listed and read.
      const history = head.promotions(options.environment);
      history.catch(() => undefined);
      const { files, values } = await environmentFiles(head, options.gitopsPath, options.environment, limits);
      const { request, release } = await resolveRequest(head, options, limits);
      const plan = planPromotion(files, request, await history, limits, values);
      const change = plan.message && plan.files.size > 0 ? { files: plan.files, message: plan.message } : undefined;
      if (change && options.checkImages) await options.checkImages(plan.changes);
      const current = { files: new Map([...files].filter(([path]) => plan.files.has(path))), history: await history };
      return { ...(change ? { change } : {}), result: { plan, release, current } };
    },
    {
      ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      ...(options.author ? { author: options.author } : {}),
      ...(pullRequestBranch ? { pullRequestBranch } : {}),
      ...(options.dryRun ? { dryRun: true } : {}),
      onRetry: (attempt, reason) => log(`attempt ${attempt}: ${reason}`),
    },
  );
  const { plan, release, current } = landed.decision;
  const result: PromoteResult = {
    environment: options.environment,
    plan,
    release,
    base: landed.base,
    attempts: landed.attempts,
    ...(landed.commit ? { commit: landed.commit } : {}),
  };
  if (options.dryRun) {
    result.diff = landed.commit ? await git(['diff', '--no-color', landed.base, landed.commit], { cwd: options.remote.repoDir }) : '';
    result.current = current;
    delete result.commit;
    return result;
  }
  if (options.pullRequest && pullRequestBranch && landed.commit && plan.message) {
    const diff = await git(['diff', '--no-color', landed.base, landed.commit], { cwd: options.remote.repoDir });
    result.pullRequest = await upsertPullRequest(options.pullRequest.repository, {
      head: pullRequestBranch,
      base: options.remote.branch,
      title: plan.message.split('\n')[0] ?? `promote ${options.environment}`,
      body: pullRequestBody(plan, release, diff, options.pullRequest.evidence),
    });
  }
  return result;
}
