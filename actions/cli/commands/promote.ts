import { readFileSync } from 'node:fs';
import { parsePinnedImage } from '../../lib/release/image-reference.ts';
import { promote } from '../../lib/promotion/promote.ts';
import type { PromotionSource } from '../../lib/promotion/promote.ts';
import { parseReleaseManifest } from '../../lib/release/release-manifest.ts';
import { insideRoot } from '../../lib/shell/workspace-paths.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../command.ts';
import { gitopsUsage, openTarget, parseCommandArgs, pullRequestTarget, reportPromotion } from '../gitops-options.ts';

const serviceName = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const command: Command = {
  summary: 'promote a release manifest, explicit images, or another environment\'s exact digests into an environment',
  usage: `slipway promote <environment> (--release FILE | --set SERVICE=REPOSITORY:TAG@sha256:… … [--source-commit SHA] | --from ENVIRONMENT) [--service NAME …] [--dry-run] ${gitopsUsage}`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      release: { type: 'string' },
      set: { type: 'string', multiple: true },
      from: { type: 'string' },
      service: { type: 'string', multiple: true },
      'source-commit': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    });
    const [environment, ...extra] = positionals;
    if (!environment || extra.length > 0) throw new UsageError('give exactly one environment');
    const chosen = [values.release, values.set, values.from].filter((value) => value !== undefined);
    if (chosen.length !== 1) throw new UsageError('give exactly one of --release, --set, --from');
    let source: PromotionSource;
    if (values.release !== undefined) {
      const file = insideRoot(io.cwd, values.release, '--release');
      source = { kind: 'release', manifest: parseReleaseManifest(readFileSync(file, 'utf8'), values.release), ...(values.service ? { services: values.service } : {}) };
    } else if (values.set !== undefined) {
      const images = values.set.map((assignment) => {
        const equals = assignment.indexOf('=');
        const service = assignment.slice(0, equals);
        if (equals <= 0 || !serviceName.test(service)) throw new UsageError(`--set '${assignment}': expected SERVICE=REPOSITORY:TAG@sha256:…`);
        return { service, image: parsePinnedImage(assignment.slice(equals + 1), `--set ${service}`) };
      });
      const sourceCommit = values['source-commit'];
      if (sourceCommit !== undefined && !/^[0-9a-f]{7,64}$/.test(sourceCommit)) throw new UsageError(`--source-commit '${sourceCommit}' is not a commit id (7 to 64 lowercase hex characters)`);
      source = { kind: 'images', images, ...(sourceCommit ? { sourceCommit } : {}) };
    } else {
      source = { kind: 'environment', from: String(values.from), ...(values.service ? { services: values.service } : {}) };
    }
    const pullRequest = pullRequestTarget(values, io);
    const target = await openTarget(values, io);
    try {
      const result = await promote({
        remote: target.remote,
        gitopsPath: target.gitopsPath,
        environment,
        source,
        ...(values.approver ? { approver: values.approver } : {}),
        ...(pullRequest ? { pullRequest } : {}),
        ...(values['dry-run'] ? { dryRun: true } : {}),
        log: io.err,
      });
      if (values['dry-run']) {
        io.out(result.diff ? result.diff.trimEnd() : `${environment}: nothing to change`);
        for (const skipped of result.plan.skipped) io.out(`${skipped.service}: skipped — ${skipped.reason}`);
        return 0;
      }
      return reportPromotion(result, io);
    } finally {
      target.close();
    }
  },
};
