// Before the browser tests: build the frontend, as `npm start` does before it starts the gateway.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export default function buildFrontend(): void {
  const build = spawnSync('npm', ['run', 'build', '-w', '@slipway/frontend'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (build.status !== 0) {
    throw new Error(`the frontend did not build (npm run build -w @slipway/frontend):\n${build.stdout}\n${build.stderr}`);
  }
}
