/**
 * Test support: the GitHub REST API stand-in (github-actions-api.ts) started once for the calling
 * test file (beforeAll) and closed after it (afterAll), answering from the state a test last set;
 * and the deployments GitHub makes as jobs bound to environments start (github-deployments-api.ts).
 */
import { afterAll, beforeAll } from 'vitest';
import { startGitHubActionsApi } from './github-actions-api.ts';
import type { ActionsApiState } from './github-actions-api.ts';
import { jobDeployment } from './github-deployments-api.ts';
import type { StandInDeployment } from './github-deployments-api.ts';

export interface GitHubApiPerFile {
  /** The stand-in's API root (GITHUB_API_URL). */
  url(): string;
  /** Replaces the state the stand-in answers from. */
  set(state: ActionsApiState): void;
  /** GitHub's deployment for a job of run `runId` bound to `environment`, added to the state as the job starts. */
  jobStarts(job: { environment: string; sha: string; runId: number; repository: string }): StandInDeployment;
}

/** Registers the file's hooks; `url` answers once beforeAll has run. */
export function githubApiPerFile(initial: ActionsApiState): GitHubApiPerFile {
  let state = initial;
  let api: { url: string; close: () => Promise<void> } | undefined;
  beforeAll(async () => {
    api = await startGitHubActionsApi(() => state);
  });
  afterAll(() => api?.close());
  return {
    url() {
      if (!api) throw new Error('the GitHub API stand-in starts in beforeAll');
      return api.url;
    },
    set(next) {
      state = next;
    },
    jobStarts(job) {
      const deployments = (state.deployments ??= []);
      const deployment = jobDeployment(deployments, job);
      deployments.push(deployment);
      return deployment;
    },
  };
}
