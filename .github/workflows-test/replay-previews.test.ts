/**
 * The preview jobs of the pull-request workflow, replayed: which pull requests get a preview (those of
 * this repository labelled `preview`), what a fork gets instead (a reason), the cap on concurrent
 * previews (against the GitHub API stand-in's pull requests and issue events: ranked by when the label
 * was last added, a label taken off meanwhile counted as off), the preview images built by the
 * release's build action into the preview repositories (those the previews ApplicationSet deploys
 * from, never a release repository) and attested like release images, and the gate report's row with the
 * preview's URL or that reason, written by the gate-report action's dist.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { imageRepository } from '../../actions/lib/images/build-plan.ts';
import { slsaProvenanceV1 } from '../../actions/lib/provenance/policy.ts';
import { previewImages } from '../../gitops-repo/test/admission/admission-tree.ts';
import { createReleaseManifest } from '../../actions/lib/release/release-manifest.ts';
import type { StandInPullRequest } from '../../actions/test-support/github-pulls-api.ts';
import type { Stage } from './replay-stage.ts';
import {
  applicationStage,
  context,
  outputsOf,
  previewPullRequest,
  repository,
  root,
  services,
  withGitHubApiAndSigstore,
} from './replay-stage.ts';
import { condition } from './workflow-expressions.ts';
import { replayJob, StepFailed } from './workflow-replay.ts';

const pullRequestWorkflow = join(root, '.github', 'workflows', 'pull-request.yml');
const jobs = parse(readFileSync(pullRequestWorkflow, 'utf8')).jobs as Record<string, { if?: string; needs?: string[] }>;
withGitHubApiAndSigstore();

/** A pull_request event of pull request 42, from this repository or a fork, with these labels. */
function pullRequestEvent(from: 'same' | 'fork', labels: string[]) {
  const repository = 'example/slipway';
  return {
    event_name: 'pull_request',
    event: {
      action: 'labeled',
      number: 42,
      pull_request: {
        number: 42,
        labels: labels.map((name) => ({ name })),
        head: { sha: 'abcdef0123456789abcdef0123456789abcdef01', repo: { full_name: from === 'same' ? repository : 'mallory/slipway' } },
        base: { repo: { full_name: repository } },
      },
    },
    vars: { PREVIEW_DOMAIN: 'dev.shop.example.com' },
  };
}

const runs = (job: string, from: 'same' | 'fork', labels: string[]) =>
  condition(jobs[job]?.if ?? 'true', context(pullRequestEvent(from, labels)));

describe('which pull requests get a preview', () => {
  it.each<[from: 'same' | 'fork', labels: string[], preview: boolean, forkNote: boolean]>([
    ['same', ['preview'], true, false],
    ['same', ['bug', 'preview'], true, false],
    ['same', [], false, false],
    ['same', ['previews'], false, false],
    ['fork', ['preview'], false, true],
    ['fork', [], false, false],
  ])('a pull request from %s with labels %j: preview %s, fork note %s', (from, labels, preview, forkNote) => {
    expect(runs('preview', from, labels)).toBe(preview);
    expect(runs('preview-fork', from, labels)).toBe(forkNote);
  });

  it('starts again when the label is added: labeled is one of the workflow’s pull_request types', () => {
    const on = parse(readFileSync(pullRequestWorkflow, 'utf8')).on.pull_request;
    expect(on.types).toEqual(expect.arrayContaining(['opened', 'synchronize', 'reopened', 'labeled']));
  });

  it('gives the gate report both jobs, and keeps them out of the required gates check', () => {
    expect(jobs['report']?.needs).toEqual(expect.arrayContaining(['preview', 'preview-fork']));
    expect(jobs['gates']?.needs).not.toContain('preview');
  });
});

describe('the gate report’s preview row, replayed with the gate-report action’s dist', () => {
  const gatesDone = Object.fromEntries(
    ['changes', 'lint', 'unit', 'e2e', 'sonarcloud', 'images', 'gitops', 'terraform', 'workflows', 'zizmor', 'actions-dist'].map((job) => [
      job,
      { result: 'success', outputs: {} },
    ]),
  );

  function previewRow(from: 'same' | 'fork', needs: Record<string, unknown>): string {
    const stage = applicationStage();
    // Without a pull request number the action writes the table to the job summary only (the same
    // table it puts in the sticky comment; its own tests cover the comment against a stand-in API).
    const event = { ...pullRequestEvent(from, ['preview']), event: {} };
    const replay = replayJob(
      root,
      pullRequestWorkflow,
      'report',
      context({ ...event, needs: { ...gatesDone, ...needs } }),
      stage.harness(),
    );
    const report = replay.steps.find((step) => step.label === './actions/gate-report');
    expect(report?.ran).toBe('action');
    return (report?.summary ?? '').split('\n').find((line) => line.startsWith('|') && line.includes('Preview environment')) ?? '';
  }

  it('carries the preview’s URL and result for a pull request of this repository', () => {
    const url = 'http://pr-42.dev.shop.example.com';
    const row = previewRow('same', {
      preview: { result: 'success', outputs: { url, summary: `${url} — Synced and Healthy, Playwright passed` } },
      'preview-fork': { result: 'skipped', outputs: {} },
    });
    expect(row).toMatch(/pass/i);
    expect(row).toContain(url);
    expect(row).toContain('Playwright passed');
  });

  it('says why a fork gets no preview', () => {
    const stage = applicationStage();
    const fork = replayJob(root, pullRequestWorkflow, 'preview-fork', context(pullRequestEvent('fork', ['preview'])), stage.harness());
    const why = fork.steps.find((step) => step.id === 'why')?.outputs['summary'] ?? '';
    expect(why).toContain('comes from a fork');
    const row = previewRow('fork', {
      preview: { result: 'skipped', outputs: {} },
      'preview-fork': { result: 'success', outputs: { summary: why } },
    });
    expect(row).toMatch(/skip/i);
    expect(row).toContain('comes from a fork');
    expect(row).not.toContain('http://');
  });
});

describe('the cap on concurrent previews and the preview images, replayed against the GitHub API stand-in', () => {
  const registry = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  const headOf = (number: number): string => number.toString(16).padStart(40, 'c');

  /** The issue event of the label preview added at `at` ("List issue events": event, label.name, created_at). */
  const labelledAt = (at: string) => ({ event: 'labeled', label: 'preview', at });

  /**
   * The open pull requests: #5, #8 and #9 of this repository labelled preview (in that order, unless
   * `labelled` gives each one's label events), an older fork's (#3) labelled too, #4 without it.
   */
  function openPullRequests(labelled: Record<number, { event: string; label: string; at: string }[]> = {}): StandInPullRequest[] {
    const open = (number: number, overrides: Partial<StandInPullRequest> = {}): StandInPullRequest =>
      previewPullRequest(number, headOf(number), '2026-11-28T12:00:00Z', {
        events: labelled[number] ?? [labelledAt(`2026-11-28T12:${String(number).padStart(2, '0')}:00Z`)],
        ...overrides,
      });
    return [open(3, { headRepository: 'mallory/slipway' }), open(4, { labels: [], events: [] }), open(5), open(8), open(9)];
  }

  /** The labeled event of pull request `number`, with PREVIEW_CAP `cap`. */
  function labelled(number: number, cap = '2') {
    return context({
      event_name: 'pull_request',
      event: {
        action: 'labeled',
        number,
        pull_request: {
          number,
          labels: [{ name: 'preview' }],
          head: { sha: headOf(number), repo: { full_name: repository } },
          base: { repo: { full_name: repository } },
        },
      },
      vars: { PREVIEW_DOMAIN: 'dev.shop.example.com', PREVIEW_CAP: cap, AWS_PREVIEW_ROLE_ARN: 'arn:aws:iam::123456789012:role/preview' },
    });
  }

  /** The plan step of a preview run that the cap refused (it fails the job there). */
  function refused(stage: Stage, number: number) {
    let failure: unknown;
    try {
      replayJob(root, pullRequestWorkflow, 'preview', labelled(number), stage.harness());
    } catch (error) {
      failure = error;
    }
    expect(failure, `#${number} is refused`).toBeInstanceOf(StepFailed);
    const plan = (failure as StepFailed).step;
    expect(plan.id).toBe('plan');
    expect(plan.outputs['url']).toBeUndefined();
    return plan;
  }

  const digestOf = (service: string, head: string): string =>
    `sha256:${Buffer.from(`${service}-${head}`).toString('hex').padEnd(64, '0').slice(0, 64)}`;

  /** Stages the images the build of pull request `number`'s head makes, signed as this workflow's run for it would sign them. */
  async function buildsHead(stage: Stage, number: number): Promise<void> {
    const head = headOf(number);
    const built = createReleaseManifest({
      createdAt: '2026-11-28T12:05:00Z',
      source: { repository, commit: head, ref: `refs/pull/${number}/merge` },
      services: Object.fromEntries(
        services.map((service) => [
          service,
          { image: { repository: `${registry}/slipway/preview/${service}`, tag: `pr-${number}-${head}`, digest: digestOf(service, head) } },
        ]),
      ),
    });
    stage.building = built;
    await stage.sign(built, { workflow: '.github/workflows/pull-request.yml', ref: `refs/pull/${number}/merge` });
  }

  it('refuses the third labelled pull request of this repository with PREVIEW_CAP 2: its label comes off and the summary says why', () => {
    const stage = applicationStage(openPullRequests());
    const plan = refused(stage, 9);
    const why =
      'refused: 2 previews are running already (the cap, PREVIEW_CAP; labelled before this one: #5 #8); the label was taken off, add it again when one closes';
    expect(plan.outputs['summary']).toBe(why);
    expect(plan.summary).toContain(why);
    expect(stage.pullRequest(9)?.labels).toEqual([]);
    for (const kept of [3, 5, 8]) expect(stage.pullRequest(kept)?.labels, `#${kept}`).toEqual(['preview']);
  });

  it('ranks by when the label was last added, not by number: an older pull request labelled when the cap is full is refused, the running newer ones keep their slots', async () => {
    // #9 labelled first and #8 next (both running with PREVIEW_CAP 2), #5 labelled last; #8's label was
    // taken off and added again, and its last adding counts.
    const events = {
      9: [labelledAt('2026-11-28T09:00:00Z')],
      8: [
        labelledAt('2026-11-27T08:00:00Z'),
        { event: 'unlabeled', label: 'preview', at: '2026-11-27T09:00:00Z' },
        labelledAt('2026-11-28T10:00:00Z'),
      ],
      5: [
        labelledAt('2026-11-26T08:00:00Z'),
        { event: 'unlabeled', label: 'preview', at: '2026-11-26T09:00:00Z' },
        labelledAt('2026-11-28T11:00:00Z'),
      ],
    };
    const stage = applicationStage(openPullRequests(events));
    const plan = refused(stage, 5);
    expect(plan.outputs['summary']).toBe(
      'refused: 2 previews are running already (the cap, PREVIEW_CAP; labelled before this one: #9 #8); the label was taken off, add it again when one closes',
    );
    expect(stage.pullRequest(5)?.labels).toEqual([]);
    // #9's next push: it keeps its slot and its preview.
    await buildsHead(stage, 9);
    const replay = replayJob(root, pullRequestWorkflow, 'preview', labelled(9), stage.harness());
    expect(replay.steps.find((step) => step.id === 'plan')?.outputs['url']).toBe('http://pr-9.dev.shop.example.com');
    expect(stage.pullRequest(9)?.labels).toEqual(['preview']);
    expect(stage.verifications.map((inputs) => inputs['applications'])).toEqual(['preview-pr-9']);
  });

  it('refuses a pull request over the cap whose label was taken off meanwhile (404 "Label does not exist"), saying it was off already', () => {
    const pulls = openPullRequests();
    const nine = pulls.find((pull) => pull.number === 9);
    if (nine) Object.assign(nine, { labels: [], listedLabels: ['preview'] });
    const stage = applicationStage(pulls);
    const plan = refused(stage, 9);
    expect(plan.outputs['summary']).toBe(
      'refused: 2 previews are running already (the cap, PREVIEW_CAP; labelled before this one: #5 #8); the label was off already, add it again when one closes',
    );
    expect(stage.apiCalls().filter((call) => call.startsWith('DELETE '))).toEqual([`DELETE /repos/${repository}/issues/9/labels/preview`]);
    for (const kept of [3, 5, 8]) expect(stage.pullRequest(kept)?.labels, `#${kept}`).toEqual(['preview']);
  });

  it('lets the two labelled first through (a fork’s labelled pull request does not count), builds the head with the build action and attests every image', async () => {
    const stage = applicationStage(openPullRequests());
    const head = headOf(8);
    const digest = (service: string): string => digestOf(service, head);
    await buildsHead(stage, 8);
    const replay = replayJob(root, pullRequestWorkflow, 'preview', labelled(8), stage.harness());

    expect(replay.steps.find((step) => step.id === 'plan')?.outputs['url']).toBe('http://pr-8.dev.shop.example.com');
    expect(stage.pullRequest(8)?.labels).toEqual(['preview']);
    const build = replay.steps.find((step) => step.id === 'build');
    expect(build?.ran).toBe('harness');
    expect(build?.inputs).toMatchObject({
      registry,
      'repository-prefix': 'slipway/preview',
      'build-all': 'true',
      commit: head,
      'reuse-existing': 'true',
      'release-manifest': 'preview/release-manifest.json',
    });
    // The build action pushes to <registry>/<repository-prefix>/<service>: the preview repositories,
    // the same paths the previews ApplicationSet deploys from (its registry host is the placeholder).
    const deployed = previewImages();
    for (const service of services) {
      const pushed = imageRepository(registry, String(build?.inputs['repository-prefix']), service);
      const repository = deployed[service]?.repository ?? '';
      expect(pushed.slice(registry.length), service).toBe(repository.slice(repository.indexOf('/')));
    }
    expect(
      stage.attested.map(({ subjectName, subjectDigest, predicateType }) => [subjectName, subjectDigest, predicateType]).sort(),
    ).toEqual(services.map((service) => [`${registry}/slipway/preview/${service}`, digest(service), slsaProvenanceV1]).sort());
    expect(stage.verifications[0]?.['applications']).toBe('preview-pr-8');
    const { outputs } = outputsOf(pullRequestWorkflow, 'preview', replay);
    expect(outputs).toEqual({
      url: 'http://pr-8.dev.shop.example.com',
      summary: 'http://pr-8.dev.shop.example.com — Synced and Healthy, Playwright passed',
    });
  });

  it('stops with a clear summary when PREVIEW_CAP is not a whole number, touching no label', () => {
    const stage = applicationStage(openPullRequests());
    const event = labelled(5, 'five');
    let failure: unknown;
    try {
      replayJob(root, pullRequestWorkflow, 'preview', event, stage.harness());
    } catch (error) {
      failure = error;
    }
    expect((failure as StepFailed).step.outputs['summary']).toBe(
      "not set up: the repository variable PREVIEW_CAP must be a whole number, not 'five': set PREVIEW_CAP to one, or unset it (default 5)",
    );
    expect(stage.apiCalls()).toEqual([]);
    expect(stage.pullRequest(5)?.labels).toEqual(['preview']);
  });
});
