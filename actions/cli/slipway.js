#!/usr/bin/env node
// The `slipway` CLI from its TypeScript sources (through tsx), for tests and development; the
// package's bin is the bundle actions/cli/dist/slipway.js (actions/scripts/bundle.ts).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
