/**
 * Prepares a copy of the GitOps tree for Argo CD on the kind cluster of the cluster end-to-end
 * workflow: applies overlay.yaml (see kind-overlay.ts) to <tree>/gitops-repo in place.
 *
 *   tsx .github/kind/prepare-gitops.ts --tree DIR --repo-url git://HOST/slipway.git --images FILE
 *
 * FILE holds one `service=repository:tag@sha256:…` line per service.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applyKindOverlay, parseKindOverlay } from './kind-overlay.ts';
import { filesUnder, readImagesFile, writeChanges } from './tree-files.ts';

function main(): void {
  const { values } = parseArgs({
    options: {
      tree: { type: 'string' },
      'repo-url': { type: 'string' },
      images: { type: 'string' },
      overlay: { type: 'string', default: new URL('./overlay.yaml', import.meta.url).pathname },
      'gitops-path': { type: 'string', default: 'gitops-repo' },
    },
    strict: true,
  });
  for (const option of ['tree', 'repo-url', 'images'] as const) {
    if (!values[option]) throw new Error(`--${option} is required (usage: prepare-gitops.ts --tree DIR --repo-url URL --images FILE)`);
  }
  const gitops = join(String(values.tree), values['gitops-path']);
  const images = readImagesFile(String(values.images));
  const overlay = parseKindOverlay(readFileSync(values.overlay, 'utf8'), values.overlay);
  const before = filesUnder(gitops);
  const after = applyKindOverlay(before, overlay, { repoUrl: String(values['repo-url']), images });
  writeChanges(gitops, before, after);
}

try {
  main();
} catch (error) {
  console.error(`prepare-gitops: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
