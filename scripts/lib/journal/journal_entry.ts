/**
 * How an action ended. `skipped`: decided against; `dry-run`: decided, not carried out; `noted`:
 * an observation, not an action (a trip, an unknown reading).
 */
export type JournalResult = "ok" | "failed" | "skipped" | "dry-run" | "noted";

/** One line of the journal. */
export interface JournalEntry {
  /** When the entry was written (ISO 8601). */
  time: string;
  /** `restart`, `pause`, `unpause`, `stop`, `start`, `give-up`… */
  action: string;
  container: { name: string; id: string } | null;
  reason: string;
  /** Readings and settings that led to the decision. */
  details: Record<string, unknown>;
  /** `policy`, or the person who asked (e.g. a Grafana user). */
  actor: string;
  result: JournalResult;
  /** What went wrong, when `result` is `failed`. */
  error?: string;
  /** How long the engine took to carry the action out. */
  durationMs?: number;
}
