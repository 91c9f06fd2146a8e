/** Entry point of the bundled `slipway` CLI (actions/cli/dist/slipway.js, built by actions/scripts/bundle.ts). */
import { main } from './main.ts';

process.exitCode = await main(process.argv.slice(2));
