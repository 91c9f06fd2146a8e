/**
 * Promoting "what dev runs" (release: dev, and the automatic promotion after a Release run),
 * replayed against the workflows: the plan checks that every release dev's images come from passed
 * its dev verification (each release's Release run and verified-in-dev marker, read through the
 * GitHub Actions API stand-in), and the approved promote job promotes dev only while dev still runs
 * exactly the images the plan checked. Prod's pins are compared before and after every refusal.
 */
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatImageReference } from '../../actions/lib/release/image-reference.ts';
import type { ReleaseManifest } from '../../actions/lib/release/release-manifest.ts';
import { run } from '../../actions/test-support/gitops-repository.ts';
import type { GitopsRemoteFixture } from '../../actions/test-support/gitops-repository.ts';
import type { Stage } from './replay-stage.ts';
import {
  context,
  devRunsFirstRelease,
  dispatch,
  outputsOf,
  pins,
  promoteProd,
  releaseOf,
  root,
  verifiedMarker,
  withGitHubApiAndSigstore,
} from './replay-stage.ts';
import { jobOutputs, replayJob } from './workflow-replay.ts';

withGitHubApiAndSigstore();

let remote: GitopsRemoteFixture;
let stage: Stage;
let first: ReleaseManifest;
let second: ReleaseManifest;

/** `service=repository:tag@digest`, as the plan hands the checked images to the promote job. */
const checkedImage = (manifest: ReleaseManifest, service: string): string => {
  const image = manifest.services[service]?.image;
  if (!image) throw new Error(`release ${manifest.id} has no ${service} image`);
  return `${service}=${formatImageReference(image)}`;
};

/** Commits a change to dev's order pin by hand (no promotion trailers), as a colleague with push rights could. */
function pinOrderByHand(digest: string): string {
  const checkout = remote.clone(`by-hand-${Date.now()}`);
  const file = 'gitops-repo/environments/dev/services/order.yaml';
  const text = remote.show(file);
  const current = /digest: (sha256:[0-9a-f]{64})/.exec(text)?.[1] ?? '';
  run(checkout, 'config', 'user.name', 'Colleague');
  run(checkout, 'config', 'user.email', 'colleague@example.com');
  const path = `${checkout}/${file}`;
  writeFileSync(path, text.replace(current, digest));
  run(checkout, 'commit', '--quiet', '-am', 'order: try the fixed image in dev');
  run(checkout, 'push', '--quiet', 'origin', 'main');
  return current;
}

beforeAll(async () => {
  ({ remote, stage, first } = await devRunsFirstRelease('a1a1a1a'.padEnd(40, '1')));
  second = releaseOf(remote, 'b2b2b2b'.padEnd(40, '2'), '2026-11-21T10:00:00Z', ['cart']);
  await stage.merge(second, 502);
});

describe('promoting what dev runs, replayed: every release dev runs passed its dev verification, and nothing else is promoted', () => {
  // Markers as a release's dev soak can leave them: none uploaded, a failed SLO, past retention.
  it.each<[string, (marker: Stage['artifacts'][number]) => void, RegExp]>([
    [
      'has no verified-in-dev marker',
      (marker) => {
        marker.name = 'release-verified-dev-elsewhere';
      },
      /has not passed verification in dev \(run 502 built it but uploaded no release-verified-dev-b2b2b2b-\S+ artifact\)/,
    ],
    [
      'has a marker whose SLO failed during the soak',
      (marker) => {
        marker.files = {
          'verified.json': verifiedMarker(second.id, 'cart', {
            slo: [{ service: 'cart', version: 'sha-b2b2b2b', requests: 900, errorRatio: 0.08, slowRatio: 0.01, ok: false }],
          }),
        };
      },
      /\(Release run 502\) release b2b2b2b-\S+: release-verified-dev-\S+\/verified\.json records SLO figures that are incomplete or not met \(cart\)/,
    ],
    [
      'has a marker past its retention',
      (marker) => (marker.expired = true),
      /marker of run 502 has expired \(artifacts are kept 90 days\)/,
    ],
  ])(
    'dev runs a release that %s: the plan refuses, naming the service, the release and the reason; nothing is written',
    (_name, spoil, reason) => {
      const index = stage.artifacts.findIndex((artifact) => artifact.name === `release-verified-dev-${second.id}`);
      const kept = stage.artifacts[index];
      if (!kept) throw new Error('the dev job uploaded no marker');
      const spoiled = structuredClone(kept);
      spoil(spoiled);
      stage.artifacts[index] = spoiled;
      const prodBefore = pins(remote, 'prod');
      const head = remote.head();
      let refusal = '';
      try {
        stage.promoteWith(dispatch('dev'));
      } catch (error) {
        refusal = (error as Error).message;
      } finally {
        stage.artifacts[index] = kept;
      }
      expect(refusal).toMatch(/^Every release dev runs passed its dev verification: the script failed \(exit 1\)/);
      expect(refusal).toMatch(/prod refuses what dev runs now \([0-9a-f]{12}\):/);
      expect(refusal).toMatch(new RegExp(`cart: dev runs release ${second.id}, which prod may not take: `));
      expect(refusal).toMatch(reason);
      expect(pins(remote, 'prod')).toEqual(prodBefore);
      expect(remote.head()).toBe(head);
    },
  );

  it('an image in dev that no promotion recorded (a hand-written commit) is refused at the plan, with the reason', () => {
    const unverified = `sha256:${'d'.repeat(64)}`;
    const was = pinOrderByHand(unverified);
    const prodBefore = pins(remote, 'prod');
    expect(() => stage.promoteWith(dispatch('dev'))).toThrow(
      new RegExp(
        `order: dev runs \\S+/order:sha-a1a1a1a@${unverified}, which no promotion commit of dev records \\(a hand-written commit or a pin set by hand\\)`,
      ),
    );
    expect(pins(remote, 'prod')).toEqual(prodBefore);
    pinOrderByHand(was);
  });

  it('dev verified → the plan checks each release dev runs and prod gets exactly the checked images', () => {
    const { plan, promote } = stage.promoteWith(dispatch('dev', 'release-manager'));
    const check = plan.steps.find((step) => step.id === 'dev-releases');
    expect(check?.ran).toBe('script');
    expect(check?.stdout).toContain(`cart: release ${second.id}, built and verified in dev by run 502 of .github/workflows/release.yml`);
    expect(check?.stdout).toContain(`frontend, order, product: release ${first.id}, built and verified in dev by run 501`);
    const checked = ['cart', 'frontend', 'order', 'product'].map((service) => checkedImage(service === 'cart' ? second : first, service));
    expect(jobOutputs(promoteProd, 'plan', plan)['checked-images']).toBe(checked.join(','));
    expect(promote.steps.find((step) => step.id === 'promote')?.inputs).toMatchObject({
      'from-environment': 'dev',
      'checked-images': checked.join(','),
    });
    expect(pins(remote, 'prod')).toEqual(pins(remote, 'dev'));
  });

  it('dev moved while the promotion waited for its reviewer: the approved promote job refuses and writes nothing; the next run checks and promotes what dev runs then', async () => {
    const third = releaseOf(remote, 'c3c3c3c'.padEnd(40, '3'), '2026-11-22T10:00:00Z', ['cart']);
    await stage.merge(third, 503);
    const values = dispatch('dev', 'release-manager');
    const plan = outputsOf(promoteProd, 'plan', replayJob(root, promoteProd, 'plan', context(values), stage.harness()));
    expect(plan.outputs['checked-images']).toContain(checkedImage(third, 'cart'));

    // During the approval wait a colleague pins an image by hand in dev: nothing checked it.
    const unverified = `sha256:${'e'.repeat(64)}`;
    const was = pinOrderByHand(unverified);
    const prodBefore = pins(remote, 'prod');
    const head = remote.head();
    expect(() => replayJob(root, promoteProd, 'promote', context({ ...values, needs: { plan } }), stage.harness())).toThrow(
      new RegExp(
        `dev changed since its images were checked \\(order runs \\S+/order:sha-a1a1a1a@${unverified}, the check read \\S+/order:sha-a1a1a1a@${first.services['order']?.image.digest}\\): nothing was written`,
      ),
    );
    expect(pins(remote, 'prod')).toEqual(prodBefore);
    expect(remote.head()).toBe(head);

    // Put back, a new run checks what dev runs now and promotes exactly that.
    pinOrderByHand(was);
    stage.promoteWith(values);
    expect(pins(remote, 'prod')['cart']).toEqual(third.services['cart']?.image);
    expect(pins(remote, 'prod')).toEqual(pins(remote, 'dev'));
  }, 180_000);
});
