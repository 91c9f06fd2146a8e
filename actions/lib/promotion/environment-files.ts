/** Reading an environment at the head a promotion decides on (the thin I/O shell over `environment-values.ts`). */
import { environmentPath, environmentsRoot, listEnvironments } from '../manifests/environments.ts';
import type { YamlLimits } from '../manifests/yaml-edit.ts';
import { environmentValues, valuesFileCandidates } from './environment-values.ts';
import type { EnvironmentValues } from './environment-values.ts';
import type { HeadSnapshot } from './head-snapshot.ts';

/**
 * An environment's files at a head: the YAML files of its folder, and the values files its Argo CD
 * Applications use elsewhere in the repository (with which of those are shared or unreadable).
 */
export async function environmentFiles(
  head: HeadSnapshot,
  gitopsPath: string,
  environment: string,
  limits: YamlLimits,
): Promise<{ files: Map<string, string>; values: EnvironmentValues }> {
  const root = environmentsRoot(gitopsPath);
  const folder = environmentPath(environment, listEnvironments(await head.paths(root), gitopsPath), gitopsPath);
  const all = await head.manifests(root);
  const own = [...all].filter(([path]) => path.startsWith(`${folder}/`));
  const layout = { environmentsRoot: root, environment, gitopsPath };
  const repositoryFiles = await head.regularFilesAmong(valuesFileCandidates(all, layout, limits));
  const values = environmentValues(all, repositoryFiles, layout, limits);
  return { files: new Map([...own, ...(await head.filesAt(values.outside))]), values };
}
