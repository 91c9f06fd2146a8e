/**
 * Prepares a copy of the GitOps tree for Argo CD on the kind cluster of the cluster end-to-end
 * workflow: applies overlay.yaml (see kind-overlay.ts) to <tree>/gitops-repo in place.
 *
 *   tsx .github/kind/prepare-gitops.ts --tree DIR --repo-url git://HOST/slipway.git --images FILE
 *
 * FILE holds one `service=repository:tag@sha256:…` line per service.
 */
import { applyKindOverlay } from './kind-overlay.ts';
import { runTreeScript } from './tree-files.ts';

runTreeScript('prepare-gitops.ts --tree DIR --repo-url URL --images FILE', { 'repo-url': {} }, (before, { overlay, images, option }) =>
  applyKindOverlay(before, overlay, { repoUrl: option('repo-url'), images }),
);
