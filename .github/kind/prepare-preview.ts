/**
 * Makes the previews ApplicationSet of the prepared GitOps tree (prepare-gitops.ts ran first)
 * generate the preview of a synthetic pull request at a commit of the served tree (see
 * preview-overlay.ts); the cluster end-to-end workflow commits the result on top of that commit.
 *
 *   tsx .github/kind/prepare-preview.ts --tree DIR --head SHA --images FILE [--number 1]
 *
 * FILE holds one `service=repository:tag@sha256:…` line per service, as for prepare-gitops.ts.
 */
import { applySyntheticPreview } from './preview-overlay.ts';
import { runTreeScript } from './tree-files.ts';

runTreeScript(
  'prepare-preview.ts --tree DIR --head SHA --images FILE',
  { head: {}, number: { default: '1' } },
  (before, { overlay, images, option }) =>
    applySyntheticPreview(before, overlay, { number: option('number'), head: option('head'), images }),
);
