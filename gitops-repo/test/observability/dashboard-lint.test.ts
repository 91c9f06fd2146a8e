import { describe, expect, it } from 'vitest';
import { dashboardQueries, fillVariables, lintDashboard, variablesIn } from './dashboard-lint.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the fixtures edit nested dashboard JSON in place
type DashboardJson = Record<string, any>;

const datasources = new Map([
  ['prometheus', 'prometheus'],
  ['loki', 'loki'],
]);

function dashboard(change: (d: DashboardJson) => void = () => undefined): DashboardJson {
  const d: DashboardJson = {
    uid: 'shop-test',
    title: 'Test',
    schemaVersion: 39,
    templating: {
      list: [
        { name: 'service', type: 'query', datasource: { type: 'prometheus', uid: 'prometheus' }, query: 'label_values(app_info, service)' },
      ],
    },
    annotations: { list: [{ name: 'Deployments', datasource: { type: 'grafana', uid: '-- Grafana --' } }] },
    panels: [
      { id: 1, type: 'row', title: 'Row', gridPos: { x: 0, y: 0, w: 24, h: 1 } },
      {
        id: 2,
        type: 'timeseries',
        title: 'Rate',
        datasource: { type: 'prometheus', uid: 'prometheus' },
        gridPos: { x: 0, y: 1, w: 12, h: 8 },
        targets: [{ refId: 'A', expr: 'sum(rate(http_request_duration_seconds_count{service="$service"}[$__rate_interval]))' }],
      },
      {
        id: 3,
        type: 'logs',
        title: 'Logs',
        gridPos: { x: 12, y: 1, w: 12, h: 8 },
        targets: [{ refId: 'A', datasource: { type: 'loki', uid: 'loki' }, expr: '{service="$service"}' }],
      },
    ],
  };
  change(d);
  return d;
}

describe('lintDashboard', () => {
  it('accepts a complete dashboard', () => {
    expect(lintDashboard(dashboard(), 'd.json', datasources)).toEqual([]);
  });

  it.each([
    ['no uid', (d: DashboardJson) => delete d['uid'], 'd.json: uid', 'set a uid'],
    ['a uid too long', (d: DashboardJson) => (d['uid'] = 'x'.repeat(41)), 'd.json: uid', 'set a uid'],
    ['no title', (d: DashboardJson) => (d['title'] = ' '), 'd.json: title', 'set a title'],
    ['a fixed id', (d: DashboardJson) => (d['id'] = 7), 'd.json: id', 'remove id'],
    ['no panels', (d: DashboardJson) => (d['panels'] = []), 'd.json: panels', 'needs panels'],
    ['a duplicate panel id', (d: DashboardJson) => (d['panels'][2].id = 2), 'd.json: panels[2].id', 'id 2 is used by panels[1] too'],
    [
      'a panel off the grid',
      (d: DashboardJson) => (d['panels'][2].gridPos.w = 13),
      'd.json: panels[2].gridPos',
      'does not fit the 24-column grid',
    ],
    ['overlapping panels', (d: DashboardJson) => (d['panels'][2].gridPos.x = 6), 'd.json: panels[2].gridPos', 'overlaps panels[1]'],
    [
      'an unknown datasource uid',
      (d: DashboardJson) => (d['panels'][1].datasource.uid = 'P1809F7CD0C75ACF3'),
      'd.json: panels[1].datasource',
      "datasource uid 'P1809F7CD0C75ACF3' is not provisioned",
    ],
    [
      'a datasource of the wrong type',
      (d: DashboardJson) => (d['panels'][2].targets[0].datasource.type = 'prometheus'),
      'd.json: panels[2].targets[0].datasource',
      "'loki' is a loki datasource, not prometheus",
    ],
    ['a panel without queries', (d: DashboardJson) => (d['panels'][1].targets = []), 'd.json: panels[1].targets', 'shows nothing'],
    ['an empty query', (d: DashboardJson) => (d['panels'][1].targets[0].expr = ''), 'd.json: panels[1].targets[0].expr', 'set the query'],
    [
      'a duplicate refId',
      (d: DashboardJson) => d['panels'][1].targets.push({ refId: 'A', expr: 'up' }),
      'd.json: panels[1].targets[1].refId',
      'refId A is used twice',
    ],
    [
      'an undefined variable',
      (d: DashboardJson) => (d['panels'][1].targets[0].expr = 'up{env="$env"}'),
      'd.json: panels[1].targets[0].expr',
      'uses $env',
    ],
    [
      'a query without any datasource',
      (d: DashboardJson) => delete d['panels'][2].targets[0].datasource,
      'd.json: panels[2].targets[0].datasource',
      'set a datasource',
    ],
    [
      'an annotation on an unknown datasource',
      (d: DashboardJson) => (d['annotations'].list[0].datasource.uid = 'tempo'),
      'd.json: annotations.list[0].datasource',
      "'tempo' is not provisioned",
    ],
  ])('reports %s', (_name, change, where, message) => {
    const findings = lintDashboard(dashboard(change), 'd.json', datasources);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.where).toBe(where);
    expect(findings[0]?.message).toContain(message);
  });
});

describe('dashboard queries and variables', () => {
  it('lists every query with its datasource, the target taking precedence over the panel', () => {
    expect(dashboardQueries(dashboard()).map((q) => [q.panelId, q.refId, q.datasourceUid, q.datasourceType])).toEqual([
      [2, 'A', 'prometheus', 'prometheus'],
      [3, 'A', 'loki', 'loki'],
    ]);
  });

  it.each([
    ['up{a="$a", b="${b}", c="${c:regex}", d="[[d]]"}', ['a', 'b', 'c', 'd']],
    ['rate(x[$__rate_interval])', ['__rate_interval']],
    ['up', []],
  ])('finds the variables in %s', (text, names) => {
    expect(variablesIn(text)).toEqual(names);
  });

  it('fills variables and names one it has no value for', () => {
    expect(fillVariables('rate(x{s=~"$service"}[${__rate_interval}])', { service: '.*', __rate_interval: '30s' })).toBe(
      'rate(x{s=~".*"}[30s])',
    );
    expect(() => fillVariables('x{v="$version"}', {})).toThrow('no value for variable $version');
  });
});
