/**
 * Waits for a condition instead of pausing a fixed time: probes every 100 ms until `accept` takes
 * the value or `timeoutMs` passes, and returns the last value either way, for the test to assert on
 * (so a timeout fails with what was last seen, not with a bare "timed out").
 */
export async function eventually<T>(probe: () => T | Promise<T>, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!accept(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await probe();
  }
  return last;
}
