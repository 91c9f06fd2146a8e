/**
 * Makes the previews ApplicationSet of the prepared GitOps tree (prepare-gitops.ts ran first)
 * generate the preview of a synthetic pull request at a commit of the served tree (see
 * preview-overlay.ts); the cluster end-to-end workflow commits the result on top of that commit.
 *
 *   tsx .github/kind/prepare-preview.ts --tree DIR --head SHA --images FILE [--number 1]
 *
 * FILE holds one `service=repository:tag@sha256:…` line per service, as for prepare-gitops.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseKindOverlay } from './kind-overlay.ts';
import { applySyntheticPreview } from './preview-overlay.ts';
import { filesUnder, readImagesFile, writeChanges } from './tree-files.ts';

function main(): void {
  const { values } = parseArgs({
    options: {
      tree: { type: 'string' },
      head: { type: 'string' },
      images: { type: 'string' },
      number: { type: 'string', default: '1' },
      overlay: { type: 'string', default: new URL('./overlay.yaml', import.meta.url).pathname },
      'gitops-path': { type: 'string', default: 'gitops-repo' },
    },
    strict: true,
  });
  for (const option of ['tree', 'head', 'images'] as const) {
    if (!values[option]) throw new Error(`--${option} is required (usage: prepare-preview.ts --tree DIR --head SHA --images FILE)`);
  }
  const gitops = join(String(values.tree), values['gitops-path']);
  const images = readImagesFile(String(values.images));
  const overlay = parseKindOverlay(readFileSync(values.overlay, 'utf8'), values.overlay);
  const before = filesUnder(gitops);
  const after = applySyntheticPreview(before, overlay, { number: values.number, head: String(values.head), images });
  writeChanges(gitops, before, after);
}

try {
  main();
} catch (error) {
  console.error(`prepare-preview: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
