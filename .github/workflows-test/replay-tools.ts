/**
 * The command-line tools the replayed scripts call, as stand-ins written into a `bin` folder put
 * first on PATH: `npx slipway …` (this repository's CLI), `gh run download <run> --name … --dir …`
 * (that run's artifact files, from the config file GH_STAND_IN names; every call logged) and
 * `trivy image --format cyclonedx --output FILE IMAGE` (replay-attestations.ts); and how an
 * uploaded artifact's files are laid out.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { filesUnder } from '../kind/tree-files.ts';
import { writeTrivyStandIn } from './replay-attestations.ts';

export function writeToolStandIns(bin: string, slipwayCli: string): void {
  // npx: `npx slipway …` runs this repository's CLI (in CI it is the workspace's own bin).
  writeFileSync(
    join(bin, 'npx'),
    `#!/usr/bin/env bash\nif [ "$1" = slipway ]; then shift; exec "${process.execPath}" "${slipwayCli}" "$@"; fi\necho "npx stand-in: only slipway" >&2\nexit 1\n`,
  );
  // gh: `gh run download <run> --name <artifact> --dir <dir>`, from that run's artifacts only.
  writeFileSync(
    join(bin, 'gh'),
    `#!${process.execPath}
const fs = require('fs'), path = require('path');
const config = JSON.parse(fs.readFileSync(process.env.GH_STAND_IN, 'utf8'));
const args = process.argv.slice(2);
fs.appendFileSync(config.log, JSON.stringify(args) + '\\n');
if (!process.env.GH_TOKEN) { console.error('gh: GH_TOKEN is not set'); process.exit(4); }
if (args[0] === 'run' && args[1] === 'download') {
  const name = args[args.indexOf('--name') + 1];
  const artifact = config.artifacts.find((candidate) => candidate.name === name && String(candidate.runId) === args[2]);
  if (!artifact) { console.error('no valid artifacts found to download'); process.exit(1); }
  const dir = args[args.indexOf('--dir') + 1];
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(artifact.files)) { fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true }); fs.writeFileSync(path.join(dir, file), text); }
  process.exit(0);
}
console.error('gh stand-in: not a command the workflows use: ' + args.join(' '));
process.exit(1);
`,
  );
  chmodSync(join(bin, 'npx'), 0o755);
  chmodSync(join(bin, 'gh'), 0o755);
  writeTrivyStandIn(bin);
}

/** A file is uploaded by its name; a folder's files by their paths inside it (upload-artifact's layout). */
export function filesOf(path: string): Record<string, string> {
  if (!statSync(path).isDirectory()) return { [basename(path)]: readFileSync(path, 'utf8') };
  return Object.fromEntries(filesUnder(path));
}
