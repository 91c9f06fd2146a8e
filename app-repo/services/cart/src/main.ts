import { runMain } from '@slipway/service-kit';
import { startCartService } from './service.ts';

await runMain(() => startCartService());
