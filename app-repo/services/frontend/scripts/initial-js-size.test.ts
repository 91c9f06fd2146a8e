// @vitest-environment node
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeInitialJs, INITIAL_JS_BUDGET_BYTES, initialScriptsOf, measureInitialJs } from './initial-js-size.ts';

const frontendDir = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'initial-js-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('initialScriptsOf', () => {
  it('lists module scripts and module preloads, not stylesheets, other links or other hosts', () => {
    const html = `<!doctype html><html><head>
      <script type="module" crossorigin src="/assets/index-abc.js"></script>
      <link rel="modulepreload" crossorigin href="/assets/vendor-def.js">
      <link rel=modulepreload href='/assets/shared.js'>
      <link rel="stylesheet" href="/assets/index.css">
      <link rel="preload" as="image" href="/hero.svg">
      <script src="https://cdn.example.com/analytics.js"></script>
      <script>inline()</script>
    </head></html>`;
    expect(initialScriptsOf(html)).toEqual(['/assets/index-abc.js', '/assets/vendor-def.js', '/assets/shared.js']);
  });
});

describe('measureInitialJs', () => {
  function site(name: string, files: Record<string, string>): string {
    const dir = join(scratch, name);
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), content);
    }
    return dir;
  }

  it('counts the entry and its preloads, gzipped, and leaves chunks loaded on demand out', () => {
    const dir = site('small', {
      'index.html': '<script type="module" src="/assets/a.js"></script><link rel="modulepreload" href="/assets/b.js">',
      'assets/a.js': 'console.log("a");'.repeat(100),
      'assets/b.js': 'export const b = 1;',
      'assets/lazy.js': 'x'.repeat(500_000),
    });
    const size = measureInitialJs(dir);
    expect(size.files.map((file) => file.file)).toEqual(['assets/a.js', 'assets/b.js']);
    expect(size.files[0]?.bytes).toBe(1700);
    expect(size.gzipBytes).toBe(size.files.reduce((sum, file) => sum + file.gzipBytes, 0));
    expect(size.gzipBytes).toBeLessThan(200);
    expect(size.withinBudget).toBe(true);
    expect(describeInitialJs(size).at(-1)).toMatch(/^initial JavaScript: 0\.\d KB gzipped \(budget 90\.0 KB\) OK$/);
  });

  it('reports a site past its budget', () => {
    const random = Array.from({ length: 4000 }, (_, i) => Math.sin(i).toString(36)).join('');
    const dir = site('big', { 'index.html': '<script type="module" src="/assets/big.js"></script>', 'assets/big.js': random });
    const size = measureInitialJs(dir, 1000);
    expect(size.withinBudget).toBe(false);
    expect(describeInitialJs(size).at(-1)).toMatch(/OVER BUDGET$/);
  });

  it('says what to do when there is no build or the build is incomplete', () => {
    expect(() => measureInitialJs(join(scratch, 'nothing'))).toThrow(/index\.html does not exist: build the frontend first/);
    const dir = site('broken', { 'index.html': '<script type="module" src="/assets/gone.js"></script>' });
    expect(() => measureInitialJs(dir)).toThrow(/loads \/assets\/gone\.js, which is not in .*the build is incomplete/);
    const escape = site('escape', { 'index.html': '<script type="module" src="/../../etc/passwd"></script>' });
    expect(() => measureInitialJs(escape)).toThrow(/points outside the built site/);
  });
});

describe('the shop as built', () => {
  it(`keeps its initial JavaScript under ${INITIAL_JS_BUDGET_BYTES / 1000} KB gzipped`, () => {
    const outDir = join(scratch, 'dist');
    // The same build as `npm run build`, into a scratch folder so a dist/ being served stays untouched.
    const command = spawnSync('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: frontendDir,
      encoding: 'utf8',
      // vitest sets NODE_ENV=test, which would build React's development bundle.
      env: { ...process.env, NODE_ENV: 'production' },
    });
    expect(command.status, `vite build failed:\n${command.stdout}${command.stderr}`).toBe(0);
    const size = measureInitialJs(outDir);
    console.log(describeInitialJs(size).join('\n'));
    expect(size.files.length).toBeGreaterThan(0);
    expect(size.gzipBytes).toBeLessThanOrEqual(INITIAL_JS_BUDGET_BYTES);
  });
});
