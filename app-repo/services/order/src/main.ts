import { runMain } from '@slipway/service-kit';
import { startOrderService } from './service.ts';

await runMain(() => startOrderService());
