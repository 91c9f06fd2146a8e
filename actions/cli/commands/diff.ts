import { diffEnvironments } from '../../lib/promotion/environment-diff.ts';
import type { EnvironmentImage } from '../../lib/promotion/environment-diff.ts';
import { git } from '../../lib/git/git.ts';
import { HeadSnapshot } from '../../lib/promotion/landing.ts';
import { shortDigest } from '../../lib/release/image-reference.ts';
import { environmentPins } from '../../lib/promotion/environment-images.ts';
import { defaultYamlLimits } from '../../lib/manifests/yaml-edit.ts';
import { repositoryPath } from '../../lib/shell/workspace-paths.ts';
import type { Command } from '../command.ts';
import { parseCommandArgs, UsageError } from '../command.ts';

function show(image: EnvironmentImage | undefined): string {
  if (!image) return '(not deployed)';
  return `${image.tag ?? '?'} ${image.digest ? shortDigest(image.digest) : '(no digest)'}${image.sourceCommit ? ` source ${image.sourceCommit.slice(0, 12)}` : ''}`;
}

/** Commits between two source commits, when the checkout has both (the monorepo case). */
async function commitsBetween(cwd: string, older: string | undefined, newer: string | undefined): Promise<string[]> {
  if (!older || !newer || /^0+$/.test(older) || /^0+$/.test(newer)) return [];
  try {
    const log = await git(['log', '--format=%h %s', '-n', '20', `${older}..${newer}`, '--'], { cwd });
    return log.split('\n').filter((line) => line !== '');
  } catch {
    return [];
  }
}

export const command: Command = {
  summary: 'list the services whose images differ between two environments and the source commits a promotion would bring',
  usage: 'slipway diff <from-environment> <to-environment> [--gitops-path gitops-repo] [--ref HEAD] [--json]',
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      'gitops-path': { type: 'string', default: 'gitops-repo' },
      ref: { type: 'string', default: 'HEAD' },
      json: { type: 'boolean', default: false },
    });
    const [from, to, ...extra] = positionals;
    if (!from || !to || extra.length > 0) throw new UsageError('give two environments, e.g. slipway diff dev prod');
    const gitopsPath = repositoryPath(values['gitops-path'], '--gitops-path');
    const head = await HeadSnapshot.open(io.cwd, values.ref);
    if (!head) throw new UsageError(`--ref ${values.ref} is not a commit in this repository`);
    const side = async (environment: string) => ({
      pins: await environmentPins(head, gitopsPath, environment, defaultYamlLimits),
      history: await head.promotions(environment),
    });
    let differences;
    try {
      differences = diffEnvironments(await side(from), await side(to));
    } finally {
      head.close();
    }
    const differing = differences.filter((difference) => difference.differs);
    const changed = differing.filter((difference) => !difference.targetNewer);
    const kept = differing.filter((difference) => difference.targetNewer);
    if (values.json) {
      io.out(JSON.stringify({ from, to, differences }, null, 2));
      return 0;
    }
    if (differing.length === 0) {
      io.out(`${from} and ${to} run the same images (${differences.length} services).`);
      return 0;
    }
    io.out(
      `${differing.length} of ${differences.length} services differ; promoting ${from} -> ${to} would change${changed.length === 0 ? ' nothing.' : ':'}`,
    );
    for (const difference of changed) {
      io.out(`  ${difference.service}: ${to} ${show(difference.to)}  <-  ${from} ${show(difference.from)}`);
      for (const line of await commitsBetween(io.cwd, difference.to?.sourceCommit, difference.from?.sourceCommit)) io.out(`      ${line}`);
    }
    if (kept.length > 0) {
      io.out(`${to} runs a newer release than ${from} of these; a promotion keeps them (slipway rollback ${to} goes back):`);
      for (const difference of kept)
        io.out(`  ${difference.service}: ${to} ${show(difference.to)}  newer than  ${from} ${show(difference.from)}`);
    }
    return 0;
  },
};
