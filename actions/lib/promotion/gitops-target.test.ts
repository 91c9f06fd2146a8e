import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGitopsTarget } from './gitops-target.ts';
import { landOnBranch } from './landing.ts';
import { git } from '../git/git.ts';
import { createGitopsRemote, gitopsTree, removeGitopsRemotes, run } from '../../test-support/gitops-repository.ts';
import type { GitopsRemoteFixture } from '../../test-support/gitops-repository.ts';
import { startGitHttpServer } from '../../test-support/git-http-server.ts';
import type { GitHttpServer } from '../../test-support/git-http-server.ts';

const token = 'ghs_gitopsAppToken';
const header = `AUTHORIZATION: basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`;

let remote: GitopsRemoteFixture;
let server: GitHttpServer;
let url: string;
beforeAll(async () => {
  remote = createGitopsRemote(gitopsTree(['cart'], ['dev']));
  run(remote.bare, 'config', 'http.receivepack', 'true');
  server = await startGitHttpServer(join(remote.bare, '..'), token);
  url = `${server.url}/${remote.bare.split('/').pop() ?? ''}`;
});
afterAll(async () => {
  await server.close();
  removeGitopsRemotes();
});

/** actions/checkout with persist-credentials: false: cloned with the token, none kept in .git/config. */
async function checkoutWithoutCredentials(): Promise<string> {
  const checkout = join(mkdtempSync(join(tmpdir(), 'slipway-checkout-')), 'work');
  // Asynchronous git: the server answering it runs in this process.
  await git(['clone', '--quiet', url, checkout], { cwd: tmpdir(), credentials: { token } });
  expect(run(checkout, 'config', '--local', '--list')).not.toMatch(/extraheader/i);
  return checkout;
}

/** One promotion-shaped commit on main through the target: a new file under the GitOps tree. */
async function landOn(checkout: string, withToken: string | undefined): Promise<string | undefined> {
  const target = await openGitopsTarget({ checkout, branch: 'main', ...(withToken ? { token: withToken } : {}) });
  const landed = await landOnBranch(
    target.remote,
    async () => ({
      change: { files: new Map([[`gitops-repo/environments/dev/note-${Date.now()}.yaml`, 'note: true\n']]), message: 'promote dev: note' },
      result: undefined,
    }),
    { maxAttempts: 1 },
  );
  return landed.commit;
}

describe('a promotion into this checkout’s own remote, over HTTP that wants a token (git http-backend)', () => {
  it('pushes with the token input when the checkout kept no credentials (persist-credentials: false)', async () => {
    const checkout = await checkoutWithoutCredentials();
    const commit = await landOn(checkout, token);
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(remote.head()).toBe(commit);
  });

  it('cannot push without one: the remote refuses, and nothing lands', async () => {
    const checkout = await checkoutWithoutCredentials();
    const head = remote.head();
    const refused = server.refused;
    await expect(landOn(checkout, undefined)).rejects.toThrow(/could not read Username|Authentication failed|401/);
    expect(server.refused).toBeGreaterThan(refused);
    expect(remote.head()).toBe(head);
  });

  it('leaves a checkout that kept its own header alone: no second Authorization header', async () => {
    const checkout = await checkoutWithoutCredentials();
    run(checkout, 'config', '--local', `http.${server.url}/.extraheader`, header);
    const target = await openGitopsTarget({ checkout, branch: 'main', token: 'ghs_another' });
    expect(target.remote.credentials).toBeUndefined();
  });
});
