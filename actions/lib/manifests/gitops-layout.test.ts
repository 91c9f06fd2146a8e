import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listEnvironments } from './environments.ts';
import { readPins } from './pins.ts';
import { planPromotion } from '../promotion/plan.ts';

// The repository's own GitOps tree: promotion must be able to rewrite every shop service in it.
const root = new URL('../../../', import.meta.url).pathname;
const shopServices = ['frontend', 'product', 'cart', 'order'];

function filesUnder(folder: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (path: string): void => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry)) files.set(relative(root, full), readFileSync(full, 'utf8'));
    }
  };
  walk(folder);
  return files;
}

const environments = listEnvironments(
  readdirSync(join(root, 'gitops-repo/environments')).map((name) => `gitops-repo/environments/${name}/x`),
  'gitops-repo',
);

describe("promotion over the repository's gitops-repo/", () => {
  it('has dev and prod', () => {
    expect(environments).toEqual(expect.arrayContaining(['dev', 'prod']));
  });

  it.each(environments.flatMap((environment) => shopServices.map((service) => [environment, service])))(
    '%s pins %s once and a promotion rewrites only its image and chart revision',
    (environment, service) => {
      const files = filesUnder(join(root, 'gitops-repo/environments', environment));
      const pins = [...files].flatMap(([path, text]) => readPins(text, path)).filter((pin) => pin.repository.endsWith(`/${service}`));
      expect(pins).toHaveLength(1);
      const [pin] = pins;
      const digest = `sha256:${'9'.repeat(64)}`;
      const plan = planPromotion(
        files,
        {
          environment,
          release: { releaseId: 'r1', createdAt: '2030-01-01T00:00:00Z', sourceCommit: '1234567' },
          services: [
            {
              service,
              image: { repository: pin?.repository ?? '', tag: 'sha-9999999', digest },
              chartRevision: '9f9e9d9',
              origin: { releaseId: 'r1', createdAt: '2030-01-01T00:00:00Z', sourceCommit: '1234567' },
            },
          ],
        },
        [],
      );
      expect([...plan.files.keys()]).toEqual([pin?.file]);
      const before = (files.get(pin?.file ?? '') ?? '').split('\n');
      const after = (plan.files.get(pin?.file ?? '') ?? '').split('\n');
      expect(after).toHaveLength(before.length);
      const changed = after.filter((line, index) => line !== before[index]).map((line) => line.trim());
      expect(changed.sort()).toEqual([`digest: ${digest}`, 'tag: sha-9999999', 'targetRevision: 9f9e9d9'].sort());
    },
  );
});
