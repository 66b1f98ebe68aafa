import type { JournalEntry } from "../journal/journal_entry.ts";
import type { Logger } from "../log/logger.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { Notifier } from "../notify/notifier.ts";

/** What {@linkcode entryReactions} acts through. */
export interface EntryReactionPorts {
  metrics: Pick<Metrics, "recordEntry">;
  notifier: Pick<Notifier, "notify">;
  log: Logger;
}

/** What the daemon does with each journaled entry, and whether any of them failed. */
export interface EntryReactions {
  onEntry(entry: JournalEntry): void;
  /** Whether an entry so far was `failed` (one pass exits with problems). */
  anyFailed(): boolean;
}

/**
 * Each entry the executor journals is counted, handed to the notifier and logged: an error line
 * when it failed, else an info line.
 */
export function entryReactions({ metrics, notifier, log }: EntryReactionPorts): EntryReactions {
  let failed = false;
  return {
    onEntry(entry) {
      failed ||= entry.result === "failed";
      metrics.recordEntry(entry);
      notifier.notify(entry);
      log.log(entry.result === "failed" ? "error" : "info", describeEntry(entry), {
        container: entry.container?.name,
        result: entry.result,
        actor: entry.actor,
      });
    },
    anyFailed: () => failed,
  };
}

/** Journal entries are the only output of a pass worth a line each. */
export function describeEntry(entry: JournalEntry): string {
  const target = entry.container?.name ?? "-";
  const error = entry.error ? ` (${entry.error})` : "";
  return `${entry.action} ${target}: ${entry.result}${error} — ${entry.reason}`;
}
