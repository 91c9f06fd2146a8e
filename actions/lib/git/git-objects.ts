/**
 * Reads a commit's files straight from the object database through one long-lived
 * `git cat-file --batch` process: ref resolution, tree listing and blob contents all go over the
 * same pipe, requests pipelined, so reading a whole environment costs one process, not three.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { GitError } from './git.ts';

export interface GitObject {
  sha: string;
  type: string;
  content: Buffer;
}

export interface TreeFile {
  mode: string;
  sha: string;
  path: string;
}

interface Pending {
  name: string;
  resolve: (object: GitObject | undefined) => void;
  reject: (error: Error) => void;
}

export class GitObjectReader {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failure: Error | undefined;

  constructor(cwd: string) {
    this.child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.drain();
    });
    const fail = (error: Error): void => {
      this.failure = error;
      for (const request of this.pending.splice(0)) request.reject(error);
    };
    this.child.on('error', (error) => fail(new GitError(`could not run git cat-file: ${error.message}`, ['cat-file'], null, '')));
    this.child.on('close', (code) => {
      if (this.pending.length > 0)
        fail(new GitError(`git cat-file --batch ended early (exit ${code}): ${stderr.trim()}`, ['cat-file'], code, stderr));
    });
    this.child.stdin.on('error', () => undefined);
  }

  /** One object by name (any revision expression, e.g. `main^{commit}` or `<sha>:path`); undefined when missing. */
  read(name: string): Promise<GitObject | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    if (/[\n\r]/.test(name))
      return Promise.reject(new GitError(`object name with a line break: ${JSON.stringify(name)}`, ['cat-file'], null, ''));
    return new Promise((resolve, reject) => {
      this.pending.push({ name, resolve, reject });
      this.child.stdin.write(`${name}\n`);
    });
  }

  /** Every file under a tree (recursive; one pipelined round trip per folder depth). */
  async files(treeName: string, prefix: string): Promise<TreeFile[]> {
    const root = await this.read(treeName);
    if (!root) return [];
    if (root.type !== 'tree') throw new GitError(`${treeName} is a ${root.type}, not a folder`, ['cat-file'], null, '');
    const files: TreeFile[] = [];
    let level: { path: string; tree: GitObject }[] = [{ path: prefix, tree: root }];
    while (level.length > 0) {
      const folders: { path: string; sha: string }[] = [];
      for (const { path, tree } of level) {
        for (const entry of parseTree(tree.content, tree.sha.length / 2)) {
          const full = path === '' ? entry.name : `${path}/${entry.name}`;
          if (entry.mode === '40000') folders.push({ path: full, sha: entry.sha });
          else files.push({ mode: entry.mode, sha: entry.sha, path: full });
        }
      }
      const trees = await Promise.all(folders.map((folder) => this.read(folder.sha)));
      level = folders.flatMap((folder, index) => {
        const tree = trees[index];
        return tree ? [{ path: folder.path, tree }] : [];
      });
    }
    return files;
  }

  close(): void {
    this.child.stdin.end();
  }

  private drain(): void {
    for (;;) {
      const request = this.pending[0];
      if (!request) return;
      const newline = this.buffer.indexOf(10);
      if (newline < 0) return;
      const header = this.buffer.subarray(0, newline).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buffer = this.buffer.subarray(newline + 1);
        this.pending.shift();
        request.resolve(undefined);
        continue;
      }
      const [sha = '', type = '', size = '0'] = header.split(' ');
      const end = newline + 1 + Number(size);
      if (this.buffer.length < end + 1) return;
      const content = Buffer.from(this.buffer.subarray(newline + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.pending.shift();
      request.resolve({ sha, type, content });
    }
  }
}

/** Tree object entries: `<mode> <name>\0<raw object id>`. */
function parseTree(content: Buffer, idBytes: number): { mode: string; name: string; sha: string }[] {
  const entries: { mode: string; name: string; sha: string }[] = [];
  let position = 0;
  while (position < content.length) {
    const space = content.indexOf(32, position);
    const nul = content.indexOf(0, space);
    const mode = content.subarray(position, space).toString('latin1');
    const name = content.subarray(space + 1, nul).toString('utf8');
    const sha = content.subarray(nul + 1, nul + 1 + idBytes).toString('hex');
    entries.push({ mode, name, sha });
    position = nul + 1 + idBytes;
  }
  return entries;
}
