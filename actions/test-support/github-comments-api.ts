/**
 * Test support: a local HTTP server answering GitHub's REST issue-comment endpoints in their
 * documented shapes — list (per_page/page with a Link header), create (201), update (200) — with
 * GitHub's 401 `Bad credentials` body for a wrong token.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StoredComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

export interface GitHubCommentsApi {
  url: string;
  comments: StoredComment[];
  requests: string[];
  close(): Promise<void>;
}

export async function startGitHubCommentsApi(options: {
  token: string;
  owner: string;
  repo: string;
  issue: number;
  comments?: StoredComment[];
}): Promise<GitHubCommentsApi> {
  const comments = options.comments ?? [];
  const requests: string[] = [];
  let nextId = 9000;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const base = `http://${request.headers.host}`;
      const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        response.end(JSON.stringify(body));
      };
      if (request.headers.authorization !== `token ${options.token}` && request.headers.authorization !== `Bearer ${options.token}`) {
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
      }
      const view = (comment: StoredComment) => ({
        id: comment.id,
        node_id: `IC_${comment.id}`,
        url: `${base}/repos/${options.owner}/${options.repo}/issues/comments/${comment.id}`,
        html_url: `https://github.com/${options.owner}/${options.repo}/pull/${options.issue}#issuecomment-${comment.id}`,
        issue_url: `${base}/repos/${options.owner}/${options.repo}/issues/${options.issue}`,
        body: comment.body,
        user: { login: comment.user.login, id: 1, type: comment.user.type },
        created_at: '2026-11-22T04:00:00Z',
        updated_at: '2026-11-22T04:00:00Z',
        author_association: 'NONE',
      });
      const list = `/repos/${options.owner}/${options.repo}/issues/${options.issue}/comments`;
      if (url.pathname === list && request.method === 'GET') {
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const last = Math.max(1, Math.ceil(comments.length / perPage));
        const links: string[] = [];
        if (page < last)
          links.push(
            `<${base}${list}?per_page=${perPage}&page=${page + 1}>; rel="next"`,
            `<${base}${list}?per_page=${perPage}&page=${last}>; rel="last"`,
          );
        return send(200, comments.slice((page - 1) * perPage, page * perPage).map(view), links.length ? { link: links.join(', ') } : {});
      }
      if (url.pathname === list && request.method === 'POST') {
        const { body } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body: string };
        const comment = { id: (nextId += 1), body, user: { login: 'github-actions[bot]', type: 'Bot' } };
        comments.push(comment);
        return send(201, view(comment));
      }
      const edit = new RegExp(`^/repos/${options.owner}/${options.repo}/issues/comments/(\\d+)$`).exec(url.pathname);
      if (edit && request.method === 'PATCH') {
        const comment = comments.find((candidate) => candidate.id === Number(edit[1]));
        if (!comment) return send(404, { message: 'Not Found', status: '404' });
        comment.body = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { body: string }).body;
        return send(200, view(comment));
      }
      send(404, { message: 'Not Found', status: '404' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    comments,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
