/**
 * Whether every Argo CD Application the cluster end-to-end run deploys is Synced and Healthy: the
 * Applications the prepared GitOps tree declares for the environment (root, groups, children) against
 * `kubectl get applications -n argocd -o json` (an ApplicationList: items[].metadata.name,
 * items[].status.sync.status, items[].status.health.status — argoproj/argo-cd,
 * pkg/apis/application/v1alpha1/types.go). Pure functions; wait-applications.ts is the shell.
 */
import { parseAllDocuments } from 'yaml';
import { generateApplications } from '../../actions/lib/validate/argo/application-set.ts';

export class ReadinessInputError extends Error {
  override name = 'ReadinessInputError';
}

export interface ApplicationState {
  name: string;
  sync: string;
  health: string;
}

export interface Readiness {
  ok: boolean;
  /** One line per Application: name, sync status, health status. */
  table: string[];
  summary: string;
  /** Applications declared or present that are not Synced and Healthy, with what they are. */
  notReady: string[];
}

type Json = Record<string, unknown>;

function record(value: unknown): Json | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : undefined;
}

/** The names of the Applications a tree declares under environments/<environment>/ (bootstrap included), ApplicationSets' too. */
export function declaredApplications(tree: ReadonlyMap<string, string>, environment: string): string[] {
  const names: string[] = [];
  for (const [file, text] of tree) {
    if (!file.startsWith(`environments/${environment}/`) || !/\.ya?ml$/.test(file)) continue;
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length > 0)
        throw new ReadinessInputError(`${file}: not valid YAML: ${document.errors[0]?.message.split('\n')[0] ?? ''}`);
      const object = record(document.toJS());
      if (object?.apiVersion !== 'argoproj.io/v1alpha1') continue;
      if (object.kind === 'Application') names.push(String(record(object.metadata)?.name));
      // An ApplicationSet's Applications from its own parameters (a list generator's), as the validator renders them.
      if (object.kind === 'ApplicationSet')
        for (const { application, exact } of generateApplications(object).applications)
          if (exact) names.push(String(record(application.metadata)?.name));
    }
  }
  if (names.length === 0) throw new ReadinessInputError(`environments/${environment}/: the tree declares no Application`);
  return names.sort();
}

/** Reads `kubectl get applications -o json` output; throws naming what is wrong with it. */
export function applicationStates(text: string, where: string): ApplicationState[] {
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch (error) {
    throw new ReadinessInputError(
      `${where}: not JSON (${error instanceof Error ? error.message : String(error)}); pass the output of kubectl get applications -n argocd -o json`,
    );
  }
  const items = record(list)?.items;
  if (!Array.isArray(items))
    throw new ReadinessInputError(`${where}: no items list; pass the output of kubectl get applications -n argocd -o json`);
  return items.map((item, index) => {
    const name = record(record(item)?.metadata)?.name;
    if (typeof name !== 'string' || name === '') throw new ReadinessInputError(`${where}: items[${index}] has no metadata.name`);
    const status = record(record(item)?.status);
    const sync = record(status?.sync)?.status;
    const health = record(status?.health)?.status;
    return { name, sync: typeof sync === 'string' ? sync : 'Unknown', health: typeof health === 'string' ? health : 'Unknown' };
  });
}

/** Compares the declared Applications with the cluster's: every one must exist, Synced and Healthy. */
export function readiness(declared: string[], states: ApplicationState[]): Readiness {
  const byName = new Map(states.map((state) => [state.name, state]));
  const names = [...new Set([...declared, ...states.map((state) => state.name)])].sort();
  const width = Math.max(...names.map((name) => name.length));
  const table: string[] = [];
  const notReady: string[] = [];
  for (const name of names) {
    const state = byName.get(name);
    if (!state) {
      table.push(`${name.padEnd(width)}  (not created yet)`);
      notReady.push(`${name} (not created yet)`);
      continue;
    }
    table.push(`${name.padEnd(width)}  ${state.sync.padEnd(9)} ${state.health}`);
    if (state.sync !== 'Synced' || state.health !== 'Healthy') notReady.push(`${name} (${state.sync}/${state.health})`);
  }
  const ready = names.length - notReady.length;
  const summary = `${ready} of ${names.length} Applications Synced and Healthy (${declared.length} declared by the tree)`;
  return { ok: notReady.length === 0, table, summary, notReady };
}
