/**
 * Test support: a local HTTP stand-in for the parts of GitHub's REST API the promotion workflows
 * call, answering in the documented shapes (github/rest-api-description, API version 2022-11-28, as
 * shipped in @octokit/openapi-types 29.0.1: `workflow-run`, `artifact`, `environment-approvals`,
 * `pull-request`), with GitHub's 401 body for a token it does not know:
 *
 *   GET  /repos/{o}/{r}/actions/workflows/{file}/runs?event=&branch=&per_page=&page=   { total_count, workflow_runs }
 *   GET  /repos/{o}/{r}/actions/runs/{id}                                               a run, or 404
 *   GET  /repos/{o}/{r}/actions/runs/{id}/artifacts?name=                               { total_count, artifacts }
 *   GET  /repos/{o}/{r}/actions/artifacts?name=                                         { total_count, artifacts }
 *   GET  /repos/{o}/{r}/actions/artifacts/{id}/zip     302 to the archive (a signed, short-lived URL on
 *        GitHub: here /_artifact-archives/{id}, which needs no token), 410 once the artifact expired
 *   GET  /repos/{o}/{r}/actions/runs/{id}/approvals                                     [ { state, user, environments, comment } ]
 *   GET|POST|PATCH /repos/{o}/{r}/pulls[/{n}]                                           pull requests (kept in memory)
 *   GET  /repos/{o}/{r}/attestations/{subject_digest}                                   { attestations } (github-attestations-api.ts's answer)
 *   GET|POST /repos/{o}/{r}/deployments[/{id}/statuses]                                 github-deployments-api.ts's answer
 *   GET /repos/{o}/{r}/pulls (no head filter), GET commits/{sha}, DELETE issues/{n}/labels/{name},
 *   POST issues/{n}/comments                                                            github-pulls-api.ts's answer (the state's pullRequests)
 *
 * The state (runs, artifacts, approvals, deployments) is read through a function on every request, so a
 * test may change it between calls; `github-api-process.ts` serves it from a JSON file in a child
 * process, and writes it back after a deployment status is posted.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { listAttestationsPage } from './github-attestations-api.ts';
import { deploymentsRoute } from './github-deployments-api.ts';
import type { StandInDeployment } from './github-deployments-api.ts';
import { pullRequestsRoute } from './github-pulls-api.ts';
import type { StandInPullRequest } from './github-pulls-api.ts';

export interface StandInRun {
  id: number;
  /** Workflow file, e.g. .github/workflows/release.yml */
  path: string;
  event: string;
  headBranch: string;
  headSha: string;
  /** owner/name the code came from (a fork for a fork's pull request). */
  headRepository: string;
  status?: string;
  conclusion?: string | null;
  name?: string;
  displayTitle?: string;
}

export interface StandInArtifact {
  name: string;
  runId: number;
  expired?: boolean;
  /** The artifact's zip archive (a real zip the test built), base64: what its download serves. */
  zipBase64?: string;
}

export interface StandInApproval {
  login: string;
  state: 'approved' | 'rejected';
  environment: string;
}

export interface ActionsApiState {
  tokens: string[];
  runs: StandInRun[];
  artifacts: StandInArtifact[];
  /** By run id. */
  approvals?: Record<string, StandInApproval[]>;
  /** Sigstore bundles the attestations API lists: by repository (owner/name), then subject digest (sha256:…). */
  attestations?: Record<string, Record<string, unknown[]>>;
  /** The deployments GitHub made for jobs bound to environments, with their statuses. */
  deployments?: StandInDeployment[];
  /** Open (and closed) pull requests with their labels, head commits and the comments posted on them. */
  pullRequests?: StandInPullRequest[];
  /** Given (empty), every request github-pulls-api.ts answers is logged here in order: `METHOD /path?query`. */
  calls?: string[];
}

/** A pull request as the pulls endpoints return it (the fields Slipway reads). */
export interface StandInPull {
  number: number;
  head: { ref: string };
  base: { ref: string };
  title: string;
  body: string;
  state: string;
  html_url: string;
}

function runView(run: StandInRun, repository: string): Record<string, unknown> {
  return {
    id: run.id,
    name: run.name ?? '',
    node_id: `WFR_${run.id}`,
    head_branch: run.headBranch,
    head_sha: run.headSha,
    path: run.path,
    display_title: run.displayTitle ?? run.name ?? '',
    run_number: run.id,
    event: run.event,
    status: run.status ?? 'completed',
    conclusion: run.status === undefined || run.status === 'completed' ? (run.conclusion ?? 'success') : null,
    workflow_id: 1,
    url: `https://api.github.com/repos/${repository}/actions/runs/${run.id}`,
    html_url: `https://github.com/${repository}/actions/runs/${run.id}`,
    created_at: '2026-11-22T00:00:00Z',
    updated_at: '2026-11-22T00:00:00Z',
    repository: { id: 1, full_name: repository },
    head_repository: { id: run.headRepository === repository ? 1 : 2, full_name: run.headRepository },
  };
}

function artifactView(artifact: StandInArtifact, index: number, runs: StandInRun[], repository: string): Record<string, unknown> {
  const run = runs.find((candidate) => candidate.id === artifact.runId);
  return {
    id: index + 1,
    node_id: `MDg6QXJ0aWZhY3Q${index + 1}`,
    name: artifact.name,
    size_in_bytes: artifact.zipBase64 === undefined ? 512 : Buffer.from(artifact.zipBase64, 'base64').length,
    url: `https://api.github.com/repos/${repository}/actions/artifacts/${index + 1}`,
    archive_download_url: `https://api.github.com/repos/${repository}/actions/artifacts/${index + 1}/zip`,
    expired: artifact.expired ?? false,
    created_at: '2026-11-22T00:00:00Z',
    expires_at: '2027-02-20T00:00:00Z',
    updated_at: '2026-11-22T00:00:00Z',
    workflow_run: {
      id: artifact.runId,
      repository_id: 1,
      head_repository_id: run?.headRepository === repository ? 1 : 2,
      head_branch: run?.headBranch ?? 'main',
      head_sha: run?.headSha ?? '',
    },
  };
}

/** The request handler over a state that is read on every request (and handed to `writeState` after a change). */
export function actionsApiHandler(
  readState: () => ActionsApiState,
  writeState: (state: ActionsApiState) => void = () => undefined,
): (request: IncomingMessage, response: ServerResponse) => void {
  const pulls: StandInPull[] = [];
  return (request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const send = (status: number, value: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(value));
      };
      const state = readState();
      // The archive's short-lived URL carries its own signature on GitHub: no token.
      const archive = /^\/_artifact-archives\/(\d+)$/.exec(new URL(request.url ?? '/', 'http://localhost').pathname);
      if (request.method === 'GET' && archive) {
        const zip = state.artifacts[Number(archive[1]) - 1]?.zipBase64;
        if (zip === undefined) return send(404, { message: 'Not Found' });
        response.writeHead(200, { 'content-type': 'application/zip' });
        return response.end(Buffer.from(zip, 'base64'));
      }
      if (
        !state.tokens.some(
          (token) => request.headers.authorization === `token ${token}` || request.headers.authorization === `Bearer ${token}`,
        )
      ) {
        return send(401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
      }
      const url = new URL(request.url ?? '/', 'http://localhost');
      const route = /^\/repos\/([^/]+)\/([^/]+)\/(.*)$/.exec(url.pathname);
      if (!route) return send(404, { message: 'Not Found' });
      const repository = `${route[1]}/${route[2]}`;
      const rest = route[3] ?? '';
      /** The request as the routes of github-deployments-api.ts and github-pulls-api.ts take it. */
      const routed = {
        method: request.method ?? 'GET',
        rest,
        url,
        body: text,
        repository,
        base: `http://${request.headers.host ?? 'localhost'}`,
      };
      const name = url.searchParams.get('name');
      const artifacts = (list: StandInArtifact[]) =>
        list
          .filter((artifact) => name === null || artifact.name === name)
          .map((artifact) => artifactView(artifact, state.artifacts.indexOf(artifact), state.runs, repository));
      let match: RegExpExecArray | null;
      if (request.method === 'GET' && (match = /^actions\/workflows\/([^/]+)\/runs$/.exec(rest))) {
        const file = decodeURIComponent(match[1] ?? '');
        const event = url.searchParams.get('event');
        const branch = url.searchParams.get('branch');
        const perPage = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const runs = state.runs
          .filter(
            (run) =>
              run.path.split('/').pop() === file &&
              (event === null || run.event === event) &&
              (branch === null || run.headBranch === branch),
          )
          .sort((a, b) => b.id - a.id);
        return send(200, {
          total_count: runs.length,
          workflow_runs: runs.slice((page - 1) * perPage, page * perPage).map((run) => runView(run, repository)),
        });
      }
      if (request.method === 'GET' && (match = /^actions\/runs\/(\d+)$/.exec(rest))) {
        const run = state.runs.find((candidate) => candidate.id === Number(match?.[1]));
        return run ? send(200, runView(run, repository)) : send(404, { message: 'Not Found' });
      }
      if (request.method === 'GET' && (match = /^actions\/runs\/(\d+)\/artifacts$/.exec(rest))) {
        const listed = artifacts(state.artifacts.filter((artifact) => artifact.runId === Number(match?.[1])));
        return send(200, { total_count: listed.length, artifacts: listed });
      }
      if (request.method === 'GET' && rest === 'actions/artifacts') {
        const listed = artifacts(state.artifacts);
        return send(200, { total_count: listed.length, artifacts: listed });
      }
      if (request.method === 'GET' && (match = /^actions\/artifacts\/(\d+)\/zip$/.exec(rest))) {
        const artifact = state.artifacts[Number(match[1]) - 1];
        if (!artifact) return send(404, { message: 'Not Found' });
        if (artifact.expired) return send(410, { message: 'Artifact has expired', documentation_url: 'https://docs.github.com/rest' });
        response.writeHead(302, { location: `${routed.base}/_artifact-archives/${match[1]}` });
        return response.end();
      }
      const deployments = deploymentsRoute((state.deployments ??= []), routed);
      if (deployments) {
        if (deployments.changed) writeState(state);
        return send(deployments.status, deployments.body);
      }
      if (request.method === 'GET' && (match = /^actions\/runs\/(\d+)\/approvals$/.exec(rest))) {
        const approvals = state.approvals?.[match[1] ?? ''] ?? [];
        return send(
          200,
          approvals.map((approval) => ({
            environments: [{ id: 1, name: approval.environment }],
            state: approval.state,
            user: { login: approval.login, id: 1, type: 'User' },
            comment: '',
          })),
        );
      }
      // Clients percent-encode the digest's colon (Octokit sends sha256%3A…).
      if (request.method === 'GET' && (match = /^attestations\/(sha256:[0-9a-f]{64})$/.exec(decodeURIComponent(rest)))) {
        const bundles = state.attestations?.[repository]?.[match[1] ?? ''] ?? [];
        const page = listAttestationsPage(
          bundles.map((bundle, index) => ({ id: index + 1, bundle, viaUrl: false })),
          url,
          routed.base,
        );
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...page.headers });
        return response.end(JSON.stringify(page.body));
      }
      const pullRequests = pullRequestsRoute((state.pullRequests ??= []), routed);
      if (pullRequests) {
        state.calls?.push(`${routed.method} ${url.pathname}${url.search}`);
        if (pullRequests.changed || state.calls) writeState(state);
        response.writeHead(pullRequests.status, { 'content-type': 'application/json; charset=utf-8', ...pullRequests.headers });
        return response.end(JSON.stringify(pullRequests.body));
      }
      if ((match = /^pulls(?:\/(\d+))?$/.exec(rest))) {
        const body = text ? (JSON.parse(text) as Record<string, string>) : {};
        if (request.method === 'GET')
          return send(
            200,
            pulls.filter((pull) => `${route[1]}:${pull.head.ref}` === url.searchParams.get('head')),
          );
        if (request.method === 'POST') {
          const number = pulls.length + 1;
          const pull = {
            number,
            head: { ref: body['head'] ?? '' },
            base: { ref: body['base'] ?? '' },
            title: body['title'] ?? '',
            body: body['body'] ?? '',
            state: 'open',
            html_url: `https://github.com/${repository}/pull/${number}`,
          };
          pulls.push(pull);
          return send(201, pull);
        }
        const pull = pulls.find((candidate) => candidate.number === Number(match?.[1]));
        if (request.method === 'PATCH' && pull) {
          Object.assign(pull, { title: body['title'] ?? pull.title, body: body['body'] ?? pull.body });
          return send(200, pull);
        }
      }
      return send(404, { message: 'Not Found' });
    });
  };
}

/** Starts the stand-in on 127.0.0.1 in this process. */
export async function startGitHubActionsApi(readState: () => ActionsApiState): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer(actionsApiHandler(readState));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
