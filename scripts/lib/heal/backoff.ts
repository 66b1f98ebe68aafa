/** Crash-loop backoff settings, in ms. */
export interface BackoffSettings {
  initial: number;
  max: number;
  resetAfter: number;
}

/**
 * The wait after the `restarts`-th restart before the next one is allowed: nothing before the
 * first, then `initial`, doubling each time, never above `max` (10 s, 20 s, 40 s … 5 min).
 */
export function backoffDelay(restarts: number, settings: BackoffSettings): number {
  if (restarts <= 0) return 0;
  return Math.min(settings.initial * 2 ** (restarts - 1), settings.max);
}
