import { describe, expect, it } from 'vitest';
import type { ScanSummary } from '../../release/release-manifest.ts';
import { markdownLink } from '../../github/markdown-cell.ts';
import { evidenceMarkdown, trimDiff } from './evidence.ts';
import type { EvidenceReport, ServiceEvidence } from './evidence.ts';
import { vulnerabilityDelta } from './vulnerability-delta.ts';

const digest = (digit: string): string => `sha256:${digit.repeat(64)}`;
const scan = (vulnerabilities: ScanSummary['vulnerabilities']): { summary: ScanSummary } => ({
  summary: { status: 'passed', scanner: 'trivy 0.69.3', ...(vulnerabilities ? { vulnerabilities } : {}) },
});

describe('the vulnerability delta between two images', () => {
  it('lists the IDs the proposed image brings and those it fixes, by severity', () => {
    const delta = vulnerabilityDelta(
      scan({ critical: ['CVE-2025-0001'], high: ['CVE-2024-56171', 'CVE-2025-0395'], low: ['CVE-2019-1010022'] }),
      scan({ high: ['CVE-2025-0395', 'GHSA-9wx4-h78v-vm56'], medium: ['CVE-2025-1111'], low: ['CVE-2019-1010022'] }),
    );
    expect(delta).toEqual({
      known: true,
      new: { critical: [], high: ['GHSA-9wx4-h78v-vm56'], medium: ['CVE-2025-1111'], low: [] },
      fixed: { critical: ['CVE-2025-0001'], high: ['CVE-2024-56171'], medium: [], low: [] },
    });
  });

  it('counts a finding whose severity was re-rated as neither new nor fixed', () => {
    const delta = vulnerabilityDelta(scan({ medium: ['CVE-2025-2222'] }), scan({ high: ['CVE-2025-2222'] }));
    expect(delta).toMatchObject({ known: true, new: { high: [] }, fixed: { medium: [] } });
  });

  it('treats every finding as new for a service not deployed yet', () => {
    expect(vulnerabilityDelta(undefined, scan({ high: ['CVE-2025-0395'] }))).toMatchObject({ new: { high: ['CVE-2025-0395'] } });
  });

  it.each([
    [scan(undefined), scan({}), 'what runs now: manifest predates IDs (it records counts only)'],
    [{ missing: 'no release manifest of this image was found' }, scan({}), 'what runs now: no release manifest of this image was found'],
    [scan({}), { summary: { status: 'not-scanned' as const } }, 'the proposed image: the image was not scanned'],
  ])('is unknown, never guessed, when a side cannot tell (%#)', (current, proposed, reason) => {
    expect(vulnerabilityDelta(current, proposed)).toEqual({ known: false, reason });
  });
});

describe('trimming the rendered diff', () => {
  it('drops the git header, keeps the first lines and counts the hidden ones', () => {
    const diff = ['diff --git a/cart.yaml b/cart.yaml', 'index 1234567..89abcde 100644', '--- a/cart.yaml', '+++ b/cart.yaml']
      .concat(Array.from({ length: 10 }, (_, n) => `+line ${n}`))
      .join('\n');
    expect(trimDiff(`${diff}\n`, 5)).toEqual({ lines: ['--- a/cart.yaml', '+++ b/cart.yaml', '+line 0', '+line 1', '+line 2'], hidden: 7 });
    expect(trimDiff('', 5)).toEqual({ lines: [], hidden: 0 });
  });
});

const cart: ServiceEvidence = {
  service: 'cart',
  current: { tag: 'sha-1111111', digest: digest('1'), releaseId: '1111111-20261120T090000Z', sourceCommit: '1'.repeat(40) },
  proposed: { tag: 'sha-2222222', digest: digest('2'), releaseId: '2222222-20261127T090000Z', sourceCommit: '2'.repeat(40) },
  sources: {
    status: 'ahead',
    total: 1,
    hidden: 0,
    commits: [
      {
        sha: '2'.repeat(40),
        subject: 'cart: round totals',
        pullRequests: [{ number: 41, title: 'Round | cart totals', url: 'https://github.com/acme/shop/pull/41' }],
      },
    ],
  },
  manifestDiff: { lines: ['--- a/cart.yaml', '+++ b/cart.yaml', '@@ -1 +1 @@', '-  image: a', '+  image: b'], hidden: 12 },
  vulnerabilities: vulnerabilityDelta(scan({ high: ['CVE-2024-56171'] }), scan({ medium: ['CVE-2025-1111'] })),
  devVerification: {
    soakSeconds: 300,
    slo: [{ service: 'cart', version: 'sha-2222222', requests: 1840, errorRatio: 0.0005, slowRatio: 0.012, ok: true }],
  },
  provenance: {
    check: {
      verified: {
        digest: digest('2'),
        predicateType: 'https://slsa.dev/provenance/v1',
        signer: 'https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main',
        issuer: 'https://token.actions.githubusercontent.com',
        sourceRepository: 'https://github.com/acme/shop',
        sourceRef: 'refs/heads/main',
        sourceCommit: '2'.repeat(40),
        logIndex: '4711',
        loggedAt: '2026-11-27T09:00:00.000Z',
      },
    },
    attestations: [
      { predicateType: 'https://slsa.dev/provenance/v1', attestationId: '901', url: 'https://github.com/acme/shop/attestations/901' },
    ],
  },
};

describe('the evidence as Markdown', () => {
  it('shows every fact of a changed service, with table cells escaped and the diff trimmed', () => {
    const report: EvidenceReport = { environment: 'prod', source: 'dev', services: [cart], unchanged: ['order'], skipped: [] };
    const markdown = evidenceMarkdown(report);
    expect(markdown).toContain('1 service would change: cart.');
    expect(markdown).toContain('| Image | `sha-1111111` `sha256:111111111111` | `sha-2222222` `sha256:222222222222` |');
    expect(markdown).toContain('- `222222222222` cart: round totals — [#41](https://github.com/acme/shop/pull/41) Round \\| cart totals');
    expect(markdown).toContain('| high | — | CVE-2024-56171 |');
    expect(markdown).toContain('| medium | CVE-2025-1111 | — |');
    expect(markdown).toContain('Healthy through a 5 min soak; SLO over the soak: cart 1840 requests, errors 0.05 %, slow 1.20 %');
    expect(markdown).toContain(
      '**Provenance:** verified — SLSA provenance of this digest signed by `https://github.com/acme/shop/.github/workflows/release.yml@refs/heads/main` (Sigstore), built from `222222222222`; the release recorded [attestation 901](https://github.com/acme/shop/attestations/901)',
    );
    expect(markdown).toContain(
      '```diff\n--- a/cart.yaml\n+++ b/cart.yaml\n@@ -1 +1 @@\n-  image: a\n+  image: b\n… 12 more lines hidden\n```',
    );
    expect(markdown).toContain('Unchanged: order.');
  });

  it('says what is unknown and why, instead of leaving it out', () => {
    const unknown: ServiceEvidence = {
      ...cart,
      sources: { unavailable: 'no GitHub token to read the source commits with (GH_TOKEN)' },
      manifestDiff: { unavailable: 'proposed: the chart checkout has no folder charts/shop at main' },
      vulnerabilities: { known: false, reason: 'what runs now: manifest predates IDs (it records counts only)' },
      devVerification: { unavailable: 'no verified-in-dev marker of release 2222222-20261127T090000Z was found' },
      provenance: {
        check: { unverified: 'the Sigstore public-good trusted root could not be fetched through TUF (offline)' },
        attestations: [],
      },
    };
    const markdown = evidenceMarkdown({ environment: 'prod', source: 'dev', services: [unknown], unchanged: [], skipped: [] });
    expect(markdown).toContain('**Source commits:** unknown — no GitHub token to read the source commits with (GH\\_TOKEN)');
    expect(markdown).toContain('**Rendered manifests:** diff unavailable — proposed: the chart checkout has no folder charts/shop at main');
    expect(markdown).toContain('**Vulnerabilities:** delta unknown — what runs now: manifest predates IDs (it records counts only)');
    expect(markdown).toContain('**Dev verification:** unknown — no verified-in-dev marker');
    expect(markdown).toContain(
      '**Provenance:** unverified: the Sigstore public-good trusted root could not be fetched through TUF (offline) (the release recorded no SLSA provenance attestation; the promote job verifies the signature before writing)',
    );
    expect(markdown).not.toContain('verified —');
  });

  it('says when the verified provenance names another source commit than the release records', () => {
    const other: ServiceEvidence = { ...cart, provenance: { ...cart.provenance, sourceCommit: '3'.repeat(40) } };
    const markdown = evidenceMarkdown({ environment: 'prod', source: 'dev', services: [other], unchanged: [], skipped: [] });
    expect(markdown).toContain('built from `222222222222` — not the source commit the release records (`333333333333`);');
  });

  it('says a refused provenance is refused, and that the promote job will refuse the image', () => {
    const refused: ServiceEvidence = {
      ...cart,
      provenance: { check: { refused: 'wrong ref — built from refs/heads/feature' }, attestations: [] },
    };
    const markdown = evidenceMarkdown({ environment: 'prod', source: 'dev', services: [refused], unchanged: [], skipped: [] });
    expect(markdown).toContain(
      '**Provenance:** refused — wrong ref — built from refs/heads/feature; the promote job will refuse this image (the release recorded no SLSA provenance attestation)',
    );
  });

  it('shows hostile pull-request titles, commit subjects and names literally: no link, HTML, code span, mention or broken table', () => {
    const hostile =
      'Fix | totals [click](https://evil.example) <script>alert(1)</script> `rm -rf` @octocat @acme/admins\n| injected | row |';
    const url = 'https://github.com/acme/shop/pull/41';
    const service = 'cart](https://evil.example)';
    const markdown = evidenceMarkdown({
      environment: 'prod',
      source: 'dev',
      services: [
        {
          ...cart,
          service,
          sources: {
            status: 'ahead',
            total: 1,
            hidden: 0,
            commits: [{ sha: '2'.repeat(40), subject: hostile, pullRequests: [{ number: 41, title: hostile, url }] }],
          },
          devVerification: {
            soakSeconds: 60,
            slo: [{ service: '<b>@cart</b>', version: 'x', requests: 1, errorRatio: 0, slowRatio: 0, ok: true }],
          },
        },
      ],
      unchanged: [],
      skipped: [{ service: '@someone', reason: 'see [this](javascript:alert(1))' }],
    });
    const escaped =
      'Fix \\| totals \\[click\\](https://evil.example) \\<script\\>alert(1)\\</script\\> \\`rm -rf\\` @&#8203;octocat @&#8203;acme/admins \\| injected \\| row \\|';
    expect(markdown).toContain(`- \`222222222222\` ${escaped} — [#41](${url}) ${escaped}`);
    expect(markdown).toContain('### cart\\](https://evil.example)');
    expect(markdown).toContain('SLO over the soak: \\<b\\>@&#8203;cart\\</b\\> 1 requests');
    expect(markdown).toContain('- @&#8203;someone: skipped — see \\[this\\](javascript:alert(1))');
    // The only table rows are the evidence's own (image 4, vulnerabilities 4), and nothing mentions anyone.
    expect(markdown.split('\n').filter((line) => line.startsWith('|'))).toHaveLength(8);
    expect(markdown.replace(/(?<!\\)`[^`\n]*`/g, '')).not.toMatch(/@[A-Za-z]/);
    expect(markdown).not.toMatch(/(?<!\\)<(script|b)/);
  });

  it('links a pull request only to an http(s) address, encoding what would end the link', () => {
    expect(markdownLink('#1', 'javascript:alert(1)')).toBe('#1');
    expect(markdownLink('#1', 'https://github.com/acme/shop/pull/1) [x](y')).toBe('[#1](https://github.com/acme/shop/pull/1%29%20[x]%28y)');
  });

  it('keeps a diff line with backticks or a comment opener from breaking out of its block', () => {
    const markdown = evidenceMarkdown({
      environment: 'prod',
      source: 'dev',
      services: [{ ...cart, manifestDiff: { lines: ['+  note: "```"', '+  x: <!-- y'], hidden: 0 } }],
      unchanged: [],
      skipped: [],
    });
    expect(markdown).toContain('````diff\n+  note: "```"\n+  x: &lt;!-- y\n````');
  });

  it('says there is nothing to approve when nothing changes', () => {
    const markdown = evidenceMarkdown({
      environment: 'prod',
      source: 'dev',
      services: [],
      unchanged: ['cart', 'order'],
      skipped: [{ service: 'product', reason: 'prod already runs a newer release' }],
    });
    expect(markdown).toBe(
      '## Evidence: dev → prod\n\nNothing to approve: prod already runs these images.\n\nUnchanged: cart, order.\n\n- product: skipped — prod already runs a newer release\n',
    );
  });
});
