#!/usr/bin/env node
// `npm test`: every check the project has, in order, each counted.
// Lint and typecheck count as one test each; vitest and Playwright report their own counts.
// The last line is `N passed, N failed`, which CI reads.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = join(root, 'test-results');
mkdirSync(reports, { recursive: true });

/** Runs one step with inherited output; returns its exit status. */
function run(title, command, args, env = {}) {
  console.log(`\n── ${title}: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error) console.error(`${title}: could not start ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const steps = [];
function record(name, passed, failed, skipped = 0) {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  steps.push({ name, passed, failed, skipped });
}

for (const [name, script] of [
  ['lint', 'lint'],
  ['typecheck', 'typecheck'],
]) {
  const status = run(name, 'npm', ['run', '--silent', script]);
  record(name, status === 0 ? 1 : 0, status === 0 ? 0 : 1);
}

// vitest: every workspace's unit and integration tests.
const vitestReport = join(reports, 'vitest.json');
const vitestStatus = run('vitest', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestReport}`]);
const vitest = readJson(vitestReport);
if (vitest) {
  record(
    'vitest',
    vitest.numPassedTests,
    vitest.numFailedTests + (vitestStatus !== 0 && vitest.numFailedTests === 0 ? 1 : 0),
    vitest.numPendingTests + vitest.numTodoTests,
  );
} else {
  record('vitest', 0, 1);
}

// Playwright: the end-to-end suite in a real browser, when the e2e workspace has one.
const playwrightConfig = join(root, 'app-repo/e2e/playwright.config.ts');
if (existsSync(playwrightConfig)) {
  const playwrightReport = join(reports, 'playwright.json');
  const status = run('playwright', 'npx', ['playwright', 'test', '--config', playwrightConfig], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: playwrightReport,
  });
  const stats = readJson(playwrightReport)?.stats;
  if (stats) {
    record('playwright', stats.expected + stats.flaky, stats.unexpected + (status !== 0 && stats.unexpected === 0 ? 1 : 0), stats.skipped);
  } else {
    record('playwright', 0, 1);
  }
}

writeFileSync(join(reports, 'summary.json'), `${JSON.stringify({ ...totals, steps }, null, 2)}\n`);
console.log('');
for (const step of steps) console.log(`${step.name}: ${step.passed} passed, ${step.failed} failed`);
const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
process.exitCode = totals.failed === 0 ? 0 : 1;
