/**
 * The command-line tools the replayed scripts call, as stand-ins written into a `bin` folder put
 * first on PATH: `npx slipway …` (this repository's CLI), `gh run download <run> --name … --dir …`
 * (that run's artifact files, from the config file GH_STAND_IN names; every call logged),
 * `gh api` against the GitHub API stand-in (see ghApi below) and
 * `trivy image --format cyclonedx --output FILE IMAGE` (replay-attestations.ts); and how an
 * uploaded artifact's files are laid out.
 */
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { filesUnder } from '../kind/tree-files.ts';
import { writeTrivyStandIn } from './replay-attestations.ts';

/**
 * `gh api [--paginate] [-X METHOD] [-f key=value …] [--jq EXPR] ENDPOINT`, as the GitHub CLI does it
 * (cli/cli, pkg/cmd/api/api.go and pagination.go): the endpoint relative to the API root (here
 * GITHUB_API_URL, the stand-in's address), `Authorization: token $GH_TOKEN`; GET unless -X is given or
 * fields are (then POST, the fields as a JSON body; on a GET they go into the query); --paginate
 * follows the Link header's rel="next" (linkRE `<([^>]+)>;\s*rel="([^"]+)"`); --jq filters each
 * page and prints strings raw (here through jq -r); an HTTP error prints `gh: <message> (HTTP <status>)`
 * and exits 1.
 */
const ghApi = `async function api(args) {
  let method, paginate = false, jq, endpoint;
  const fields = {};
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i];
    if (arg === '--paginate') paginate = true;
    else if (arg === '-X' || arg === '--method') method = args[(i += 1)];
    else if (arg === '-q' || arg === '--jq') jq = args[(i += 1)];
    else if (arg === '-f' || arg === '--raw-field') { const field = args[(i += 1)]; fields[field.slice(0, field.indexOf('='))] = field.slice(field.indexOf('=') + 1); }
    else if (arg.startsWith('-')) throw new Error('gh api: a flag the stand-in does not know: ' + arg);
    else endpoint = arg;
  }
  const hasFields = Object.keys(fields).length > 0;
  method = method ?? (hasFields ? 'POST' : 'GET');
  let url = new URL(endpoint.replace(/^\\//, ''), process.env.GITHUB_API_URL.replace(/\\/?$/, '/'));
  if (method === 'GET') for (const [key, value] of Object.entries(fields)) url.searchParams.append(key, value);
  for (;;) {
    const response = await fetch(url, {
      method,
      headers: { authorization: 'token ' + process.env.GH_TOKEN, accept: 'application/vnd.github+json', 'content-type': 'application/json' },
      ...(method !== 'GET' && hasFields ? { body: JSON.stringify(fields) } : {}),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try { message = JSON.parse(text).message; } catch {}
      console.error('gh: ' + message + ' (HTTP ' + response.status + ')');
      process.exit(1);
    }
    if (jq !== undefined) {
      const filtered = require('child_process').spawnSync('jq', ['-r', jq], { input: text, encoding: 'utf8' });
      if (filtered.status !== 0) { console.error(filtered.stderr); process.exit(1); }
      process.stdout.write(filtered.stdout);
    } else process.stdout.write(text + '\\n');
    const next = paginate ? [...(response.headers.get('link') ?? '').matchAll(/<([^>]+)>;\\s*rel="([^"]+)"/g)].find((link) => link[2] === 'next') : undefined;
    if (!next) return;
    url = new URL(next[1]);
  }
}
`;

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
if (args[0] === 'api') api(args.slice(1)).catch((error) => { console.error('gh stand-in: ' + error.message); process.exit(1); });
else { console.error('gh stand-in: not a command the workflows use: ' + args.join(' ')); process.exit(1); }
${ghApi}`,
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
