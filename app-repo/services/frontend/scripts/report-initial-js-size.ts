// After `vite build`: prints the gzipped size of the initial JavaScript and fails past the budget.
import { fileURLToPath } from 'node:url';
import { describeInitialJs, measureInitialJs } from './initial-js-size.ts';

const distDir = process.argv[2] ?? fileURLToPath(new URL('../dist', import.meta.url));
const size = measureInitialJs(distDir);
for (const line of describeInitialJs(size)) console.log(line);
if (!size.withinBudget) {
  console.error(`The initial JavaScript grew past its budget: make the entry smaller or load the rest on demand (import()).`);
  process.exitCode = 1;
}
