import type { JournalNote } from "../executor/executor.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { DeliveryListener } from "./notifier.ts";

/** What {@linkcode deliveryReactions} acts through. */
export interface DeliveryReactionPorts {
  metrics: Pick<Metrics, "recordNotification">;
  /** Journals a note (the executor's). */
  note: (note: JournalNote) => unknown;
}

/**
 * What the daemon does when a notification ends: every delivery is counted; one that failed or
 * was dropped is journaled (`skipped` when dropped), so a user who missed a message finds why.
 */
export function deliveryReactions({ metrics, note }: DeliveryReactionPorts): DeliveryListener {
  return (channel, result, entry, error) => {
    metrics.recordNotification(channel, result);
    if (result === "sent") return;
    note({
      action: "notify",
      container: entry.container,
      reason: `${channel} notification for "${entry.action}" ${result}${error ? `: ${error}` : ""}`,
      actor: "policy",
      result: result === "failed" ? "failed" : "skipped",
      details: { channel },
    });
  };
}
