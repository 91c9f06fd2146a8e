/**
 * The scan's job summary: one row per image with its counts and verdict, then a table of each
 * image's blocking findings and the ignore entries that have expired (they count again).
 */
import type { ScanPolicy, ScanResult } from './policy.ts';
import { markdownCell } from '../github/markdown-cell.ts';

export function scanJobSummary(results: readonly ScanResult[], policy: Pick<ScanPolicy, 'failOn' | 'ignoreUnfixed'>): string {
  const lines = [
    '### Image scan (Trivy)',
    '',
    `Policy: fail on ${policy.failOn.join(', ')}${policy.ignoreUnfixed ? '; findings without a fix ignored' : ''}.`,
    '',
    '| Image | Critical | High | Medium | Low | Unknown | Ignored | Result |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const result of results) {
    const ignored = result.findings.filter((finding) => finding.decision === 'ignored' || finding.decision === 'unfixed').length;
    const verdict = result.passed ? '✅ passed' : `❌ ${result.blocking.length} blocking`;
    const c = result.counts;
    lines.push(
      `| ${markdownCell(result.name)}<br>\`${markdownCell(result.artifact || '(report)')}\` | ${c.CRITICAL} | ${c.HIGH} | ${c.MEDIUM} | ${c.LOW} | ${c.UNKNOWN} | ${ignored} | ${verdict} |`,
    );
  }
  for (const result of results) {
    const expired = result.findings.filter((finding) => finding.ignoreExpired);
    if (result.blocking.length === 0 && expired.length === 0) continue;
    lines.push('', `#### ${markdownCell(result.name)}`);
    if (result.blocking.length > 0) {
      lines.push('', '| Vulnerability | Severity | Package | Installed | Fixed in | Status |', '| --- | --- | --- | --- | --- | --- |');
      for (const { vulnerability: v } of result.blocking) {
        const id = v.primaryUrl ? `[${markdownCell(v.id)}](${v.primaryUrl})` : markdownCell(v.id);
        lines.push(
          `| ${id} | ${v.severity} | ${markdownCell(v.pkgName)} | ${markdownCell(v.installedVersion)} | ${markdownCell(v.fixedVersion ?? '—')} | ${markdownCell(v.status ?? '—')} |`,
        );
      }
    }
    for (const finding of expired) {
      lines.push(
        '',
        `- ignore entry for ${markdownCell(finding.vulnerability.id)} at \`${markdownCell(finding.ignore?.source ?? '')}\` expired on ${finding.ignore?.expiresOn ?? ''}: it counts again`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
