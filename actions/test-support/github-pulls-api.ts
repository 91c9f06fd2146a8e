/**
 * Test support: the pull-request part of the GitHub REST API stand-in (github-actions-api.ts) that the
 * preview housekeeping and the preview cap call, in the documented shapes (docs.github.com/en/rest,
 * API version 2022-11-28):
 *
 *   GET    /repos/{o}/{r}/pulls?state=&per_page=&page=     "List pull requests" (pulls/pulls): state open by
 *          default, newest first (sort created, direction desc by default), per_page 30 by default and at
 *          most 100, and a Link header with rel="next"/"last" (and "first"/"prev" after page 1), the
 *          pagination octokit.paginate follows (slipway preview-label)
 *   GET    /repos/{o}/{r}/commits/{ref}                    "Get a commit" (commits/commits): { sha, commit: { author, committer: { date } } }
 *   GET    /repos/{o}/{r}/issues/{n}/events                "List issue events" (issues/events): [{ id, event, label: { name,
 *          color }, created_at, actor }] (the events the test gives, oldest first)
 *   DELETE /repos/{o}/{r}/issues/{n}/labels/{name}         "Remove a label from an issue" (issues/labels): 200 with
 *          the labels left, 404 "Label does not exist" when the issue does not carry it
 *   POST   /repos/{o}/{r}/issues/{n}/comments              "Create an issue comment" (issues/comments): 201, 422 without a body
 *
 * A pull request from a fork has its fork as `head.repo`; a deleted fork's pull request has `head.repo: null`.
 * (The `pull-request-simple` schema of "List pull requests" in @octokit/openapi-types 29.0.1 types
 * head.repo as a `repository`, never null; GitHub answers null all the same: github/rest-api-description
 * issue 1811, the same as issue 424 fixed for the `pull-request` schema.) Issue events answer the
 * `labeled-issue-event` schema (id, actor, event, created_at, label: { name, color }).
 */

export interface StandInPullRequest {
  number: number;
  title: string;
  /** The head branch's name. */
  branch: string;
  headSha: string;
  /** owner/name of the repository the head branch lives in (a fork's); null once that fork is deleted. */
  headRepository: string | null;
  labels: string[];
  /**
   * The labels "List pull requests" shows, when they differ from `labels`: someone changed them after the
   * list was read (a label taken off in between, so removing it answers 404). By default `labels`.
   */
  listedLabels?: string[];
  /** The head commit's committer date, ISO 8601 (what "Get a commit" answers as commit.committer.date). */
  committedAt: string;
  state?: 'open' | 'closed';
  /** Its issue events (labeled, unlabeled, …), oldest first. */
  events?: { event: string; label?: string; at: string }[];
  /** The bodies of the comments posted on it, oldest first. */
  comments: string[];
}

export interface PullsRequest {
  method: string;
  /** The path after /repos/{o}/{r}/. */
  rest: string;
  url: URL;
  body: string;
  repository: string;
  /** The server's own root (http://host:port), for the Link header. */
  base: string;
}

export interface PullsAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  changed?: boolean;
}

function labelView(name: string, index: number): Record<string, unknown> {
  return { id: index + 1, node_id: `LA_${index + 1}`, name, color: 'ededed', default: false, description: null };
}

function pullView(pull: StandInPullRequest, repository: string): Record<string, unknown> {
  const owner = repository.split('/')[0] ?? '';
  const headOwner = pull.headRepository?.split('/')[0] ?? owner;
  const created = new Date(Date.UTC(2026, 10, 1) + pull.number * 3_600_000).toISOString().replace('.000Z', 'Z');
  return {
    url: `https://api.github.com/repos/${repository}/pulls/${pull.number}`,
    id: 1000 + pull.number,
    node_id: `PR_${pull.number}`,
    html_url: `https://github.com/${repository}/pull/${pull.number}`,
    number: pull.number,
    state: pull.state ?? 'open',
    locked: false,
    title: pull.title,
    user: { login: headOwner, id: 1, type: 'User' },
    body: null,
    labels: (pull.listedLabels ?? pull.labels).map(labelView),
    created_at: created,
    updated_at: created,
    draft: false,
    head: {
      label: `${headOwner}:${pull.branch}`,
      ref: pull.branch,
      sha: pull.headSha,
      repo: pull.headRepository === null ? null : { full_name: pull.headRepository, fork: pull.headRepository !== repository },
    },
    base: { label: `${owner}:main`, ref: 'main', sha: '0'.repeat(40), repo: { full_name: repository, fork: false } },
    author_association: 'CONTRIBUTOR',
  };
}

function listPage(pulls: StandInPullRequest[], request: PullsRequest): PullsAnswer {
  const state = request.url.searchParams.get('state') ?? 'open';
  const perPage = Math.min(100, Number(request.url.searchParams.get('per_page') ?? 30));
  const page = Number(request.url.searchParams.get('page') ?? 1);
  const listed = pulls.filter((pull) => state === 'all' || (pull.state ?? 'open') === state).sort((a, b) => b.number - a.number);
  const last = Math.max(1, Math.ceil(listed.length / perPage));
  const link = (to: number, rel: string): string => {
    const query = new URLSearchParams(request.url.searchParams);
    query.set('page', String(to));
    return `<${request.base}${request.url.pathname}?${query.toString()}>; rel="${rel}"`;
  };
  const links = [
    ...(page > 1 ? [link(page - 1, 'prev')] : []),
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
    ...(page > 1 ? [link(1, 'first')] : []),
  ];
  return {
    status: 200,
    body: listed.slice((page - 1) * perPage, page * perPage).map((pull) => pullView(pull, request.repository)),
    ...(links.length > 0 ? { headers: { link: links.join(', ') } } : {}),
  };
}

/** The answer for a request these routes serve, or undefined for any other. */
export function pullRequestsRoute(pulls: StandInPullRequest[], request: PullsRequest): PullsAnswer | undefined {
  const { method, rest } = request;
  const notFound = { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' } };
  if (method === 'GET' && rest === 'pulls' && !request.url.searchParams.has('head')) return listPage(pulls, request);
  let match: RegExpExecArray | null;
  if (method === 'GET' && (match = /^commits\/([0-9a-f]{40})$/.exec(rest))) {
    const pull = pulls.find((candidate) => candidate.headSha === match?.[1]);
    if (!pull) return { status: 422, body: { message: `No commit found for SHA: ${match[1]}`, status: '422' } };
    const person = { name: 'Dev', email: 'dev@example.com', date: pull.committedAt };
    return {
      status: 200,
      body: {
        sha: pull.headSha,
        node_id: `C_${pull.headSha}`,
        html_url: `https://github.com/${request.repository}/commit/${pull.headSha}`,
        commit: { author: person, committer: person, message: pull.title },
        parents: [],
      },
    };
  }
  const issue = /^issues\/(\d+)\/(labels\/(.+)|comments|events)$/.exec(rest);
  const pull = issue ? pulls.find((candidate) => candidate.number === Number(issue[1])) : undefined;
  if (!issue) return undefined;
  if (!pull) return notFound;
  if (method === 'GET' && issue[2] === 'events')
    return {
      status: 200,
      body: (pull.events ?? []).map((event, index) => ({
        id: 5000 + index,
        node_id: `LE_${5000 + index}`,
        url: `https://api.github.com/repos/${request.repository}/issues/events/${5000 + index}`,
        actor: { login: 'maintainer', id: 2, type: 'User' },
        event: event.event,
        commit_id: null,
        commit_url: null,
        created_at: event.at,
        ...(event.label === undefined ? {} : { label: { name: event.label, color: 'ededed' } }),
        performed_via_github_app: null,
      })),
    };
  if (method === 'DELETE' && issue[3] !== undefined) {
    const name = decodeURIComponent(issue[3]);
    if (!pull.labels.includes(name)) return { status: 404, body: { message: 'Label does not exist', status: '404' } };
    pull.labels = pull.labels.filter((label) => label !== name);
    return { status: 200, body: pull.labels.map(labelView), changed: true };
  }
  if (method === 'POST' && issue[2] === 'comments') {
    const body = (request.body ? (JSON.parse(request.body) as { body?: unknown }) : {}).body;
    if (typeof body !== 'string' || body === '')
      return { status: 422, body: { message: 'Invalid request.\n\n"body" wasn\'t supplied.', status: '422' } };
    pull.comments.push(body);
    const id = 7000 + pull.comments.length;
    return {
      status: 201,
      body: {
        id,
        html_url: `https://github.com/${request.repository}/pull/${pull.number}#issuecomment-${id}`,
        body,
        user: { login: 'github-actions[bot]', id: 41898282, type: 'Bot' },
        created_at: '2026-11-29T00:00:00Z',
      },
      changed: true,
    };
  }
  return notFound;
}
