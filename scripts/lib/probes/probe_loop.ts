import { abortableSleep } from "../abortable_sleep.ts";
import type { ProbeConfig } from "../config/schema.ts";
import { probeOnce, type ProbeResult } from "./probe.ts";

/** Options for {@linkcode ProbeLoop}. */
export interface ProbeLoopOptions {
  probes: readonly ProbeConfig[];
  intervalMs: number;
  /** Told of every result (metrics). */
  onResult: (result: ProbeResult) => void;
  /** Told once when a probe has been down `downAfter` times in a row. */
  onDown: (probe: ProbeConfig, result: ProbeResult) => void;
  /** Told when a probe answers again after `onDown`. */
  onUp: (probe: ProbeConfig, result: ProbeResult) => void;
}

/** Probes every configured endpoint on an interval, all at once, and counts failures in a row. */
export class ProbeLoop {
  readonly #options: ProbeLoopOptions;
  readonly #downStreak = new Map<string, number>();
  readonly latest = new Map<string, ProbeResult>();

  constructor(options: ProbeLoopOptions) {
    this.#options = options;
  }

  /** One round of every probe. */
  async round(): Promise<ProbeResult[]> {
    return await Promise.all(this.#options.probes.map(async (probe) => {
      const result = await probeOnce(probe);
      this.latest.set(probe.name, result);
      this.#options.onResult(result);
      const previous = this.#downStreak.get(probe.name) ?? 0;
      const streak = result.up ? 0 : previous + 1;
      this.#downStreak.set(probe.name, streak);
      if (streak === probe.downAfter) this.#options.onDown(probe, result);
      if (result.up && previous >= probe.downAfter) this.#options.onUp(probe, result);
      return result;
    }));
  }

  /** Probes until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#options.probes.length === 0) return;
    while (!signal.aborted) {
      await this.round();
      await abortableSleep(this.#options.intervalMs, signal);
    }
  }
}
