import { execFile } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createGitopsRemote, digestOf, gitopsTree, registry, removeGitopsRemotes, run } from '../test-support/gitops-repository.ts';

afterAll(removeGitopsRemotes);

const bin = new URL('./slipway.js', import.meta.url).pathname;
const corpus = new URL('../test-support/fixtures/corpus/', import.meta.url).pathname;
const ecr = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/slipway';
const digest = `sha256:${'ef'.repeat(32)}`;

function slipway(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return slipwayWith({}, cwd, ...args);
}

function slipwayWith(env: NodeJS.ProcessEnv, cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, env: { ...process.env, GITOPS_TOKEN: '', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Every file under a folder with its bytes, to prove nothing changed. */
function snapshot(folder: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (path: string): void => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      if (statSync(full).isDirectory()) walk(full);
      else files[full.slice(folder.length)] = readFileSync(full, 'latin1');
    }
  };
  walk(folder);
  return files;
}

function corpusCopy(): string {
  const folder = mkdtempSync(join(tmpdir(), 'slipway-cli-'));
  cpSync(corpus, join(folder, 'manifests'), { recursive: true });
  return folder;
}

describe('slipway set-image', () => {
  it('pins the repository everywhere in the given folder, in every style', async () => {
    const folder = corpusCopy();
    const before = snapshot(folder);
    const result = await slipway(folder, 'set-image', 'manifests', `${ecr}/app=${ecr}/app:sha-1234567@${digest}`);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('manifests/workloads.yaml:18 image-string');
    expect(result.stdout).toContain('manifests/overlays/prod/kustomization.yaml:8 kustomize-images');
    expect(result.stdout).toContain('2 file(s) changed');
    const after = snapshot(folder);
    const changed = Object.keys(after)
      .filter((path) => after[path] !== before[path])
      .sort();
    expect(changed).toEqual(['/manifests/overlays/prod/kustomization.yaml', '/manifests/workloads.yaml']);
    expect(after['/manifests/workloads.yaml']).toContain(`image: "${ecr}/app:sha-1234567@${digest}"   # pinned by promotion`);
    expect(after['/manifests/workloads.yaml']).toContain(`image: ${ecr}/app-sidecar:1.4.0`);
  });

  it.each([
    [
      'a repository pinned nowhere',
      [`${ecr}/payments=${ecr}/payments:v1@${digest}`],
      1,
      /is pinned nowhere in the 9 file\(s\) given; nothing was changed/,
    ],
    ['an invalid reference', [`${ecr}/app=${ecr}/app:v1@sha256:short`], 1, /the digest 'sha256:short'/],
    ['a reference without digest', [`${ecr}/app=${ecr}/app:v1`], 1, /give both tag and digest/],
    ['no assignment', [], 2, /usage: slipway set-image/],
  ])('exits non-zero and changes nothing for %s', async (_name, assignments, code, message) => {
    const folder = corpusCopy();
    const before = snapshot(folder);
    const result = await slipway(folder, 'set-image', 'manifests', ...assignments);
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
    expect(snapshot(folder)).toEqual(before);
  });
});

describe('slipway set-image on other layouts', () => {
  it('says which spelling of a Docker Hub repository it matched, and keeps the file mode', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'slipway-cli-'));
    cpSync(new URL('../test-support/fixtures/layouts/', import.meta.url).pathname, join(folder, 'layouts'), { recursive: true });
    const file = join(folder, 'layouts', 'docker-hub-spellings.yaml');
    chmodSync(file, 0o755);
    const result = await slipway(folder, 'set-image', file, `docker.io/library/nginx=nginx:1.27.1@${digest}`);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      `layouts/docker-hub-spellings.yaml:11 image-string nginx (matched as docker.io/library/nginx) -> nginx:1.27.1@${digest}`,
    );
    expect(result.stdout).toContain(`layouts/docker-hub-spellings.yaml:16 image-string -> docker.io/library/nginx:1.27.1@${digest}`);
    expect(statSync(file).mode & 0o777).toBe(0o755);
  });
});

describe('slipway set-image refuses what it cannot pin safely, writing nothing', () => {
  it.each([
    [
      'a registry that is an alias',
      `bitnami/redis=bitnami/redis:7.4.3@${digest}`,
      /values-split-image-refusals\.yaml:6: the registry of this image is an alias/,
    ],
    [
      'a shared repository prefix',
      `registry.example.com/shop=registry.example.com/shop:v1@${digest}`,
      /values-split-image-refusals\.yaml:19: 'images\.repository'/,
    ],
    [
      'one repository given twice',
      `nginx=nginx:1@${digest}`,
      /given twice with different images/,
      `docker.io/library/nginx=nginx:2@${digest}`,
    ],
  ])('%s', async (_name, assignment, message, second?: string) => {
    const folder = mkdtempSync(join(tmpdir(), 'slipway-cli-'));
    cpSync(new URL('../test-support/fixtures/layouts/', import.meta.url).pathname, join(folder, 'layouts'), { recursive: true });
    const before = snapshot(folder);
    const result = await slipway(folder, 'set-image', 'layouts', assignment, ...(second ? [second] : []));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(snapshot(folder)).toEqual(before);
  });
});

describe('slipway promote, diff and rollback in a checkout with a bare remote', () => {
  it('promotes dev, shows what prod lacks with source commits, promotes prod from dev and rolls dev back', async () => {
    const remote = createGitopsRemote(gitopsTree(['product', 'cart']));
    const checkout = remote.clone('checkout');
    /** Promotes product build `n` (tag sha-nnnnnnn, from source commit nnn…) to dev. */
    const promoteProductToDev = (n: number) => {
      const image = `product=${registry}/product:sha-${String(n).repeat(7)}@${digestOf(`p${n}`)}`;
      return slipway(checkout, 'promote', 'dev', '--set', image, '--source-commit', String(n).repeat(40));
    };
    const preview = await slipway(
      checkout,
      'promote',
      'dev',
      '--dry-run',
      '--set',
      `product=${registry}/product:sha-1111111@${digestOf('p1')}`,
    );
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain('\n-          tag: sha-0000000\n');
    expect(preview.stdout).toContain('\n+          tag: sha-1111111\n');
    expect(remote.head()).toBe(run(remote.bare, 'rev-parse', 'main').trim());
    expect(Number(run(remote.bare, 'rev-list', '--count', 'main').trim())).toBe(1);
    const first = await promoteProductToDev(1);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /product: sha-0000000 -> sha-1111111 \(sha256:[0-9a-f]{12}\) in gitops-repo\/environments\/dev\/services\/product\.yaml\ndev: commit [0-9a-f]{40}/,
    );
    const second = await promoteProductToDev(2);
    expect(second.code).toBe(0);
    run(checkout, 'pull', '--quiet', 'origin', 'main');

    const diff = await slipway(checkout, 'diff', 'dev', 'prod');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('2 of 2 services differ; promoting dev -> prod would change:');
    expect(diff.stdout).toMatch(
      /product: prod sha-0000000 sha256:[0-9a-f]{12} {2}<- {2}dev sha-2222222 sha256:[0-9a-f]{12} source 222222222222/,
    );

    const json = JSON.parse((await slipway(checkout, 'diff', 'dev', 'prod', '--json')).stdout) as {
      differences: { service: string; differs: boolean; from?: { sourceCommit?: string } }[];
    };
    expect(json.differences.map((difference) => [difference.service, difference.differs, difference.from?.sourceCommit])).toEqual([
      ['cart', true, undefined],
      ['product', true, '2222222222222222222222222222222222222222'],
    ]);

    const prod = await slipway(checkout, 'promote', 'prod', '--from', 'dev', '--service', 'product', '--approver', 'alice');
    expect(prod.code).toBe(0);
    expect(remote.show('gitops-repo/environments/prod/services/product.yaml')).toContain(`digest: ${digestOf('p2')}`);
    expect(remote.show('gitops-repo/environments/prod/services/cart.yaml')).toContain(`digest: ${digestOf('prod/cart/sha-0000000')}`);

    const rollback = await slipway(checkout, 'rollback', 'dev');
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain('product: sha-2222222 -> sha-1111111');
    expect(remote.show('gitops-repo/environments/dev/services/product.yaml')).toContain(`digest: ${digestOf('p1')}`);

    // prod now runs a newer product than dev: the diff says a promotion keeps it instead of listing it as a change.
    run(checkout, 'pull', '--quiet', 'origin', 'main');
    const after = await slipway(checkout, 'diff', 'dev', 'prod');
    expect(after.stdout).toContain('2 of 2 services differ; promoting dev -> prod would change:\n  cart: ');
    expect(after.stdout).toMatch(
      /prod runs a newer release than dev of these; a promotion keeps them \(slipway rollback prod goes back\):\n {2}product: prod sha-2222222 sha256:[0-9a-f]{12} source 222222222222 {2}newer than {2}dev sha-1111111/,
    );
    const kept = await slipway(checkout, 'promote', 'prod', '--from', 'dev', '--service', 'product');
    expect(kept.stdout).toContain('product: skipped — prod already runs product');
  });

  it('evidence: what a reviewer of prod would approve, then nothing to approve once promoted; a bad release id is refused', async () => {
    const remote = createGitopsRemote(gitopsTree(['product']));
    const checkout = remote.clone('checkout');
    const image = `product=${registry}/product:sha-1111111@${digestOf('p1')}`;
    expect((await slipway(checkout, 'promote', 'dev', '--set', image, '--source-commit', '1'.repeat(40))).code).toBe(0);
    run(checkout, 'pull', '--quiet', 'origin', 'main');
    const head = remote.head();
    // Outside a GitHub job: no repository, no token — what needs them is said to be unknown, never guessed.
    const local = { GITHUB_REPOSITORY: '', GH_TOKEN: '', GITHUB_TOKEN: '' };
    const evidence = await slipwayWith(local, checkout, 'evidence', 'prod', '--from', 'dev');
    expect(evidence.stderr).toBe('');
    expect(evidence.stdout).toContain('## Evidence: dev → prod\n\n1 service would change: product.');
    expect(evidence.stdout).toContain(
      `| Image | \`sha-0000000\` \`${digestOf('prod/product/sha-0000000').slice(0, 19)}\` | \`sha-1111111\``,
    );
    // The chart's repository is not the one checked out here (a clone of a local remote): said, not rendered from a look-alike folder.
    expect(evidence.stdout).toMatch(
      /\*\*Rendered manifests:\*\* diff unavailable — what runs now: the chart comes from \S+, which is not a repository checked out here \(/,
    );
    expect(evidence.stdout).toContain(
      '**Dev verification:** unknown — no source repository given (--source-repository or GITHUB\\_REPOSITORY)',
    );
    expect(evidence.stdout).toContain('**Provenance:** unverified: no source repository given');
    expect(remote.head()).toBe(head);
    const badId = await slipwayWith(local, checkout, 'evidence', 'prod', '--release', 'release-manifest.json/../x');
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain("--release 'release-manifest.json/../x' is not a release id");
    const folder = await slipwayWith(local, checkout, 'evidence', 'prod', '--from', 'dev', '--releases', 'release-evidence');
    expect(folder.code).toBe(2);
    expect((await slipway(checkout, 'promote', 'prod', '--from', 'dev')).code).toBe(0);
    const nothing = await slipwayWith(local, checkout, 'evidence', 'prod', '--from', 'dev');
    expect(nothing.stdout).toContain('Nothing to approve: prod already runs these images.');
  }, 180_000); // six CLI runs from source through tsx

  it('refuses an unknown environment and an unknown command with a clear message', async () => {
    const remote = createGitopsRemote(gitopsTree(['product']));
    const checkout = remote.clone('checkout');
    const head = remote.head();
    const unknown = await slipway(checkout, 'promote', 'staging', '--set', `product=${registry}/product:sha-1@${digestOf('x')}`);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("slipway promote: unknown environment 'staging': gitops-repo/environments/ has dev, prod");
    expect(remote.head()).toBe(head);
    const verb = await slipway(checkout, 'launch');
    expect(verb.code).toBe(2);
    expect(verb.stderr).toMatch(/unknown command 'launch'/);
  });
});
