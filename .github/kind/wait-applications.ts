/**
 * One check of the cluster end-to-end run's wait step: are all Applications of the prepared GitOps
 * tree Synced and Healthy?
 *
 *   tsx .github/kind/wait-applications.ts --tree DIR --applications FILE
 *
 * DIR is the prepared copy (its gitops-repo/ folder is read), FILE the output of
 * `kubectl get applications -n argocd -o json`. Prints every Application's state and a count; exit 0
 * when all are Synced and Healthy, 1 naming those that are not, 2 on unreadable input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { applicationStates, declaredApplications, readiness, ReadinessInputError } from './application-readiness.ts';
import { filesUnder } from './tree-files.ts';

function main(): number {
  const { values } = parseArgs({
    options: {
      tree: { type: 'string' },
      applications: { type: 'string' },
      environment: { type: 'string', default: 'dev' },
      'gitops-path': { type: 'string', default: 'gitops-repo' },
    },
    strict: true,
  });
  if (!values.tree || !values.applications)
    throw new ReadinessInputError('--tree and --applications are required (usage: wait-applications.ts --tree DIR --applications FILE)');
  const declared = declaredApplications(filesUnder(join(values.tree, values['gitops-path'])), values.environment);
  const result = readiness(declared, applicationStates(readFileSync(values.applications, 'utf8'), values.applications));
  for (const line of result.table) console.log(line);
  console.log(result.summary);
  if (!result.ok) console.log(`not Synced and Healthy: ${result.notReady.join(', ')}`);
  return result.ok ? 0 : 1;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(`wait-applications: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 2;
}
