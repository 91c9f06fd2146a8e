import { runMain } from '@slipway/service-kit';
import { startProductService } from './service.ts';

await runMain(() => startProductService());
