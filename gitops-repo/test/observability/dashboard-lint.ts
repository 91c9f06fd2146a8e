/**
 * Grafana dashboards as Grafana loads them from provisioning: what a dashboard must have (uid, title,
 * panels with ids, types and positions on the 24-column grid, queries with refIds and datasources
 * that exist), which variables its queries use, and every query with its variables filled in — so a
 * test can run each panel's PromQL against a real Prometheus.
 */

export interface DashboardFinding {
  /** Where: the file and a JSON path inside the dashboard. */
  where: string;
  message: string;
}

/** Provisioned datasources by uid (their type: prometheus, loki, ...). */
export type DatasourceTypes = ReadonlyMap<string, string>;

export interface DashboardQuery {
  panelId: number;
  panelTitle: string;
  refId: string;
  datasourceUid: string;
  datasourceType: string;
  expr: string;
}

/** Grafana's own datasource (annotations and alerts) and the mixed pseudo-datasource. */
const builtInDatasources = new Map([
  ['-- Grafana --', 'grafana'],
  ['grafana', 'grafana'],
  ['-- Mixed --', 'mixed'],
]);

/** Variables Grafana defines itself. */
export const builtInVariables = new Set([
  '__rate_interval',
  '__interval',
  '__interval_ms',
  '__range',
  '__range_s',
  '__range_ms',
  '__auto',
  '__all',
  '__dashboard',
  '__from',
  '__to',
  '__timeFilter',
  '__name',
  '__org',
  '__user',
]);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `$name`, `${name}`, `${name:format}` and `[[name]]` references in a query. */
export function variablesIn(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g)) {
    const name = match[1] ?? match[2] ?? match[3];
    if (name) names.add(name);
  }
  return [...names];
}

/** Panels including those nested in collapsed rows. */
function allPanels(dashboard: Json): { panel: Json; path: string }[] {
  const out: { panel: Json; path: string }[] = [];
  const panels = Array.isArray(dashboard['panels']) ? dashboard['panels'] : [];
  panels.forEach((panel, index) => {
    if (!isObject(panel)) return;
    out.push({ panel, path: `panels[${index}]` });
    const nested = Array.isArray(panel['panels']) ? panel['panels'] : [];
    nested.forEach((inner, innerIndex) => {
      if (isObject(inner)) out.push({ panel: inner, path: `panels[${index}].panels[${innerIndex}]` });
    });
  });
  return out;
}

function datasourceOf(value: unknown): { uid: string; type?: string } | undefined {
  if (typeof value === 'string') return { uid: value };
  if (isObject(value) && typeof value['uid'] === 'string')
    return { uid: value['uid'], ...(typeof value['type'] === 'string' ? { type: value['type'] } : {}) };
  return undefined;
}

/** Every query of every panel, with the datasource it runs on (the target's, else the panel's). */
export function dashboardQueries(dashboard: Json): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  for (const { panel } of allPanels(dashboard)) {
    const targets = Array.isArray(panel['targets']) ? panel['targets'] : [];
    for (const target of targets) {
      if (!isObject(target) || typeof target['expr'] !== 'string') continue;
      const datasource = datasourceOf(target['datasource']) ?? datasourceOf(panel['datasource']);
      queries.push({
        panelId: Number(panel['id']),
        panelTitle: String(panel['title'] ?? ''),
        refId: String(target['refId'] ?? ''),
        datasourceUid: datasource?.uid ?? '',
        datasourceType: datasource?.type ?? '',
        expr: target['expr'],
      });
    }
  }
  return queries;
}

/** Template variables (name → the datasource uid its query runs on, '' for non-query variables). */
export function dashboardVariables(dashboard: Json): Map<string, Json> {
  const list = isObject(dashboard['templating']) && Array.isArray(dashboard['templating']['list']) ? dashboard['templating']['list'] : [];
  return new Map(list.filter(isObject).map((variable) => [String(variable['name']), variable]));
}

/** The query text of a query variable (Grafana stores it as a string or as {query}). */
export function variableQuery(variable: Json): string | undefined {
  const query = variable['query'];
  if (typeof query === 'string') return query;
  if (isObject(query) && typeof query['query'] === 'string') return query['query'];
  return undefined;
}

/** Replaces `$name` / `${name}` / `[[name]]` with the given values; throws naming an unknown variable. */
export function fillVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/g, (whole, a?: string, b?: string, c?: string) => {
    const name = a ?? b ?? c ?? '';
    const value = values[name];
    if (value === undefined) throw new Error(`no value for variable $${name} in: ${text}`);
    return value;
  });
}

const uidPattern = /^[a-zA-Z0-9_-]{1,40}$/;

/** Everything Grafana would reject or show empty by construction; [] for a good dashboard. */
export function lintDashboard(dashboard: unknown, file: string, datasources: DatasourceTypes): DashboardFinding[] {
  const findings: DashboardFinding[] = [];
  const add = (path: string, message: string) => findings.push({ where: `${file}: ${path}`, message });
  if (!isObject(dashboard)) return [{ where: file, message: 'a dashboard must be a JSON object' }];
  if (typeof dashboard['uid'] !== 'string' || !uidPattern.test(dashboard['uid']))
    add('uid', 'set a uid of 1-40 letters, digits, - or _ (links and annotations refer to it)');
  if (typeof dashboard['title'] !== 'string' || dashboard['title'].trim() === '') add('title', 'set a title');
  if ('id' in dashboard && dashboard['id'] !== null)
    add('id', 'remove id: Grafana assigns it; a provisioned dashboard is identified by uid');
  if (typeof dashboard['schemaVersion'] !== 'number')
    add('schemaVersion', 'set schemaVersion (a number) so Grafana migrates the JSON correctly');
  if (!Array.isArray(dashboard['panels']) || dashboard['panels'].length === 0) add('panels', 'a dashboard needs panels');

  const variables = dashboardVariables(dashboard);
  const checkDatasource = (value: unknown, path: string, expectedType?: string) => {
    const datasource = datasourceOf(value);
    if (!datasource) return add(path, 'set datasource {type, uid} to a provisioned datasource');
    if (datasource.uid.startsWith('$')) {
      if (!variables.has(datasource.uid.replace(/^\$\{?|\}$/g, ''))) add(path, `datasource variable ${datasource.uid} is not defined`);
      return;
    }
    const type = datasources.get(datasource.uid) ?? builtInDatasources.get(datasource.uid);
    if (type === undefined)
      return add(path, `datasource uid '${datasource.uid}' is not provisioned (known: ${[...datasources.keys()].join(', ')})`);
    if (
      datasource.type !== undefined &&
      type !== 'mixed' &&
      datasource.type !== type &&
      !(type === 'grafana' && datasource.type === 'datasource')
    ) {
      add(path, `datasource '${datasource.uid}' is a ${type} datasource, not ${datasource.type}`);
    }
    if (expectedType && type !== expectedType && type !== 'mixed')
      add(path, `datasource '${datasource.uid}' is ${type}; this panel's queries need ${expectedType}`);
  };

  const ids = new Map<number, string>();
  const occupied: { x: number; y: number; w: number; h: number; path: string }[] = [];
  for (const { panel, path } of allPanels(dashboard)) {
    const id = panel['id'];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 1)
      add(`${path}.id`, 'set a positive whole-number id, unique in the dashboard');
    else if (ids.has(id)) add(`${path}.id`, `id ${id} is used by ${ids.get(id)} too`);
    else ids.set(id, path);
    if (typeof panel['type'] !== 'string' || panel['type'] === '')
      add(`${path}.type`, 'set the panel type (timeseries, stat, logs, row, ...)');
    if (typeof panel['title'] !== 'string' || panel['title'].trim() === '') add(`${path}.title`, 'set a title');
    const grid = panel['gridPos'];
    if (!isObject(grid) || !['x', 'y', 'w', 'h'].every((key) => typeof grid[key] === 'number')) {
      add(`${path}.gridPos`, 'set gridPos {x, y, w, h}');
    } else {
      const [x, y, w, h] = [grid['x'] as number, grid['y'] as number, grid['w'] as number, grid['h'] as number];
      if (x < 0 || w < 1 || x + w > 24 || y < 0 || h < 1) add(`${path}.gridPos`, `{x: ${x}, w: ${w}} does not fit the 24-column grid`);
      else if (!path.includes('.panels[')) {
        const overlap = occupied.find((o) => x < o.x + o.w && o.x < x + w && y < o.y + o.h && o.y < y + h);
        if (overlap) add(`${path}.gridPos`, `overlaps ${overlap.path}`);
        occupied.push({ x, y, w, h, path });
      }
    }
    if (panel['type'] === 'row') continue;
    const targets = Array.isArray(panel['targets']) ? panel['targets'] : [];
    if (targets.length === 0) add(`${path}.targets`, 'a panel without queries shows nothing');
    if (panel['datasource'] !== undefined) checkDatasource(panel['datasource'], `${path}.datasource`);
    const refIds = new Set<string>();
    targets.forEach((target, index) => {
      const at = `${path}.targets[${index}]`;
      if (!isObject(target)) return add(at, 'a query must be an object');
      const refId = target['refId'];
      if (typeof refId !== 'string' || refId === '') add(`${at}.refId`, 'set a refId');
      else if (refIds.has(refId)) add(`${at}.refId`, `refId ${refId} is used twice in this panel`);
      else refIds.add(refId);
      if (typeof target['expr'] !== 'string' || target['expr'].trim() === '') add(`${at}.expr`, 'set the query (expr)');
      else {
        for (const name of variablesIn(target['expr'])) {
          if (!variables.has(name) && !builtInVariables.has(name))
            add(`${at}.expr`, `uses $${name}, which is neither a dashboard variable nor one of Grafana's`);
        }
      }
      if (target['datasource'] === undefined && panel['datasource'] === undefined)
        add(`${at}.datasource`, 'set a datasource on the query or the panel');
      if (target['datasource'] !== undefined) checkDatasource(target['datasource'], `${at}.datasource`);
    });
  }

  [...variables.values()].forEach((variable, index) => {
    const at = `templating.list[${index}]`;
    if (!/^\w+$/.test(String(variable['name'] ?? ''))) add(`${at}.name`, 'set a name of letters, digits and _');
    if (variable['type'] === 'query') {
      checkDatasource(variable['datasource'], `${at}.datasource`);
      const query = variableQuery(variable);
      if (!query) add(`${at}.query`, 'a query variable needs a query');
      else
        for (const name of variablesIn(query))
          if (!variables.has(name) && !builtInVariables.has(name)) add(`${at}.query`, `uses $${name}, which is not defined`);
    }
  });

  const annotations =
    isObject(dashboard['annotations']) && Array.isArray(dashboard['annotations']['list']) ? dashboard['annotations']['list'] : [];
  annotations.forEach((annotation, index) => {
    if (!isObject(annotation)) return;
    checkDatasource(annotation['datasource'], `annotations.list[${index}].datasource`);
  });
  return findings;
}
