/** The head of a GitOps branch, read straight from git objects: what a promotion decides on. */
import { historyWithTrailers } from '../git/git.ts';
import { GitObjectReader } from '../git/git-objects.ts';
import type { GitObject, TreeFile } from '../git/git-objects.ts';
import { isManifestFile } from '../manifests/environments.ts';
import { parsePromotionTrailers } from './record.ts';
import type { RecordedPromotion } from './record.ts';

/** A regular file (symlinks and submodules are never followed). */
const isRegular = (entry: TreeFile): boolean => entry.mode === '100644' || entry.mode === '100755';

/** The head of the branch, read straight from git objects (each listing and history read once). */
export class HeadSnapshot {
  private readonly modes = new Map<string, string>();
  private readonly listings = new Map<string, Promise<TreeFile[]>>();
  private readonly histories = new Map<string, Promise<RecordedPromotion[]>>();

  constructor(
    readonly repoDir: string,
    readonly commit: string,
    private readonly objects: GitObjectReader,
  ) {}

  /** Resolves `ref` to a commit and opens a snapshot of it; undefined when the ref does not exist. */
  static async open(repoDir: string, ref: string): Promise<HeadSnapshot | undefined> {
    const objects = new GitObjectReader(repoDir);
    const commit = await objects.read(`${ref}^{commit}`).catch((error: unknown) => {
      objects.close();
      throw error;
    });
    if (!commit) {
      objects.close();
      return undefined;
    }
    return new HeadSnapshot(repoDir, commit.sha, objects);
  }

  close(): void {
    this.objects.close();
  }

  /** Files under `prefix`, served from an already-read parent listing when there is one. */
  private listing(prefix: string): Promise<TreeFile[]> {
    for (const [listed, entries] of this.listings) {
      if (listed === '' || prefix === listed || prefix.startsWith(`${listed}/`)) {
        return entries.then((all) => all.filter((entry) => prefix === '' || entry.path.startsWith(`${prefix}/`)));
      }
    }
    const entries = this.objects.files(prefix === '' ? `${this.commit}^{tree}` : `${this.commit}:${prefix}`, prefix);
    this.listings.set(prefix, entries);
    return entries;
  }

  /** Every file path under `prefix` ('' for all). */
  async paths(prefix: string): Promise<string[]> {
    return (await this.listing(prefix)).map((entry) => entry.path);
  }

  /** YAML files under `prefix` (regular files only: symlinks and submodules are never followed). */
  async manifests(prefix: string): Promise<Map<string, string>> {
    return this.read((await this.listing(prefix)).filter((entry) => isRegular(entry) && isManifestFile(entry.path)));
  }

  /** The regular files among the given repository paths, each looked up in its own folder's listing. */
  private async regularEntries(paths: readonly string[]): Promise<TreeFile[]> {
    const wanted = new Set(paths);
    const folders = new Set(paths.map((path) => path.slice(0, Math.max(path.lastIndexOf('/'), 0))));
    const listed = await Promise.all([...folders].map((folder) => this.listing(folder).catch((): TreeFile[] => [])));
    return listed.flat().filter((entry) => wanted.has(entry.path) && isRegular(entry));
  }

  /** Which of the given repository paths are regular files. */
  async regularFilesAmong(paths: readonly string[]): Promise<Set<string>> {
    return new Set((await this.regularEntries(paths)).map((entry) => entry.path));
  }

  /** The given repository paths that are regular files, read (any other path is left out). */
  async filesAt(paths: readonly string[]): Promise<Map<string, string>> {
    return paths.length === 0 ? new Map() : this.read(await this.regularEntries(paths));
  }

  private async read(entries: readonly TreeFile[]): Promise<Map<string, string>> {
    for (const entry of entries) this.modes.set(entry.path, entry.mode);
    const blobs = await Promise.all(entries.map((entry) => this.objects.read(entry.sha)));
    return new Map(entries.map((entry, index) => [entry.path, blobs[index]?.content.toString('utf8') ?? '']));
  }

  /** Any object of the repository by name (a commit id, say); undefined when it does not have it. */
  object(name: string): Promise<GitObject | undefined> {
    return this.objects.read(name);
  }

  mode(path: string): string {
    return this.modes.get(path) ?? '100644';
  }

  /** Promotion commits of an environment reachable from this head, newest first. */
  promotions(environment: string): Promise<RecordedPromotion[]> {
    let history = this.histories.get(environment);
    if (!history) {
      history = historyWithTrailers(this.repoDir, this.commit, `Slipway-Environment: ${environment}`).then((entries) =>
        entries.flatMap((entry) => {
          const record = parsePromotionTrailers(entry.trailers);
          return record && record.environment === environment ? [{ ...record, commit: entry.commit }] : [];
        }),
      );
      this.histories.set(environment, history);
    }
    return history;
  }
}
