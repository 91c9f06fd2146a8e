import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../main.ts';

describe('slipway changed-services (a real git repository)', () => {
  it('lists the services changed since a commit, all of them without one', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'slipway-changed-cli-'));
    const git = (...args: string[]) => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim();
    const write = (path: string, text: string) => {
      mkdirSync(dirname(join(cwd, path)), { recursive: true });
      writeFileSync(join(cwd, path), text);
    };
    git('init', '-q', '-b', 'main');
    git('config', 'user.email', 't@example.com');
    git('config', 'user.name', 'T');
    for (const service of ['cart', 'order']) write(`app-repo/services/${service}/Dockerfile`, 'FROM scratch\n');
    write('app-repo/services/docs/README.md', 'no Dockerfile: not a service\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'one');
    const since = git('rev-parse', 'HEAD');
    write('app-repo/services/order/src.ts', 'export {};\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'two');
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const code = await main(['changed-services', ...args], {
        cwd,
        env: {},
        out: (line) => out.push(line),
        err: (line) => out.push(line),
      });
      return { code, out };
    };
    expect(await run('--since', since, '--json')).toEqual({ code: 0, out: ['["order"]'] });
    expect(await run()).toEqual({ code: 0, out: ['cart\tno commit given', 'order\tno commit given'] });
    expect(await run('--since', since, '--shared', 'app-repo/services/order/**')).toEqual({
      code: 0,
      out: [
        'cart\tapp-repo/services/order/src.ts changed (shared: app-repo/services/order/**)',
        'order\tapp-repo/services/order/src.ts changed (shared: app-repo/services/order/**)',
      ],
    });
  });
});
