/**
 * Test support: a local HTTP stand-in for GitHub's commit comparison and commit → pull requests
 * endpoints, answering in the documented shapes (docs.github.com/en/rest/commits/commits, API
 * version 2022-11-28), over a linear history given oldest first, on 127.0.0.1 only:
 *
 *   GET /repos/{o}/{r}/compare/{base}...{head}     { status, ahead_by, behind_by, total_commits, commits: [{ sha, commit: { message } }] }
 *   GET /repos/{o}/{r}/commits/{sha}/pulls         [ { number, title, html_url, state } ]
 *
 * An unknown commit answers 404 as GitHub does ({ message: 'Not Found' }).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInCommit {
  sha: string;
  message: string;
  pulls?: { number: number; title: string }[];
}

export interface CommitsApi {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

export async function startCommitsApi(owner: string, repo: string, history: readonly StandInCommit[]): Promise<CommitsApi> {
  const requests: string[] = [];
  const index = new Map(history.map((commit, position) => [commit.sha, position]));
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(`${request.method} ${path}`);
    const send = (status: number, body: unknown): void => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    const prefix = `/repos/${owner}/${repo}/`;
    const compare = path.startsWith(`${prefix}compare/`) ? /^(\w+)\.\.\.(\w+)$/.exec(path.slice(`${prefix}compare/`.length)) : null;
    const pulls = path.startsWith(`${prefix}commits/`) ? /^(\w+)\/pulls$/.exec(path.slice(`${prefix}commits/`.length)) : null;
    if (compare) {
      const base = index.get(compare[1] ?? '');
      const head = index.get(compare[2] ?? '');
      if (base === undefined || head === undefined) return send(404, { message: 'Not Found' });
      const commits = head > base ? history.slice(base + 1, head + 1) : [];
      const status = head > base ? 'ahead' : head < base ? 'behind' : 'identical';
      return send(200, {
        status,
        ahead_by: commits.length,
        behind_by: head < base ? base - head : 0,
        total_commits: commits.length,
        commits: commits.map((commit) => ({ sha: commit.sha, commit: { message: commit.message } })),
      });
    }
    const commit = pulls ? history[index.get(pulls[1] ?? '') ?? -1] : undefined;
    if (commit)
      return send(
        200,
        (commit.pulls ?? []).map((pull) => ({
          ...pull,
          state: 'closed',
          html_url: `https://github.com/${owner}/${repo}/pull/${pull.number}`,
        })),
      );
    send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
