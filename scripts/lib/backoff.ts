import { abortableSleep } from "./abortable_sleep.ts";

/** The engine's reconnect pace: 0.5 s, doubling to 30 s. */
export const ENGINE_RECONNECT = { initialMs: 500, maxMs: 30_000 } as const;

/** How long to sleep; ends early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

const sleep: Sleep = (ms, signal) =>
  signal ? abortableSleep(ms, signal) : new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The delay between tries of something that fails: `initialMs`, doubling at each failure in a row
 * up to `maxMs`, from the start again after a success. The one retry pace of the daemon's loops.
 */
export class Backoff {
  #nextMs: number;

  constructor(
    readonly pace: { readonly initialMs: number; readonly maxMs: number },
    private readonly sleepFor: Sleep = sleep,
  ) {
    this.#nextMs = pace.initialMs;
  }

  /** Waits the current delay (less, when `signal` aborts), and doubles the next one. */
  wait(signal?: AbortSignal): Promise<void> {
    const ms = this.#nextMs;
    this.#nextMs = Math.min(ms * 2, this.pace.maxMs);
    return this.sleepFor(ms, signal);
  }

  /** After a success: the next failure waits `initialMs` again. */
  reset(): void {
    this.#nextMs = this.pace.initialMs;
  }
}
