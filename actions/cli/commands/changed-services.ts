/**
 * `slipway changed-services [--since COMMIT] [--services-path app-repo/services] [--shared GLOB]… [--json]`:
 * the services the build would build — changed since COMMIT (shared code and the lockfile change
 * them all); every service with a Dockerfile when no commit is given. One name per line, or JSON.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { discoverServices } from '../../lib/images/build-release.ts';
import { changedPathsSince, changedServices, defaultChangeRules } from '../../lib/images/changed-services.ts';
import type { Command } from '../command.ts';

export const command: Command = {
  summary: 'list the services changed since a commit (the ones the build would build)',
  usage: 'slipway changed-services [--since COMMIT] [--services-path app-repo/services] [--shared GLOB]... [--json]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        since: { type: 'string' },
        'services-path': { type: 'string', default: defaultChangeRules.servicesRoot },
        shared: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const servicesPath = values['services-path'];
    const all = discoverServices(resolve(io.cwd), servicesPath, `${servicesPath}/{service}/Dockerfile`);
    const selection = values.since
      ? changedServices(await changedPathsSince(io.cwd, values.since), all, {
          servicesRoot: servicesPath,
          sharedPatterns: values.shared ?? defaultChangeRules.sharedPatterns,
        })
      : { services: all, reasons: Object.fromEntries(all.map((service) => [service, 'no commit given'])) };
    if (values.json) io.out(JSON.stringify(selection.services));
    else for (const service of selection.services) io.out(`${service}\t${selection.reasons[service] ?? ''}`);
    return 0;
  },
};
