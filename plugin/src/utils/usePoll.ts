import { useCallback, useEffect, useRef, useState } from 'react';

/** What {@link usePoll} has read so far. */
export interface Poll<T> {
  /** The last answer, kept while a later read fails. */
  data?: T;
  /** Why the last read failed; cleared by the next that works. */
  error?: unknown;
  /** Reads again now; a read already under way is joined, not doubled. */
  refresh: () => Promise<void>;
}

/**
 * Reads `load` now and every `intervalMs`, one read at a time (a tick while one is under way joins
 * it), and stops when the component goes: the one place the app's views fetch data. `load` should
 * be stable (useCallback): a new one starts over. A new `trigger` (a dashboard's refresh: its new
 * time range) reads again at once.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, trigger?: unknown): Poll<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const inFlight = useRef<Promise<void> | null>(null);
  const live = useRef(true);

  const refresh = useCallback(() => {
    inFlight.current ??= load()
      .then(
        (next) => {
          if (live.current) {
            setData(next);
            setError(undefined);
          }
        },
        (caught) => {
          if (live.current) {
            setError(caught ?? new Error('failed'));
          }
        }
      )
      .finally(() => {
        inFlight.current = null;
      });
    return inFlight.current;
  }, [load]);

  useEffect(() => {
    live.current = true;
    const first = setTimeout(refresh, 0);
    const timer = setInterval(refresh, Math.max(1_000, intervalMs));
    return () => {
      live.current = false;
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [refresh, intervalMs]);

  const lastTrigger = useRef(trigger);
  useEffect(() => {
    if (trigger !== lastTrigger.current) {
      lastTrigger.current = trigger;
      void refresh();
    }
  }, [trigger, refresh]);

  return { data, error, refresh };
}
