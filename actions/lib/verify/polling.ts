/** What the verify checks that poll (the sync wait, the health soak, the SLO soak) are given alike. */
export interface Polling {
  intervalMs: number;
  log(line: string): void;
  /** The clock and the pause between polls; absent: the real ones. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}
