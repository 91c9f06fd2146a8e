/**
 * A scratch git repository on branch main, for tests that need real history: write files, commit
 * everything, ask git. Commits are made as Test <test@example.com> (see `run`).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from './gitops-repository.ts';

export interface GitWorkspace {
  dir: string;
  /** Runs git in the repository; its output, trimmed. */
  git(...args: string[]): string;
  /** Writes a file (folders made as needed), path relative to the repository. */
  write(path: string, text: string): void;
  /** Commits every change; the new commit's SHA. */
  commit(message: string): string;
  /** Removes the repository (call from afterAll). */
  remove(): void;
}

/** A new, empty repository in a temporary folder whose name starts with `prefix`. */
export function createGitWorkspace(prefix: string): GitWorkspace {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const git = (...args: string[]): string => run(dir, ...args).trim();
  git('init', '-q', '-b', 'main');
  return {
    dir,
    git,
    write(path, text) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    },
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
