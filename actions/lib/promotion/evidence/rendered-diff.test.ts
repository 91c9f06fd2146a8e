import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChartCache } from '../../validate/charts/chart-cache.ts';
import { findHelm } from '../../validate/helm-binary.ts';
import { renderedDiff } from './rendered-diff.ts';
import type { RenderTools } from './rendered-diff.ts';

// This repository: prod's real cart Application and the shop chart it installs from a Git path.
const root = fileURLToPath(new URL('../../../../', import.meta.url));
const file = 'gitops-repo/environments/prod/services/cart.yaml';
const prodCart = readFileSync(join(root, file), 'utf8').replace(/targetRevision: main/, 'targetRevision: HEAD');
const digest = `sha256:${'4'.repeat(64)}`;
const proposedCart = prodCart.replace(/tag: .*/, 'tag: sha-4444444').replace(/digest: sha256:.*/, `digest: ${digest}`);

let tools: RenderTools;
beforeAll(async () => {
  const helm = findHelm();
  tools = {
    helm,
    charts: await ChartCache.create(helm, 60_000),
    // This checkout is of the repository the real Applications name (their repoURL).
    chartCheckouts: [{ repository: 'https://github.com/slipway-dev/slipway', checkout: root }],
    scratch: mkdtempSync(join(tmpdir(), 'slipway-render-')),
  };
});
afterAll(async () => {
  await tools.charts.close();
  rmSync(tools.scratch, { recursive: true, force: true });
});

describe('the rendered diff of a Git-sourced chart (real helm, the shop chart read from this checkout at the targetRevision)', () => {
  it('renders prod cart now and proposed with the chart at the revision, and diffs them', async () => {
    const rendered = await renderedDiff(file, prodCart, proposedCart, tools);
    expect('diff' in rendered && rendered.diff).toMatch(/^--- a\/cart\.yaml\n\+\+\+ b\/cart\.yaml\n/m);
    const lines = 'diff' in rendered ? rendered.diff.split('\n') : [];
    expect(lines.some((line) => line.startsWith('+') && line.includes(`cart:sha-4444444@${digest}`))).toBe(true);
    expect(lines.some((line) => line.startsWith('-') && line.includes('cart:0.0.0-unreleased@sha256:'))).toBe(true);
  });

  it('says why when the chart is not at the revision', async () => {
    const elsewhere = proposedCart.replace('path: app-repo/charts/shop', 'path: app-repo/charts/missing');
    expect(await renderedDiff(file, prodCart, elsewhere, tools)).toEqual({
      unavailable: 'proposed: the checkout of https://github.com/slipway-dev/slipway has no folder app-repo/charts/missing at HEAD',
    });
  });

  it('renders from the checkout whatever form of its address the Application writes (ssh, no .git, other case)', async () => {
    const ssh = (text: string): string => text.replace('https://github.com/slipway-dev/slipway.git', 'git@github.com:Slipway-Dev/slipway');
    const rendered = await renderedDiff(file, ssh(prodCart), ssh(proposedCart), tools);
    expect('diff' in rendered && rendered.diff).toContain(`cart:sha-4444444@${digest}`);
  });

  it('does not render a chart of another repository from this checkout, though a folder of that name is here', async () => {
    const elsewhere = proposedCart.replace('https://github.com/slipway-dev/slipway.git', 'https://github.com/mallory/slipway.git');
    expect(elsewhere).toContain('repoURL: https://github.com/mallory/slipway.git');
    expect(await renderedDiff(file, prodCart, elsewhere, tools)).toEqual({
      unavailable:
        "proposed: the chart comes from https://github.com/mallory/slipway.git, which is not a repository checked out here (https://github.com/slipway-dev/slipway); its chart is not rendered from another repository's files",
    });
  });
});
