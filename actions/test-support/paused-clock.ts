/**
 * Test support: a clock for the verify checks that poll (Polling's `now` and `sleep`) that only their
 * own pauses move. A replayed sequence of API answers is then read the same number of times within a
 * timeout or soak window however slowly the machine answers; the reads themselves stay real.
 */
export function pausedClock(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let ms = 0;
  return {
    now: () => ms,
    sleep: async (pause) => {
      ms += pause;
    },
  };
}
