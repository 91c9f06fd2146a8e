// One vitest configuration for every workspace. Each project is one kind of test environment.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Integration tests start real servers, databases and child processes.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Most test files spend their time waiting on child processes, servers and databases, not on
    // the CPU: vitest's default (one worker less than the cores) leaves a 2-core machine half idle.
    // At least two files run at once; measured on the CI machine, the slowest ten files took about
    // half as long with two workers as with one.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        // `extends: true` gives every project the root options above (timeouts).
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'actions/**/*.test.ts',
            'app-repo/packages/**/*.test.ts',
            'app-repo/services/{product,cart,order}/**/*.test.ts',
            'app-repo/services/*.test.ts',
            'app-repo/charts/**/*.test.ts',
            'app-repo/gateway/**/*.test.ts',
            'infra-repo/**/*.test.ts',
            'gitops-repo/**/*.test.ts',
            'scripts/**/*.test.ts',
            '.github/workflows-test/**/*.test.ts',
            '.github/kind/**/*.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/dist/**'],
        },
      },
      {
        // The shop's frontend: React components in a simulated DOM (its build scripts' tests say
        // `@vitest-environment node` themselves).
        extends: true,
        test: {
          name: 'frontend',
          environment: 'happy-dom',
          include: ['app-repo/services/frontend/{src,scripts}/**/*.test.{ts,tsx}'],
          exclude: ['**/node_modules/**', '**/dist/**'],
        },
      },
    ],
  },
});
