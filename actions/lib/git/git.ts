/**
 * The one git wrapper: runs the real `git` binary (no shell), with optional standard input and
 * HTTP credentials passed through the environment so a token never appears in arguments or logs.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';

export interface GitCredentials {
  /** A GitHub token (or any token accepted as the password of user x-access-token). */
  token: string;
}

export interface GitRunOptions {
  cwd: string;
  input?: string;
  credentials?: GitCredentials;
  env?: Record<string, string>;
}

export class GitError extends Error {
  override name = 'GitError';
  constructor(
    message: string,
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly stdout = '',
  ) {
    super(message);
  }
}

function authEnvironment(credentials: GitCredentials | undefined): Record<string, string> {
  if (!credentials) return {};
  const basic = Buffer.from(`x-access-token:${credentials.token}`).toString('base64');
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `AUTHORIZATION: basic ${basic}`,
  };
}

/** Removes a token (and its basic-auth form) from text that may be shown to people. */
export function redact(text: string, credentials: GitCredentials | undefined): string {
  if (!credentials || credentials.token === '') return text;
  const basic = Buffer.from(`x-access-token:${credentials.token}`).toString('base64');
  return text.split(credentials.token).join('***').split(basic).join('***');
}

/** Runs git and resolves with its standard output; rejects with GitError carrying redacted stderr. */
export function git(args: readonly string[], options: GitRunOptions): Promise<string> {
  const started = process.env['SLIPWAY_TRACE_GIT'] ? performance.now() : 0;
  return new Promise<string>((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', ...authEnvironment(options.credentials), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => reject(new GitError(`could not run git: ${error.message}`, args, null, '')));
    child.on('close', (code) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = redact(Buffer.concat(err).toString('utf8'), options.credentials);
      if (code === 0) resolve(stdout);
      else {
        const shown = args.map((arg) => redact(arg, options.credentials)).join(' ');
        reject(
          new GitError(`git ${shown} failed (exit ${code}): ${stderr.trim()}`, args, code, stderr, redact(stdout, options.credentials)),
        );
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  }).finally(() => {
    // SLIPWAY_TRACE_GIT=1 prints each git call and its duration (arguments redacted), for profiling.
    if (started)
      process.stderr.write(
        `git ${args.find((arg, index) => !arg.startsWith('-') && args[index - 1] !== '-c') ?? ''} ${(performance.now() - started).toFixed(1)} ms\n`,
      );
  });
}

export interface Identity {
  name: string;
  email: string;
}

/** The bot identity GitHub Actions commits use, for runners without a configured git user. */
export const actionsBotIdentity: Identity = { name: 'github-actions[bot]', email: '41898282+github-actions[bot]@users.noreply.github.com' };

/**
 * The committer: GIT_COMMITTER_NAME/EMAIL when set, else an explicitly configured user.name and
 * user.email, else the Actions bot (never git's guess from the host name, as on a bare runner).
 */
export async function committerIdentity(cwd: string): Promise<Identity> {
  const name = process.env['GIT_COMMITTER_NAME'];
  const email = process.env['GIT_COMMITTER_EMAIL'];
  if (name && email) return { name, email };
  try {
    const lines = (await git(['config', '--get-regexp', '^user\\.(name|email)$'], { cwd })).split('\n');
    const value = (key: string): string | undefined =>
      lines
        .filter((line) => line.startsWith(`${key} `))
        .at(-1)
        ?.slice(key.length + 1)
        .trim();
    const configuredName = value('user.name');
    const configuredEmail = value('user.email');
    if (configuredName && configuredEmail) return { name: configuredName, email: configuredEmail };
  } catch {
    // nothing configured: fall back below
  }
  return actionsBotIdentity;
}

export interface NewCommit {
  parent: string;
  message: string;
  author: Identity;
  /** Changed files: repository path → new content (mode kept from the parent's tree). */
  files: ReadonlyMap<string, { text: string; mode: string }>;
}

/**
 * The commit time in seconds: now, or `GIT_COMMITTER_DATE` when set (as git honours it), written
 * `@<seconds>` or as an ISO 8601 date with its zone; anything else is refused rather than guessed.
 */
export function commitSeconds(date: string | undefined, now = Date.now()): number {
  if (date === undefined || date === '') return Math.floor(now / 1000);
  const epoch = /^@(\d{1,12})$/.exec(date);
  if (epoch) return Number(epoch[1]);
  const parsed = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(date) ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(parsed))
    throw new GitError(
      `GIT_COMMITTER_DATE '${date}' is neither @<seconds> nor an ISO 8601 date with a zone (2025-01-31T12:00:00Z); unset it to commit at the current time`,
      [],
      null,
      '',
    );
  return Math.floor(parsed / 1000);
}

/**
 * Writes one commit on top of `parent` without touching any working tree, index or ref: a single
 * `git fast-import` writes blobs, trees and the commit, reports the commit, and drops its scratch ref.
 */
export async function writeCommit(cwd: string, commit: NewCommit): Promise<string> {
  const scratchRef = `refs/slipway/commit-${process.pid}-${randomBytes(4).toString('hex')}`;
  const when = `${commitSeconds(process.env['GIT_COMMITTER_DATE'])} +0000`;
  const clean = (text: string): string => text.replace(/[<>\r\n]/g, '').trim();
  const ident = `${clean(commit.author.name)} <${clean(commit.author.email)}> ${when}`;
  const data = (text: string): string => `data ${Buffer.byteLength(text, 'utf8')}\n${text}\n`;
  let stream = `feature done\ncommit ${scratchRef}\nmark :1\nauthor ${ident}\ncommitter ${ident}\n${data(commit.message)}from ${commit.parent}\n`;
  for (const [path, file] of commit.files) {
    if (/[\n"]/.test(path) || path.startsWith('/')) throw new GitError(`refusing to write the path ${JSON.stringify(path)}`, [], null, '');
    stream += `M ${file.mode} inline ${path}\n${data(file.text)}`;
  }
  // get-mark prints the commit; a reset without `from` deletes the scratch ref again.
  stream += `\nget-mark :1\nreset ${scratchRef}\n\ndone\n`;
  // unpackLimit=0 keeps the few new objects in fast-import's pack instead of spawning unpack-objects
  // (a third of a promotion's time); `git gc --auto` folds small packs together later.
  const output = await git(['-c', 'fastimport.unpackLimit=0', 'fast-import', '--quiet', '--force'], { cwd, input: stream });
  const sha = output.trim().split('\n').at(-1) ?? '';
  if (!/^[0-9a-f]{40,64}$/.test(sha))
    throw new GitError(`git fast-import did not report the new commit (got '${sha}')`, ['fast-import'], 0, '');
  return sha;
}

export interface HistoryEntry {
  commit: string;
  committedAt: string;
  trailers: string;
}

/** Commits reachable from `commit` (whose message mentions `grep`, touching `paths`, when given), newest first, with their trailers. */
export async function historyWithTrailers(
  cwd: string,
  commit: string,
  grep: string | undefined,
  limit = 1000,
  paths: readonly string[] = [],
): Promise<HistoryEntry[]> {
  const filter = grep === undefined ? [] : ['-F', `--grep=${grep}`];
  const output = await git(['log', `-n${limit}`, ...filter, '--format=%H%x1f%cI%x1f%(trailers:unfold,only)%x1e', commit, '--', ...paths], {
    cwd,
  });
  return output
    .split('\x1e')
    .map((record) => record.replace(/^\n/, ''))
    .filter((record) => record.trim() !== '')
    .map((record) => {
      const [commitSha = '', committedAt = '', trailers = ''] = record.split('\x1f');
      return { commit: commitSha, committedAt, trailers };
    });
}
