/**
 * Values files an environment's Argo CD Applications pull in through `helm.valueFiles`, relative to a
 * chart in Git (`../` allowed) or from the source with a `ref` (`$values/<path>`), wherever they lie in
 * the repository: promotion edits the pins there too. Entries are resolved with the validator's
 * resolver (`validate/charts/value-files.ts`, after Argo CD v3.3.8), here over the files of a git
 * tree. A values file that Applications of other environments use as well is shared (editing it
 * would promote those too); one promotion cannot read (a URL, a path leaving the repository, a file
 * that is not here) is named when it may pin an image being promoted. Pure.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { YAMLMap } from 'yaml';
import { sameRepository } from '../release/image-reference.ts';
import type { Pin } from '../manifests/pins.ts';
import { EditableYaml, textOf } from '../manifests/yaml-edit.ts';
import type { YamlLimits } from '../manifests/yaml-edit.ts';
import { missingValueFile, valueFileLocation } from '../validate/charts/value-files.ts';

/** One Application's use of a values file. */
export interface ValuesFileUse {
  application: string;
  /** `file:line` of the valueFiles entry. */
  at: string;
  /** The environment whose folder holds the Application (undefined outside every environment). */
  environment: string | undefined;
}

export interface UnreadableValuesFile extends ValuesFileUse {
  valueFile: string;
  /** The repository paths it was looked for at. */
  candidates: string[];
  problem: string;
  fix: string;
}

export interface EnvironmentValues {
  /** Repository paths of values files outside the environment's folder that its Applications use. */
  outside: string[];
  /** Values file → the uses by Applications of other environments. */
  sharedWith: Map<string, ValuesFileUse[]>;
  /** Values files of the environment's Applications that promotion cannot read. */
  unreadable: UnreadableValuesFile[];
}

export interface EnvironmentLayout {
  /** Repository path of the environments folder (`gitops-repo/environments`). */
  environmentsRoot: string;
  environment: string;
  /** Repository path of the GitOps tree ('' when it is the repository). */
  gitopsPath: string;
}

const get = (node: unknown, key: string): unknown => (isMap(node) ? node.get(key, true) : undefined);

function environmentOf(path: string, layout: EnvironmentLayout): string | undefined {
  const prefix = `${layout.environmentsRoot}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length).split('/')[0] : undefined;
}

/** The sources of every Argo CD Application in one file's text (unreadable files give none: they are reported when read for pins). */
function applicationSources(path: string, text: string, limits: YamlLimits): { yaml: EditableYaml; name: string; sources: YAMLMap[] }[] {
  let yaml: EditableYaml;
  try {
    yaml = EditableYaml.parse(text, path, limits);
  } catch {
    return [];
  }
  return yaml.documents.flatMap((document) => {
    const root = document.contents;
    const apiVersion = textOf(get(root, 'apiVersion')) ?? '';
    if (textOf(get(root, 'kind')) !== 'Application' || !apiVersion.startsWith('argoproj.io/')) return [];
    const spec = get(root, 'spec');
    const list = get(spec, 'sources');
    const sources = [get(spec, 'source'), ...(isSeq(list) ? list.items : [])].filter((source): source is YAMLMap => isMap(source));
    return [{ yaml, name: textOf(get(get(root, 'metadata'), 'name')) ?? '?', sources }];
  });
}

/** Every values file use of every Application in `files`, and the entries that cannot be read. */
function valuesFileUses(
  files: ReadonlyMap<string, string>,
  repositoryFiles: ReadonlySet<string> | undefined,
  layout: EnvironmentLayout,
  limits: YamlLimits,
): { uses: Map<string, ValuesFileUse[]>; unreadable: UnreadableValuesFile[] } {
  const uses = new Map<string, ValuesFileUse[]>();
  const unreadable: UnreadableValuesFile[] = [];
  for (const [path, text] of files) {
    if (!text.includes('valueFiles')) continue;
    for (const { yaml, name, sources } of applicationSources(path, text, limits)) {
      const refs = new Set(sources.flatMap((source) => textOf(get(source, 'ref')) ?? []));
      for (const source of sources) {
        const chartPath = get(source, 'chart') === undefined ? textOf(get(source, 'path')) : undefined;
        const where = { refs, remoteChart: get(source, 'chart') !== undefined, ...(chartPath === undefined ? {} : { chartPath }) };
        const entries = get(get(source, 'helm'), 'valueFiles');
        for (const entry of isSeq(entries) ? entries.items : []) {
          if (!isScalar(entry)) continue;
          const valueFile = textOf(entry);
          const location = valueFile === undefined ? undefined : valueFileLocation(valueFile, where);
          if (valueFile === undefined || location === undefined || 'inChart' in location) continue;
          const use = { application: name, at: `${path}:${yaml.lineOfNode(entry)}`, environment: environmentOf(path, layout) };
          const candidates =
            'repoPath' in location ? [location.repoPath, ...(layout.gitopsPath ? [`${layout.gitopsPath}/${location.repoPath}`] : [])] : [];
          const found = candidates.find((candidate) => repositoryFiles?.has(candidate));
          if (found) uses.set(found, [...(uses.get(found) ?? []), use]);
          else {
            const problem = 'repoPath' in location ? missingValueFile(valueFile, location, chartPath) : location;
            unreadable.push({ ...use, valueFile, problem: problem.problem, fix: problem.fix, candidates });
          }
        }
      }
    }
  }
  return { uses, unreadable };
}

/** Every repository path a values file named in `files` may be at: the files to look for in the tree. */
export function valuesFileCandidates(files: ReadonlyMap<string, string>, layout: EnvironmentLayout, limits: YamlLimits): string[] {
  const { unreadable } = valuesFileUses(files, undefined, layout, limits);
  return unreadable.flatMap((use) => use.candidates);
}

/**
 * The values files of one environment: `files` are the YAML files of every environment (repository
 * path → text), `repositoryFiles` those of `valuesFileCandidates` that are regular files of the repository.
 */
export function environmentValues(
  files: ReadonlyMap<string, string>,
  repositoryFiles: ReadonlySet<string>,
  layout: EnvironmentLayout,
  limits: YamlLimits,
): EnvironmentValues {
  const { uses, unreadable } = valuesFileUses(files, repositoryFiles, layout, limits);
  const folder = `${layout.environmentsRoot}/${layout.environment}/`;
  const outside: string[] = [];
  const sharedWith = new Map<string, ValuesFileUse[]>();
  for (const [path, pathUses] of uses) {
    const ours = pathUses.some((use) => use.environment === layout.environment);
    if (ours && !path.startsWith(folder)) outside.push(path);
    const others = pathUses.filter((use) => use.environment !== layout.environment);
    if ((ours || path.startsWith(folder)) && others.length > 0) sharedWith.set(path, others);
  }
  return {
    outside: outside.sort(),
    sharedWith,
    unreadable: unreadable.filter((use) => use.environment === layout.environment),
  };
}

const describeUses = (uses: readonly ValuesFileUse[]): string =>
  uses.map((use) => `Application ${use.application} (${use.at}${use.environment ? `, environment ${use.environment}` : ''})`).join(', ');

/** Why a promotion may not edit a changed values file that other environments use too; undefined when none is shared. */
export function sharedValuesRefusal(
  touched: ReadonlyMap<string, ReadonlySet<string>>,
  current: ReadonlyMap<string, readonly Pin[]>,
  values: Pick<EnvironmentValues, 'sharedWith'>,
  environment: string,
): string | undefined {
  for (const [repository, paths] of touched) {
    for (const path of paths) {
      const others = values.sharedWith.get(path);
      if (!others) continue;
      const pin = current.get(repository)?.find((candidate) => candidate.file === path);
      return (
        `${path}:${pin?.line ?? 1}: ${environment} takes ${repository} from this values file, and so does ${describeUses(others)}; ` +
        `editing it would promote ${others.length === 1 ? 'that Application' : 'those Applications'} too. Give each environment its own ` +
        'values file (say values-<environment>.yaml, listed after the shared one) and pin the image there. Nothing was committed'
      );
    }
  }
  return undefined;
}

/**
 * Why a promotion cannot go ahead while a values file it cannot read may pin a requested image: the
 * image is pinned nowhere readable, or the Application that names the file pins it or is named after
 * the service. Undefined when no unreadable values file matters.
 */
export function unreadableValuesRefusal(
  services: readonly { service: string; image: { repository: string } }[],
  current: ReadonlyMap<string, readonly Pin[]>,
  values: Pick<EnvironmentValues, 'unreadable'>,
): string | undefined {
  for (const entry of services) {
    const pins = current.get(entry.image.repository) ?? [];
    const use = values.unreadable.find(
      (candidate) =>
        pins.length === 0 ||
        candidate.application === entry.service ||
        pins.some((pin) => pin.application === candidate.application && sameRepository(pin.repository, entry.image.repository)),
    );
    if (use)
      return (
        `${use.at}: Application ${use.application} takes values from ${use.valueFile}, which promotion cannot read or edit ` +
        `(${use.problem}), so it cannot tell whether that file pins ${entry.image.repository}; ${use.fix}. Nothing was committed`
      );
  }
  return undefined;
}
