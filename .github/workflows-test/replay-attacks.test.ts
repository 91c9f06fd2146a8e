/**
 * The ways around the production gate, replayed against the workflows as an attacker (or a hurried
 * colleague) would try them: each is refused, or the thing it would have displaced is kept, with a
 * message that says why. Prod's pins are compared before and after every attempt.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatReleaseManifest } from '../../actions/lib/release/release-manifest.ts';
import type { ReleaseManifest } from '../../actions/lib/release/release-manifest.ts';
import { run } from '../../actions/test-support/gitops-repository.ts';
import type { GitopsRemoteFixture } from '../../actions/test-support/gitops-repository.ts';
import type { Stage } from './replay-stage.ts';
import {
  context,
  devRunsFirstRelease,
  dispatch,
  pins,
  promoteProd,
  releaseCompleted,
  releaseOf,
  rollback,
  root,
  verifiedMarker,
  withGitHubApiAndSigstore,
} from './replay-stage.ts';
import { replayJob } from './workflow-replay.ts';

withGitHubApiAndSigstore();

let remote: GitopsRemoteFixture;
let stage: Stage;
let first: ReleaseManifest;

beforeAll(async () => {
  ({ remote, stage, first } = await devRunsFirstRelease('1111111111111111111111111111111111111111'));
});

describe('the ways around the production gate, replayed', () => {
  it('a release manifest uploaded by a pull request’s run (a fork’s, for its own main) is refused: no artifact of that name counts unless a push run of release.yml on main uploaded it', () => {
    const evil = releaseOf(remote, 'e0e0e0e'.padEnd(40, '1'), '2026-11-23T00:00:00Z', ['cart']);
    stage.releaseBuilt(evil, 901, { event: 'pull_request', headBranch: 'main', headRepository: 'mallory/slipway' });
    stage.marker(evil.id, 901);
    const prodBefore = pins(remote, 'prod');
    const downloads = stage.ghLog().length;
    expect(() => stage.promoteWith(dispatch(evil.id))).toThrow(
      /comes only from runs that may not promote \(run 901 was triggered by pull_request, not by push\); a release manifest counts only from a push of \.github\/workflows\/release\.yml to main of example\/slipway/,
    );
    expect(pins(remote, 'prod')).toEqual(prodBefore);
    expect(stage.ghLog().length).toBe(downloads);
  });

  it('a verified-in-dev marker from another run than the one that built the release is refused', () => {
    const unverified = releaseOf(remote, 'abcabca'.padEnd(40, '2'), '2026-11-23T01:00:00Z', ['order']);
    stage.releaseBuilt(unverified, 801);
    stage.releaseRun(803, 'f00f00f'.padEnd(40, '3'), { event: 'pull_request', headBranch: 'add-marker' });
    stage.marker(unverified.id, 803);
    const prodBefore = pins(remote, 'prod');
    expect(() => stage.promoteWith(dispatch(unverified.id))).toThrow(
      /marker comes from run 803 was triggered by pull_request, not by push, not from run 801 that built the release; a marker counts only from the run that built and verified it/,
    );
    expect(pins(remote, 'prod')).toEqual(prodBefore);
  });

  // Markers as they come: the dev job's verified.json of an older Slipway (no soak), a soak whose SLO
  // failed, a copy of another release's marker, one past its retention. Prod reads each one's content.
  it.each<[string, number, (id: string) => [string, { expired?: boolean }?], RegExp]>([
    [
      'a marker written without a soak',
      841,
      (id) => [JSON.stringify({ releaseId: id, environment: 'dev', gitopsCommit: 'f'.repeat(40), verified: true })],
      /was verified in dev without a soak \(release-verified-dev-\S+\/verified\.json records no soakSeconds\); prod takes only a release that stayed Healthy through dev's soak window/,
    ],
    [
      'a marker whose SLO failed during the soak',
      842,
      (id) => [
        verifiedMarker(id, 'order', {
          slo: [{ service: 'order', version: 'sha-8420000', requests: 900, errorRatio: 0.08, slowRatio: 0.01, ok: false }],
        }),
      ],
      /records SLO figures that are incomplete or not met \(order\)/,
    ],
    [
      'a marker copied from another release',
      843,
      () => [verifiedMarker('1111111-20261120T100000Z')],
      /verified\.json names release 1111111-20261120T100000Z, not /,
    ],
    [
      'a marker past its retention (expired)',
      844,
      (id) => [verifiedMarker(id), { expired: true }],
      /marker of run 844 has expired \(artifacts are kept 90 days\), so its soak and SLO figures cannot be read/,
    ],
  ])('%s is read and refused at the plan, with its reason; nothing is written', (_name, runId, content, reason) => {
    const candidate = releaseOf(remote, `${runId}abcd`.padEnd(40, '9'), '2026-11-23T03:00:00Z', ['order']);
    stage.releaseBuilt(candidate, runId);
    const [text, options] = content(candidate.id);
    stage.marker(candidate.id, runId, text, options);
    const prodBefore = pins(remote, 'prod');
    const head = remote.head();
    const downloads = stage.ghLog().length;
    let refusal = '';
    try {
      stage.promoteWith(dispatch(candidate.id));
    } catch (error) {
      refusal = (error as Error).message;
    }
    expect(refusal).toMatch(reason);
    expect(refusal).toMatch(/verify it in dev again \(a Release run of a newer commit\), or promote another release that passed/);
    expect(pins(remote, 'prod')).toEqual(prodBefore);
    expect(remote.head()).toBe(head);
    expect(stage.ghLog().length).toBe(downloads);
  });

  it.each([
    [
      'a fork’s pull request whose workflow is named Release, from the fork’s main',
      { event: 'pull_request', head_repository: { full_name: 'mallory/slipway' } },
    ],
    [
      'a fork’s workflow named Release at another path',
      { event: 'pull_request', path: '.github/workflows/evil.yml', head_repository: { full_name: 'mallory/slipway' } },
    ],
    ['this repository’s pull request run of release.yml', { event: 'pull_request', head_branch: 'main' }],
  ])('%s does not start a prod promotion: the plan job’s if names what it checks', (_, run) => {
    stage.releaseRun(66, first.source.commit, { event: 'pull_request', headRepository: 'mallory/slipway' });
    stage.marker(first.id, 66);
    const prodBefore = pins(remote, 'prod');
    const fork = context({ event_name: 'workflow_run', actor: 'mallory', event: releaseCompleted(66, run) });
    expect(() => replayJob(root, promoteProd, 'plan', fork, stage.harness())).toThrow(
      /the job's if \(.*github\.event\.workflow_run\.event == 'push'.*github\.event\.workflow_run\.path == '\.github\/workflows\/release\.yml'.*github\.event\.workflow_run\.head_repository\.full_name == github\.repository.*\) is false/s,
    );
    expect(pins(remote, 'prod')).toEqual(prodBefore);
  });

  it('a release whose chart revision is a branch, not a commit, is refused before anything is written', () => {
    const branchy = releaseOf(remote, 'c4a47c4'.padEnd(40, '4'), '2026-11-23T02:00:00Z', ['cart']);
    const text = formatReleaseManifest(branchy).replace('"scan": {', '"chart": { "revision": "main" },\n      "scan": {');
    expect(text).toContain('"revision": "main"');
    stage.releaseRun(811, branchy.source.commit);
    stage.artifact(`release-manifest-${branchy.id}`, 811, { 'release-manifest.json': text });
    stage.marker(branchy.id, 811);
    const prodBefore = pins(remote, 'prod');
    const head = remote.head();
    expect(() => stage.promoteWith(dispatch(branchy.id))).toThrow(/\/services\/cart\/chart\/revision: must be a full 40-hex commit SHA/);
    expect(pins(remote, 'prod')).toEqual(prodBefore);
    expect(remote.head()).toBe(head);
  });

  it('a rollback of prod waiting for its reviewer is kept: a promotion behind it writes nothing and says why, then the rollback runs', async () => {
    // Prod runs the first release, then a promotion the on-call wants to undo.
    stage.promoteWith(dispatch(first.id));
    const second = releaseOf(remote, '2222222'.padEnd(40, '5'), '2026-11-24T00:00:00Z', ['cart']);
    await stage.merge(second, 502);
    stage.promoteWith(dispatch(second.id));
    expect(pins(remote, 'prod')['cart']).toEqual(second.services['cart']?.image);

    // The rollback waits for a reviewer in its own queue; a newer promotion comes in behind it.
    stage.rollbackRun(41, 'prod', 'waiting');
    const groups = {
      rollback: parse(readFileSync(rollback, 'utf8')).jobs['rollback-prod'].concurrency.group,
      promotion: parse(readFileSync(promoteProd, 'utf8')).concurrency.group,
    };
    expect(groups.rollback).not.toBe(groups.promotion);
    const third = releaseOf(remote, '3333333'.padEnd(40, '6'), '2026-11-25T00:00:00Z', ['cart']);
    await stage.merge(third, 503);
    const head = remote.head();
    expect(() => stage.promoteWith({ event_name: 'workflow_run', actor: 'merger', event: releaseCompleted(503) })).toThrow(
      /a rollback of prod has not finished \(run 41: waiting\): this promotion writes nothing, so the rollback is not overtaken/,
    );
    expect(remote.head()).toBe(head);
    expect(pins(remote, 'prod')['cart']).toEqual(second.services['cart']?.image);

    // Approved, the rollback runs (it is the unfinished run the promotion saw) and lands.
    replayJob(
      root,
      rollback,
      'rollback-prod',
      context({ event_name: 'workflow_dispatch', actor: 'on-call', inputs: { environment: 'prod', reason: 'cart errors' } }),
      stage.harness(),
    );
    expect(pins(remote, 'prod')['cart']).toEqual(first.services['cart']?.image);
    expect(run(remote.bare, 'log', '-1', '--format=%s', 'main')).toMatch(/^rollback prod:/);
  }, 180_000); // nine jobs replayed one after another

  it('an image without an attestation reaches dev only while DEV_REQUIRE_PROVENANCE is false, and the summary says so in bold; prod refuses it, naming the service, digest and reason, and writes nothing', async () => {
    // The rollback of the case above has finished.
    for (const waiting of stage.runs.filter((candidate) => candidate.status === 'waiting')) waiting.status = 'completed';
    const unattested = releaseOf(remote, '7777777'.padEnd(40, '7'), '2026-11-26T00:00:00Z', ['order']);
    const digest = unattested.services['order']?.image.digest ?? '';
    // Required by default: dev refuses it too, before any write.
    const devBefore = remote.head();
    await expect(stage.merge(unattested, 520, { attest: false })).rejects.toThrow(new RegExp(`order: ${digest} refused: no attestation`));
    expect(remote.head()).toBe(devBefore);

    const promoted = await stage.merge(unattested, 521, { attest: false, vars: { DEV_REQUIRE_PROVENANCE: 'false' } });
    const step = promoted.steps.find((candidate) => candidate.id === 'promote');
    expect(step?.inputs['require-provenance']).toBe('false');
    expect(step?.summary).toContain('**Provenance was not verified: `require-provenance` is `false`');
    expect(pins(remote, 'dev')['order']).toEqual(unattested.services['order']?.image);

    const prodBefore = pins(remote, 'prod');
    const head = remote.head();
    // DEV_REQUIRE_PROVENANCE does not reach prod.
    const dispatched = { ...dispatch('dev'), vars: { DEV_REQUIRE_PROVENANCE: 'false' } };
    expect(() => stage.promoteWith(dispatched)).toThrow(
      new RegExp(
        `provenance refused for 1 image\\(s\\); nothing was written to the GitOps repository:(%0A|\\s)+order: ${digest} refused: no attestation`,
      ),
    );
    expect(remote.head()).toBe(head);
    expect(pins(remote, 'prod')).toEqual(prodBefore);
  });

  it('an image attested by another workflow of the repository (not release.yml) is refused at prod, and nothing is written', async () => {
    const elsewhere = releaseOf(remote, '8888888'.padEnd(40, '8'), '2026-11-27T00:00:00Z', ['frontend']);
    await stage.publish(elsewhere, { workflow: '.github/workflows/pull-request.yml' });
    await stage.merge(elsewhere, 530, { attest: false, vars: { DEV_REQUIRE_PROVENANCE: 'false' } });
    const head = remote.head();
    expect(() => stage.promoteWith(dispatch(elsewhere.id))).toThrow(
      new RegExp(`frontend: ${elsewhere.services['frontend']?.image.digest} refused: wrong workflow`),
    );
    expect(remote.head()).toBe(head);
  });
});
