/** JSON log lines (pino), one per event, with the service's name on every line for Loki. */
import { pino } from 'pino';
import type { Logger } from 'pino';

export function createLogger(service: string, level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
export type { Logger } from 'pino';
