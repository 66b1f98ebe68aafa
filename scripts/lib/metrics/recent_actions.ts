import type { Journal } from "../journal/journal.ts";
import type { Logger } from "../log/logger.ts";
import type { Metrics } from "./metrics.ts";

/** How far back the journal's actions are drawn again when the daemon starts. */
export const RECENT_ACTIONS_MS = 24 * 60 * 60 * 1_000;

/**
 * Marks the last day's actions for annotations and the panel's "last action", so one taken just
 * before a restart still reaches the dashboards (its series carries its own time). A journal that
 * cannot be read is a warning: the marks start empty.
 */
export async function markRecentActions(
  { journal, metrics, log, now = Date.now }: {
    journal: Pick<Journal, "read">;
    metrics: Pick<Metrics, "markAction">;
    log: Logger;
    now?: () => number;
  },
): Promise<void> {
  try {
    const entries = await journal.read({ since: now() - RECENT_ACTIONS_MS });
    for (const entry of entries) metrics.markAction(entry);
  } catch (error) {
    log.log("warn", `cannot read the journal to mark recent actions: ${(error as Error).message}`);
  }
}
