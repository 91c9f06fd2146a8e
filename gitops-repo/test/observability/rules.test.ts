import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { gitopsRoot, prometheusRules, ruleFileText, shopNamespaces } from './observability-tree.ts';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'slipway-rules-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const testFile = join(gitopsRoot, 'test/observability/rules.promtool-test.yaml');

async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: work });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const alerts = prometheusRules().flatMap((rule) =>
  rule.groups.flatMap((group) => group.rules.filter((r) => typeof r['alert'] === 'string').map((r) => ({ file: rule.file, rule: r }))),
);

describe('the shop PrometheusRules', () => {
  it('are valid prometheus-operator objects selected by kube-prometheus-stack', () => {
    const rules = prometheusRules();
    expect(rules.length).toBeGreaterThan(0);
    const values = parse(readFileSync(join(gitopsRoot, 'apps/platform/kube-prometheus-stack/values.yaml'), 'utf8')) as {
      prometheus: { prometheusSpec: { ruleSelector: { matchLabels: Record<string, string> } } };
    };
    for (const { file, object } of rules) {
      expect(() => new PrometheusRule(object as never).validate(), file).not.toThrow();
      expect((object['metadata'] as { labels: Record<string, string> }).labels, file).toMatchObject(
        values.prometheus.prometheusSpec.ruleSelector.matchLabels,
      );
    }
  });

  it('pass promtool check rules', async () => {
    writeFileSync(join(work, 'shop-rules.yaml'), ruleFileText());
    const result = await promtool('check', 'rules', 'shop-rules.yaml');
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('pass their promtool unit tests', async () => {
    writeFileSync(join(work, 'shop-rules.yaml'), ruleFileText());
    copyFileSync(testFile, join(work, 'rules.promtool-test.yaml'));
    const result = await promtool('test', 'rules', 'rules.promtool-test.yaml');
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });

  it('promtool test rules fails when an alert threshold is wrong (the unit tests can fail)', async () => {
    writeFileSync(join(work, 'shop-rules.yaml'), ruleFileText().replaceAll('14.4 * 0.005', '30 * 0.005'));
    copyFileSync(testFile, join(work, 'rules.promtool-test.yaml'));
    const result = await promtool('test', 'rules', 'rules.promtool-test.yaml');
    expect(result.code).not.toBe(0);
    expect(result.output).toContain('ShopAvailabilityBudgetBurnFast');
  });

  it('have a unit test where each alert fires and one where it does not', () => {
    const tests = (
      parse(readFileSync(testFile, 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] }
    ).tests;
    const cases = tests.flatMap((test) => test.alert_rule_test ?? []);
    expect(alerts.length).toBeGreaterThan(0);
    for (const { rule } of alerts) {
      const name = String(rule['alert']);
      expect(
        cases.some((c) => c.alertname === name && c.exp_alerts.length > 0),
        `${name} has no case where it fires`,
      ).toBe(true);
      expect(
        cases.some((c) => c.alertname === name && c.exp_alerts.length === 0),
        `${name} has no case where it stays quiet`,
      ).toBe(true);
    }
  });

  it('select the namespace the shop Applications deploy to, and every alert says how bad and what happened', () => {
    const namespaces = shopNamespaces();
    const selected = new Set(
      prometheusRules().flatMap((rule) =>
        rule.groups.flatMap((group) =>
          group.rules.flatMap((r) => [...String(r['expr']).matchAll(/namespace="([^"]+)"/g)].map((m) => m[1] as string)),
        ),
      ),
    );
    expect([...selected].sort()).toEqual([...namespaces].sort());
    for (const { file, rule } of alerts) {
      expect(['critical', 'warning'], `${file} ${String(rule['alert'])}`).toContain((rule['labels'] as Record<string, string>)['severity']);
      expect(Object.keys(rule['annotations'] as object).sort(), `${file} ${String(rule['alert'])}`).toEqual(['description', 'summary']);
    }
  });

  it('pair every burn-rate alert as the SRE workbook does: 14.4x over 1h and 5m, 6x over 6h and 30m', () => {
    const burn = alerts.filter(({ rule }) => String(rule['alert']).includes('BudgetBurn'));
    expect(burn.map(({ rule }) => rule['alert']).sort()).toEqual([
      'ShopAvailabilityBudgetBurnFast',
      'ShopAvailabilityBudgetBurnSlow',
      'ShopLatencyBudgetBurnFast',
      'ShopLatencyBudgetBurnSlow',
    ]);
    for (const { rule } of burn) {
      const expr = String(rule['expr']);
      const fast = String(rule['alert']).endsWith('Fast');
      const windows = [...expr.matchAll(/ratio_rate(\w+) > \(([\d.]+) \*/g)].map((m) => `${m[1]}@${m[2]}`);
      expect(windows).toEqual(fast ? ['1h@14.4', '5m@14.4'] : ['6h@6', '30m@6']);
    }
  });
});
