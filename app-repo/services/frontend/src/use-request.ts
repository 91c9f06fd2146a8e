// Loads data for a page: loading, error (with retry) and ready states, cancelled when the page moves on.
import { useCallback, useEffect, useState } from 'react';

export type RequestState<T> =
  { status: 'loading' } | { status: 'error'; error: unknown; retry: () => void } | { status: 'ready'; data: T; reload: () => void };

interface Settled<T> {
  load: (signal: AbortSignal) => Promise<T>;
  attempt: number;
  outcome: { ok: true; data: T } | { ok: false; error: unknown };
}

/**
 * Runs `load` (wrap it in useCallback: a new function is a new request) and tracks its outcome.
 * A retry runs the same request again and shows the loading state meanwhile.
 */
export function useRequest<T>(load: (signal: AbortSignal) => Promise<T>): RequestState<T> {
  const [attempt, setAttempt] = useState(0);
  const [settled, setSettled] = useState<Settled<T>>();
  const again = useCallback(() => setAttempt((n) => n + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setSettled({ load, attempt, outcome: { ok: true, data } });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setSettled({ load, attempt, outcome: { ok: false, error } });
      },
    );
    return () => controller.abort();
  }, [load, attempt]);

  if (!settled || settled.load !== load || settled.attempt !== attempt) return { status: 'loading' };
  return settled.outcome.ok
    ? { status: 'ready', data: settled.outcome.data, reload: again }
    : { status: 'error', error: settled.outcome.error, retry: again };
}
